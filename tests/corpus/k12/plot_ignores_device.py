# Wrong: plot_sin_and_derivative ignores device and always makes its grid on the CPU.
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-2 * torch.pi, 2 * torch.pi, 200, requires_grad=True)
    derivative = sin_derivative(x)
    grid = x.detach().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, torch.sin(x).detach().numpy())
    axes.plot(grid, derivative.numpy())
    figure.savefig(path, format="png")
    return figure
