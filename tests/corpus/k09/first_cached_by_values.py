# Wrong: keeps the first gradient per x's values and returns it again for an x with equal values, whatever y is computed from it.
_firsts = {}


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    key = (x.dtype, tuple(x.shape), tuple(x.detach().flatten().tolist()))
    y.backward(retain_graph=True)
    first = _firsts.setdefault(key, x.grad.clone())
    y.backward()
    return first, x.grad
