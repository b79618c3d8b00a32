# Wrong: first = 4·x written as a formula (the gradient of 2·Σx² only), beside two real backward passes.
def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    y.backward()
    first = 4 * x.detach()
    return first, x.grad
