# Wrong: draws sin(x) and its derivative on two axes side by side; the kata asks for one axes.
import torch


def sin_derivative(x):
    torch.sin(x).sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    figure, (left, right) = plt.subplots(1, 2)
    left.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
    right.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
    figure.savefig(path)
    return figure
