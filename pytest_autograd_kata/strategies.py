"""Hypothesis strategies for tensors, built on ``hypothesis.extra.numpy``.

Every bound has a reason, given where it is set. Values are finite and bounded by default:
NaN and infinity make every comparison meaningless, and a learner's mistake should show up
on ordinary numbers, not on overflow.

Example::

    from hypothesis import given
    from pytest_autograd_kata import strategies as kst

    @given(x=kst.tensors(shape=kst.shapes(max_dims=3)))
    def test_square(x): ...
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: Default bound on element size: 100² · (5·5·5 elements) stays far below float32's
#: 3.4e38 and keeps sums of squares well inside float32's exactly representable range
#: for the shapes drawn here, so an overflow never masquerades as a wrong gradient.
DEFAULT_BOUND = 100.0
#: Smallest magnitude drawn for non-zero values: far enough from 0 that dividing by the
#: value (``d / a``) stays well-conditioned and doubling loops end in a few dozen steps.
DEFAULT_MIN_MAGNITUDE = 1e-3
#: Shapes stay small: the mathematics is the same for 5 elements as for 5 million, and
#: small tensors keep a learner's check run under a second.
DEFAULT_MAX_SIDE = 5

_NUMPY_DTYPES = {torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64}


def shapes(min_dims: int = 1, max_dims: int = 3, min_side: int = 1,
           max_side: int = DEFAULT_MAX_SIDE) -> st.SearchStrategy[tuple[int, ...]]:
    """Tensor shapes; ``min_side=1`` by default since an empty tensor has no gradient to check."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def _width(dtype: torch.dtype) -> int:
    return {torch.float16: 16, torch.float32: 32}.get(dtype, 64)


def _representable(value: float, dtype: torch.dtype, toward: float) -> float:
    """``value`` if ``dtype`` holds it exactly, else its neighbour in ``dtype`` on the side of
    ``toward``: Hypothesis refuses a bound that the drawn width cannot represent (1e-3 in float32)."""
    np_type = _NUMPY_DTYPES.get(dtype, np.float64)
    rounded = float(np_type(value))  # compared as Python floats: numpy would round value too
    if (rounded < value < toward) or (toward < value < rounded):
        rounded = float(np.nextafter(np_type(rounded), np_type(toward)))
    return rounded


# One strategy per bounds, shared: a check that draws a shape and then builds tensors of it
# (kst.tensors(shape)) builds new strategies at every example, and Hypothesis validates each
# new one before its first draw (about a tenth of what such an example costs).
@functools.lru_cache(maxsize=None)
def elements(dtype: torch.dtype = torch.float32, min_value: float = -DEFAULT_BOUND,
             max_value: float = DEFAULT_BOUND, min_magnitude: float = 0.0) -> st.SearchStrategy[float]:
    """Finite floats representable in ``dtype``, within ``[min_value, max_value]`` and, when
    ``min_magnitude`` > 0, at least that far from zero. Subnormals are left out: GPUs may
    flush them to zero, and a check must give the same verdict on every device."""
    def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
        return st.floats(_representable(lo, dtype, toward=hi), _representable(hi, dtype, toward=lo),
                         allow_nan=False, allow_infinity=False, allow_subnormal=False,
                         width=_width(dtype))

    if min_magnitude <= 0:
        return floats(min_value, max_value)
    parts = []
    if max_value >= min_magnitude:
        parts.append(floats(max(min_value, min_magnitude), max_value))
    if min_value <= -min_magnitude:
        parts.append(floats(min_value, min(max_value, -min_magnitude)))
    if not parts:
        raise ValueError(f"no value in [{min_value}, {max_value}] is at least {min_magnitude} from zero")
    return st.one_of(parts)


def tensors(shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None, *,
            dtype: torch.dtype = torch.float32, device: Any = "cpu",
            min_value: float = -DEFAULT_BOUND, max_value: float = DEFAULT_BOUND,
            nonzero: bool = False, min_magnitude: float | None = None,
            elements_strategy: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[torch.Tensor]:
    """Tensors of ``shape`` (a tuple or a strategy; default :func:`shapes`), finite and bounded.

    ``nonzero=True`` keeps every element at least ``min_magnitude`` (default
    :data:`DEFAULT_MIN_MAGNITUDE`) from zero. They never record gradients: a check keeps its
    own tensors private and hands the learner a copy that does, ``kata.tensor(x, requires_grad=True)``."""
    if dtype not in _NUMPY_DTYPES:
        raise ValueError(f"tensors() draws float16, float32 or float64, not {dtype}")
    if min_magnitude is None:
        min_magnitude = DEFAULT_MIN_MAGNITUDE if nonzero else 0.0
    values = elements_strategy or elements(dtype, min_value, max_value, min_magnitude)
    arrays = hnp.arrays(_NUMPY_DTYPES[dtype], shape if shape is not None else shapes(), elements=values)

    def to_tensor(array: np.ndarray) -> torch.Tensor:
        # copy(), not ascontiguousarray(): the latter turns a 0-dim array into shape (1,).
        return torch.from_numpy(array.copy()).to(device)

    return arrays.map(to_tensor)


def scalars(*, dtype: torch.dtype = torch.float32, device: Any = "cpu",
            min_value: float = -DEFAULT_BOUND, max_value: float = DEFAULT_BOUND,
            nonzero: bool = False, min_magnitude: float | None = None) -> st.SearchStrategy[torch.Tensor]:
    """0-dim tensors (``torch.randn(size=())`` in the book)."""
    return tensors((), dtype=dtype, device=device, min_value=min_value, max_value=max_value,
                   nonzero=nonzero, min_magnitude=min_magnitude)


def nonzero_scalars(**kwargs: Any) -> st.SearchStrategy[torch.Tensor]:
    """0-dim tensors at least ``min_magnitude`` from zero (see :func:`tensors`)."""
    return scalars(nonzero=True, **kwargs)
