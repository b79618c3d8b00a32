# Right: the two passes in a loop (graph kept on all but the last), the first gradient copied with copy.deepcopy.
import copy


def second_backward_error(y):
    for attempt in range(2):
        try:
            y.backward()
        except RuntimeError as err:
            return err
    return None


def gradients_of_two_passes(y, x):
    copies = []
    for n in range(2):
        y.backward(retain_graph=n == 0)
        copies.append(copy.deepcopy(x.grad))
    return copies[0], x.grad
