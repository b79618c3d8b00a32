# Wrong: runs the backward pass, then returns sin(x + π/2), a formula for cos, instead of x.grad.
import math

import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return torch.sin(x.detach() + math.pi / 2)


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
    axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
    figure.savefig(path)
    return figure
