"""The reference solutions reproduce the values the notes print for x = torch.arange(4.0)."""
from __future__ import annotations

import importlib.util

import pytest
import torch

from conftest import COURSE, SOLUTIONS


def solution(kata_id: str):
    kata = COURSE.get(kata_id)
    spec = importlib.util.spec_from_file_location(f"book_{kata.module}", SOLUTIONS / kata.filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def x() -> torch.Tensor:
    return torch.arange(4.0, requires_grad=True)


def values(tensor: torch.Tensor) -> list[float]:
    return tensor.detach().tolist()


def test_the_notes_from_y_equals_28_to_ones(x: torch.Tensor) -> None:
    """Section 一, steps 3–6, run in the notes' order on one x."""
    y = solution("k02").two_x_dot_x(x)
    assert y.item() == 28.0
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert x.grad is None

    solution("k03").backward_two_x_dot_x(x)
    assert values(x.grad) == [0.0, 4.0, 8.0, 12.0]

    grad_memory = x.grad.data_ptr()
    solution("k04").clear_then_backward_sum(x)
    assert values(x.grad) == [1.0, 1.0, 1.0, 1.0]
    assert x.grad.data_ptr() == grad_memory  # cleared in place, as the notes stress


@pytest.mark.parametrize("route", ["backward_square_by_sum", "backward_square_with_ones"])
def test_non_scalar_backward_gives_0_2_4_6(x: torch.Tensor, route: str) -> None:
    getattr(solution("k05"), route)(x)
    assert values(x.grad) == [0.0, 2.0, 4.0, 6.0]


def test_detach_gives_u_and_z_of_the_notes(x: torch.Tensor) -> None:
    y, u, z = solution("k06").detach_y_and_backward(x)
    assert values(u) == [0.0, 1.0, 4.0, 9.0]
    assert values(z) == [0.0, 1.0, 8.0, 27.0]
    assert values(x.grad) == values(u)
