# Right: first copied into a new buffer made at each call (torch.empty_like, then copy_), never shared with a later call.
import torch


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = torch.empty_like(x.grad)
    first.copy_(x.grad)
    y.backward()
    return first, x.grad
