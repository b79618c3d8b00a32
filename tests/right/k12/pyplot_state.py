# Right: the functional torch.autograd.backward, and pyplot's current axes (plt.plot, plt.savefig).
import math

import torch


def sin_derivative(x):
    torch.autograd.backward(x.sin().sum())
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    grid = torch.linspace(0, 4 * math.pi, 128, device=device).requires_grad_()
    slope = sin_derivative(grid).tolist()
    figure = plt.figure()
    plt.plot(grid.tolist(), grid.detach().sin().tolist())
    plt.plot(grid.tolist(), slope)
    plt.title("sin and its derivative, by autograd")
    plt.savefig(path, format="png")
    return figure
