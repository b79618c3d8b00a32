# Right: y.backward(torch.ones_like(y)) for the whole grid; plt.figure() and add_subplot() for the axes.
import torch


def sin_derivative(x):
    y = torch.sin(x)
    y.backward(torch.ones_like(y))
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.arange(-5.0, 5.0, 0.05, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    points = x.detach().cpu()
    figure = plt.figure(figsize=(6, 3))
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(points, torch.sin(points), label="f(x) = sin(x)")
    axes.plot(points, derivative.cpu(), "--", label="df/dx")
    axes.set_xlabel("x")
    axes.legend()
    figure.savefig(path, dpi=72)
    return figure
