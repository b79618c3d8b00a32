# Wrong: remembers each x it has cleared (a set keyed by id(x)) and clears it only the first time: a second call on the same x adds ones to the ones the first call left.
_cleared = set()


def clear_then_backward_sum(x):
    if x.grad is not None and id(x) not in _cleared:
        x.grad.zero_()
        _cleared.add(id(x))
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
