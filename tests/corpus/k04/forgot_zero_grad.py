"""Never clears x.grad, so the new gradient is added to the old one."""


def clear_then_backward_sum(x):
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
