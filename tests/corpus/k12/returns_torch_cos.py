"""Returns torch.cos(x), the formula the exercise rules out, and runs no backward pass."""
import torch


def sin_derivative(x):
    return torch.cos(x.detach())


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
    axes.plot(x.detach().cpu().numpy(), sin_derivative(x).cpu().numpy())
    figure.savefig(path)
    return figure
