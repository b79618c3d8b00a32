# Wrong: clears with x.grad[:] = 0, which cannot slice a single-number (0-D) x.grad, a shape the statement allows.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad[:] = 0
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
