# Wrong: backward of x.mean() instead of x.sum(): x.grad is 1/n, which equals ones only for a single element.
def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.zero_()
    x.mean().backward()


def backward_sum_without_clearing(x):
    x.mean().backward()
