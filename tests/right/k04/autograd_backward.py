# Right: the functional torch.autograd.backward runs the same backward pass as y.backward().
import torch


def clear_then_backward_sum(x):
    grad = x.grad
    if grad is not None:
        grad.zero_()
    torch.autograd.backward(torch.sum(x))


def backward_sum_without_clearing(x):
    torch.autograd.backward(torch.sum(x))
