# Wrong: runs the backward pass once per grid and keeps the gradient in a dict keyed by the tensor: after a training step writes new values into the same grid, it hands back the old derivative.
import torch

_derivatives = {}


def sin_derivative(x):
    if x not in _derivatives:
        torch.sin(x).sum().backward()
        _derivatives[x] = x.grad
    return _derivatives[x]


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
    slope = sin_derivative(x)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
    axes.plot(x.detach().cpu().numpy(), slope.cpu().numpy())
    figure.savefig(path, format="png")
    return figure
