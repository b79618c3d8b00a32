# Wrong: builds y = x.sum() once, at the first call, and reuses it (a cache keyed by nothing): every later backward pass goes into the first x.
_y = None


def _sum_of(x):
    global _y
    if _y is None:
        _y = x.sum()
    return _y


def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.zero_()
    _sum_of(x).backward(retain_graph=True)


def backward_sum_without_clearing(x):
    _sum_of(x).backward(retain_graph=True)
