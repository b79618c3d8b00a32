# Wrong: copies the first gradient only at the first call and keeps it in a module-level global (a cache keyed by nothing): every later call returns that copy as first.
_first = None


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    global _first
    y.backward(retain_graph=True)
    if _first is None:
        _first = x.grad.clone()
    y.backward()
    return _first, x.grad
