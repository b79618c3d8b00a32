"""Clears x.grad after the backward pass instead of before, wiping the new gradient too."""


def clear_then_backward_sum(x):
    x.sum().backward()
    x.grad.zero_()


def backward_sum_without_clearing(x):
    x.sum().backward()
