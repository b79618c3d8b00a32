# Wrong: returns total = 2 * first, computed by hand, rather than x.grad after the second pass.
def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return first, 2 * first
