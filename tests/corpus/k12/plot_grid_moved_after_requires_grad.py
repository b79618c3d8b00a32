# Wrong: the grid records gradients on the CPU and is then moved with .to(device): on another device x is a copy, not the leaf backward() fills.
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-2 * torch.pi, 2 * torch.pi, 200, requires_grad=True).to(device)
    derivative = sin_derivative(x)
    grid = x.detach().cpu().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, torch.sin(x).detach().cpu().numpy())
    axes.plot(grid, derivative.cpu().numpy())
    figure.savefig(path, format="png")
    return figure
