# Right: the gradient passed positionally, torch.sum(y), and the error caught as any Exception.
import torch


def backward_square_by_sum(x):
    y = x * x
    torch.sum(y).backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(torch.ones_like(y))


def non_scalar_backward_error(x):
    y = x * x
    try:
        y.backward()
    except Exception as err:
        return err
    return None
