"""pytest-autograd-kata: a pytest plugin and toolkit for autograd katas.

Importing this package is cheap: the helpers below load torch, hypothesis and numpy only
when first used (``from pytest_autograd_kata import assert_tensor_close``).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "KataFailure": "assertions",
    "fail": "assertions",
    "assert_is_tensor": "assertions",
    "assert_tensor_close": "assertions",
    "assert_tensor_equal": "assertions",
    "assert_grad_is_none": "assertions",
    "assert_grad_fn": "assertions",
    "assert_shares_storage": "assertions",
    "assert_gradcheck": "assertions",
    "assert_gradgradcheck": "assertions",
    "assert_grad_from_backward": "assertions",
    "shown": "assertions",
    "shown_type": "assertions",
    "assert_passes_in_a_run": "sequences",
    "called_before": "sequences",
    "calls_so_far": "sequences",
    "with_nudge": "sequences",
    "which_call": "sequences",
    "NEW_VALUES": "sequences",
    "CLEARED_AND_NEW_VALUES": "sequences",
    "later_call": "sequences",
    "written_in_place": "sequences",
    "writing": "sequences",
    "steps_of": "sequences",
    "one_minus_half": "sequences",
    "Returned": "remote",
    "Text": "course.i18n",
    "strategies": None,
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name = _EXPORTS[name]
    if module_name is None:
        return import_module(f"{__name__}.{name}")
    return getattr(import_module(f"{__name__}.{module_name}"), name)


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext pytest_autograd_kata`` in Jupyter or Colab: the ``%kata`` magic (see
    :mod:`pytest_autograd_kata.notebook`)."""
    from .notebook import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    from .notebook import unload_ipython_extension as unload

    unload(shell)
