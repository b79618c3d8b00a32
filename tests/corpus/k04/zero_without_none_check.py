"""Calls x.grad.zero_() unconditionally, which fails on a fresh x whose x.grad is None."""


def clear_then_backward_sum(x):
    x.grad.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
