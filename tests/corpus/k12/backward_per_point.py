"""Runs one backward pass per grid point (retain_graph=True) instead of one for the whole grid."""
import torch


def sin_derivative(x):
    y = torch.sin(x)
    for i in range(len(y)):
        y[i].backward(retain_graph=True)
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
    axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
    figure.savefig(path)
    return figure
