# Wrong: the companion adds ones to x.grad by hand: it shows what accumulation gives, not what backward() does.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.grad += 1
