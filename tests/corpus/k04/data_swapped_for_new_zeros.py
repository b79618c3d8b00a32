# Wrong: keeps the x.grad tensor but swaps its data for new zeros (x.grad.data = ...): new memory, not cleared in place.
import torch


def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.data = torch.zeros_like(x.grad)
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
