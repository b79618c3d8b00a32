# Right: fill_(0) is another in-place method that clears x.grad without new memory.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.fill_(0)
    y = x.sum()
    y.backward()


def backward_sum_without_clearing(x):
    y = x.sum()
    y.backward()
