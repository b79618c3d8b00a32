# returns the x values of the plot instead of the matplotlib Figure
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch


def sin_derivative(x):
    y = torch.sin(x)
    y.sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    x = torch.linspace(-5, 5, 100, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy(), label="sin(x)")
    axes.plot(x.detach().cpu().numpy(), derivative.detach().cpu().numpy(), label="derivative")
    axes.legend()
    figure.savefig(path)
    return x
