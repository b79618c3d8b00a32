# Right: y = x.square(), torch.sum(y) as the scalar, a gradient made with torch.ones(y.size()) on the right device, and the error caught then returned after the try.
import torch


def backward_square_by_sum(x):
    y = x.square()
    torch.sum(y).backward()


def backward_square_with_ones(x):
    y = torch.mul(x, x)
    torch.autograd.backward([y], [torch.ones(y.size(), device=y.device)])


def non_scalar_backward_error(x):
    y = x.square()
    caught = None
    try:
        torch.autograd.backward(y)
    except RuntimeError as err:
        caught = err
    return caught
