# Right: integers made on the CPU, converted and moved to device, then recording switched on; the grid's values are read before the backward pass.
import torch


def sin_derivative(x):
    y = torch.sin(x)
    y.sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device="cpu"):
    from matplotlib.figure import Figure

    x = (torch.arange(-60, 61).float() / 10).to(device).requires_grad_()
    grid = x.detach().cpu().numpy()
    curve = torch.sin(x.detach()).cpu().numpy()
    slope = sin_derivative(x).detach().cpu().numpy()
    figure = Figure()
    axes = figure.subplots()
    axes.plot(grid, curve)
    axes.plot(grid, slope)
    figure.savefig(path, format="png")
    return figure
