# Right: sin(x) first, its derivative second, then a zero line for reference (extra lines after the two are allowed).
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-2 * torch.pi, 2 * torch.pi, 200, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    grid = x.detach().cpu().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, torch.sin(x).detach().cpu().numpy(), label="sin(x)")
    axes.plot(grid, derivative.cpu().numpy(), label="d sin(x)/dx")
    axes.axhline(0.0, color="gray", linewidth=0.5)
    figure.savefig(path, format="png")
    return figure
