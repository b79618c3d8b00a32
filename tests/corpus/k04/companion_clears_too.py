"""The companion function clears x.grad as well, so it never shows the old gradient plus ones."""


def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x):
    clear_then_backward_sum(x)
