"""k12 reference solution."""
import torch


def sin_derivative(x: torch.Tensor) -> torch.Tensor:
    """For a 1-D float32 grid ``x`` that records gradients, compute d sin(x)/dx at every grid
    point with autograd, calling ``backward()`` exactly ONCE and never cos: it is left in
    ``x.grad``; return ``x.grad`` itself."""
    y = torch.sin(x)
    # y[i] depends on x[i] alone, so the gradient of y.sum() holds d sin(x[i])/dx[i] at each i.
    y.sum().backward()
    return x.grad


def plot_sin_and_derivative(path, device: str = "cpu"):
    """On one axes, draw sin(x) as the first line and its derivative from ``sin_derivative``
    as the second, over a grid of your choice (at least 20 different points) on ``device``. Save the
    figure as a PNG file at ``path`` (a str) and return the matplotlib Figure."""
    import matplotlib.pyplot as plt  # here: without matplotlib, sin_derivative still loads and runs

    x = torch.linspace(-2 * torch.pi, 2 * torch.pi, 200, device=device, requires_grad=True)
    derivative = sin_derivative(x)
    # matplotlib draws NumPy arrays: leave the graph (detach) and the device (cpu) first.
    grid = x.detach().cpu().numpy()
    figure, axes = plt.subplots()
    axes.plot(grid, torch.sin(x).detach().cpu().numpy(), label="sin(x)")
    axes.plot(grid, derivative.cpu().numpy(), label="d sin(x)/dx, by autograd")
    axes.legend()
    figure.savefig(path, format="png")
    return figure
