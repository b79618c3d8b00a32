# Right: torch.device(device) for the grid, made with requires_grad=True at once; the tensors handed to matplotlib as they are after .cpu().
import torch


def sin_derivative(x):
    torch.sin(x).backward(torch.ones(x.shape, device=x.device))
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    import matplotlib.pyplot as plt

    where = torch.device(device)
    x = torch.linspace(-8.0, 8.0, 321, device=where, requires_grad=True)
    dydx = sin_derivative(x)
    figure, axes = plt.subplots()
    axes.plot(x.detach().cpu(), x.detach().sin().cpu(), "b-")
    axes.plot(x.detach().cpu(), dydx.cpu(), "r--")
    plt.savefig(path)
    return figure
