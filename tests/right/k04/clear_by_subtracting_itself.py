# Right: clears x.grad in place by subtracting it from itself (sub_), and backpropagates through a module-level helper that keeps nothing.
import torch


def _backward_of_sum(x):
    torch.autograd.backward(torch.sum(x))


def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.sub_(x.grad.clone())
    _backward_of_sum(x)


def backward_sum_without_clearing(x):
    _backward_of_sum(x)
