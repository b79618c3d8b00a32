# Wrong: raises a RuntimeError with PyTorch's wording by hand and returns it: the error never came out of backward().
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def non_scalar_backward_error(x):
    try:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    except RuntimeError as err:
        return err
