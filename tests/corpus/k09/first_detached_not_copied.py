# Wrong: first = x.grad.detach(), which shares x.grad's memory instead of copying it: the second pass changes first too (invisible only where the gradient is 0).
def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad.detach()
    y.backward()
    return first, x.grad
