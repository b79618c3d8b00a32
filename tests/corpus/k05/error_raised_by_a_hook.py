# Wrong: backpropagates from the sum, with a hook that raises PyTorch's non-scalar wording inside backward(), and returns that error: plain y.backward() never ran.
import torch


def backward_square_by_sum(x):
    (x * x).sum().backward()


def backward_square_with_ones(x):
    y = x * x
    y.backward(gradient=torch.ones_like(y))


def _raise(gradient):
    raise RuntimeError("grad can be implicitly created only for scalar outputs")


def non_scalar_backward_error(x):
    total = (x * x).sum()
    total.register_hook(_raise)
    try:
        total.backward()
    except RuntimeError as err:
        return err
