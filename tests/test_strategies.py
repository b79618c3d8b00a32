"""The tensor strategies honour every bound they document, on small Hypothesis budgets."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import HealthCheck, find, given, settings, strategies as st
from hypothesis.errors import NoSuchExample

from pytest_autograd_kata import strategies as kst

quick = settings(max_examples=30, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


def never_draws(strategy: st.SearchStrategy, condition) -> bool:
    """No value that Hypothesis searches for (it aims at the edges) meets ``condition``."""
    try:
        find(strategy, condition, settings=settings(max_examples=100, database=None))
    except NoSuchExample:
        return True
    return False


@quick
@given(kst.tensors())
def test_default_tensors_are_finite_bounded_float32_leaves_on_cpu(x: torch.Tensor) -> None:
    assert x.dtype == torch.float32 and x.device.type == "cpu"
    assert 1 <= x.dim() <= 3 and all(1 <= side <= kst.DEFAULT_MAX_SIDE for side in x.shape)
    assert torch.isfinite(x).all() and x.abs().max() <= kst.DEFAULT_BOUND
    assert not x.requires_grad


@quick
@given(kst.tensors((2, 3), dtype=torch.float64, min_value=-1.5, max_value=0.25))
def test_tensors_honour_shape_dtype_and_bounds(x: torch.Tensor) -> None:
    assert x.shape == (2, 3) and x.dtype == torch.float64
    assert x.min() >= -1.5 and x.max() <= 0.25


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
def test_nonzero_tensors_keep_the_minimum_magnitude_in_every_dtype(dtype: torch.dtype) -> None:
    # 1e-3 is not a float32 or float16 number: the strategy must still honour it, not fail.
    assert never_draws(kst.tensors((4,), dtype=dtype, nonzero=True), lambda x: x.abs().min() < 1e-3)
    assert never_draws(kst.tensors((4,), dtype=dtype, min_magnitude=0.7, max_value=1.0),
                       lambda x: x.abs().min() < 0.7 or x.max() > 1.0)


def test_scalars_stay_within_their_bounds() -> None:
    assert never_draws(kst.scalars(min_value=-2.0, max_value=3.0), lambda x: not -2.0 <= x.item() <= 3.0)


def test_shapes_stay_within_their_limits() -> None:
    assert never_draws(kst.shapes(min_dims=2, max_dims=3, max_side=4),
                       lambda s: not (2 <= len(s) <= 3 and all(1 <= side <= 4 for side in s)))
    find(kst.shapes(), lambda s: len(s) == 3, settings=settings(database=None))


@quick
@given(kst.nonzero_scalars(dtype=torch.float64))
def test_nonzero_scalars_are_zero_dim_and_away_from_zero(x: torch.Tensor) -> None:
    assert x.dim() == 0 and x.dtype == torch.float64 and not x.requires_grad
    assert abs(x.item()) >= kst.DEFAULT_MIN_MAGNITUDE and math.isfinite(x.item())


@quick
@given(kst.tensors((3,), device="meta"))
def test_tensors_go_to_the_device_asked_for(x: torch.Tensor) -> None:
    assert x.device.type == "meta"


def test_impossible_or_unsupported_requests_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="no value in .0.5, 0.9. is at least 1.0 from zero"):
        kst.elements(min_value=0.5, max_value=0.9, min_magnitude=1.0)
    with pytest.raises(ValueError, match="float16, float32 or float64"):
        kst.tensors((2,), dtype=torch.int64)
