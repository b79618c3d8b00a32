# Wrong: keeps y = x.sum() per x's values (a dict keyed by the values, graph retained): for another x with equal values, the backward pass goes into the first x, not this one.
_sums = {}


def _sum_of(x):
    key = (tuple(x.shape), tuple(x.detach().flatten().tolist()))
    if key not in _sums:
        _sums[key] = x.sum()
    return _sums[key]


def clear_then_backward_sum(x):
    if x.grad is not None:
        x.grad.zero_()
    _sum_of(x).backward(retain_graph=True)


def backward_sum_without_clearing(x):
    _sum_of(x).backward(retain_graph=True)
