# Wrong: sin_derivative is right, but the plot draws sin(x + π/2) as the derivative, with no backward pass.
import math

import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device)
    figure, axes = plt.subplots()
    axes.plot(x.cpu().numpy(), torch.sin(x).cpu().numpy())
    axes.plot(x.cpu().numpy(), torch.sin(x + math.pi / 2).cpu().numpy())
    figure.savefig(path)
    return figure
