# Right: assigning 0 to every element (x.grad[...] = 0) writes into the same memory.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad[...] = 0.0
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
