# Wrong: keeps the first gradient per x (a dict keyed by id(x)): called again for the same x, with another y, it returns the first call's copy.
_firsts = {}


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = _firsts.setdefault(id(x), x.grad.clone())
    y.backward()
    return first, x.grad
