# Wrong: takes the derivative from torch.autograd.grad and stores it in x.grad by hand; the kata asks for backward().
import torch


def sin_derivative(x):
    (derivative,) = torch.autograd.grad(torch.sin(x).sum(), x)
    x.grad = derivative
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
