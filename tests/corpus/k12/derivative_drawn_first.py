# Wrong: draws the derivative first and sin(x) second; the kata asks for sin(x) as the first line.
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 150, device=device, requires_grad=True)
    derivative = sin_derivative(x).cpu().numpy()
    grid = x.detach().cpu().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, derivative, label="d sin(x)/dx")
    axes.plot(grid, torch.sin(x).detach().cpu().numpy(), label="sin(x)")
    figure.savefig(path, format="png")
    return figure
