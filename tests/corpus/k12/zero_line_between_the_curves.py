# Wrong: draws sin(x), then a zero line, then the derivative: the derivative is the third line, not the second.
import numpy as np
import torch


def sin_derivative(x):
    y = torch.sin(x)
    y.backward(torch.ones_like(y))
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-5.0, 5.0, 100, device=device, requires_grad=True)
    derivative = sin_derivative(x).cpu().numpy()
    grid = x.detach().cpu().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, np.sin(grid))
    axes.plot(grid, np.zeros_like(grid), "k:")
    axes.plot(grid, derivative)
    figure.savefig(path, format="png")
    return figure
