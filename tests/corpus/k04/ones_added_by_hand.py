# Wrong: clears x.grad in place, then adds the gradient of x.sum() (ones) by hand instead of running backward().
import torch


def clear_then_backward_sum(x):
    if x.grad is None:
        x.grad = torch.ones_like(x)
    else:
        x.grad.zero_()
        x.grad += 1


def backward_sum_without_clearing(x):
    x.sum().backward()
