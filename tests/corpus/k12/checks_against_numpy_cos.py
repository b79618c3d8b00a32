"""Gets the derivative from autograd, then checks it against numpy.cos inside the kata."""
import numpy as np
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    assert np.allclose(x.grad.cpu().numpy(), np.cos(x.detach().cpu().numpy()), atol=1e-5)
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
