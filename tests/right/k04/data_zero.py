# Right: the older idiom x.grad.data.zero_(): .data is the same memory, so the same x.grad is cleared in place.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.data.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
