"""k09 reference solution."""
import torch


def second_backward_error(y: torch.Tensor) -> RuntimeError | None:
    """``y`` is a scalar computed from a tensor that records gradients. Run ``y.backward()``
    twice, the default way, catch the error the second call raises, and return it (return
    None if no error is raised)."""
    y.backward()
    try:
        y.backward()
    except RuntimeError as err:
        return err
    return None


def gradients_of_two_passes(y: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``y`` is a scalar computed from ``x``, and ``x.grad`` is None or zeros. Run the backward pass
    of ``y`` twice so that the second pass does not fail. Return ``(first, total)``: a copy of
    ``x.grad`` after the first pass, and ``x.grad`` itself after the second."""
    y.backward(retain_graph=True)
    # clone: x.grad is updated in place by the second pass, and would change under us.
    first = x.grad.clone()
    y.backward()
    return first, x.grad
