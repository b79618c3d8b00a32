# Right: the error kept in a variable outside the except block; both passes keep the graph; first via detach().clone().
def second_backward_error(y):
    caught = None
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        caught = err
    return caught


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad.detach().clone()
    y.backward(retain_graph=True)
    total = x.grad
    return first, total
