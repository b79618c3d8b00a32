# keeps the graph so the second backward() raises nothing, and returns y instead of an error
import torch


def second_backward_error(y: torch.Tensor) -> RuntimeError | None:
    y.backward(retain_graph=True)
    y.backward()
    return y


def gradients_of_two_passes(y: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return first, x.grad
