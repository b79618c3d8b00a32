# Right: the functional torch.autograd.backward, with grad_tensors= for the ones route.
import torch


def backward_square_by_sum(x):
    torch.autograd.backward((x * x).sum())


def backward_square_with_ones(x):
    y = x * x
    torch.autograd.backward(y, grad_tensors=torch.ones_like(y))


def non_scalar_backward_error(x):
    y = x * x
    try:
        torch.autograd.backward(y)
    except RuntimeError as err:
        return err
