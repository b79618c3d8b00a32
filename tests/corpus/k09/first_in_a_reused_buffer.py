# Wrong: copies the first gradient into one module-level buffer, allocated once and reused: the next call overwrites the first that an earlier call returned.
import torch

_buffer = None


def second_backward_error(y):
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y, x):
    global _buffer
    y.backward(retain_graph=True)
    if _buffer is None or _buffer.shape != x.grad.shape or _buffer.dtype != x.grad.dtype:
        _buffer = torch.empty_like(x.grad)
    _buffer.copy_(x.grad)
    y.backward()
    return _buffer, x.grad
