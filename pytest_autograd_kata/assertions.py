"""Assertion helpers that fail with messages a learner understands.

Each helper names the quantity (``x.grad``), says in words what was expected, shows
obtained vs expected for the first few differing elements and the tolerance used, and hides
its own frames from the traceback. Messages follow the current language (``--kata-lang``).

Each takes what the learner's code gave back (a :class:`~pytest_autograd_kata.remote.RemoteTensor`)
as well as plain tensors; the verdict is computed here, in the check's process, which the
learner's code never runs in.

Example::

    from pytest_autograd_kata import Text, assert_grad_from_backward, assert_tensor_close

    def test_backward(kata, device):
        x = torch.arange(4.0, device=device)
        learner_x = kata.tensor(x, requires_grad=True)
        kata.backward_of(learner_x)
        assert_grad_from_backward(learner_x, name="x.grad")
        assert_tensor_close(learner_x.grad, 4 * x, name="x.grad",
                            expected_words=Text("4·x, the gradient of 2·xᵀx", "4·x，即 2·xᵀx 的梯度"))
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy
import torch
from torch.autograd import gradcheck as _gradcheck, gradgradcheck as _gradgradcheck
from torch.testing._comparison import default_tolerances as _default_tolerances

from .course.i18n import Text, t
from .remote import LearnerRaised, RemoteException, RemoteFunction, RemoteObject, RemoteTensor, gradient_check

#: how many differing elements a message lists
SHOWN_ELEMENTS = 3

_Tensor = torch.Tensor
_equal = torch.equal
_isclose = torch.isclose
_is_tensor = torch.is_tensor


class KataFailure(AssertionError):
    """A check failed; ``str()`` is the learner-facing message, in the current language."""

    def __init__(self, message: str, quantity: str = "") -> None:
        super().__init__(message)
        self.quantity = quantity


def _bilingual(text: Text, argument: str) -> Text:
    """What a check says to a learner exists in both languages: a plain string is refused."""
    if not isinstance(text, Text):
        raise TypeError(f"{argument} takes Text(en, zh), so the learner reads it in their "
                        f"language; got {text!r}")
    return text


def _fail(key: str, quantity: str, nudge: Text | None = None, **fields: object) -> None:
    __tracebackhide__ = True
    message = t(key, name=quantity, **fields)
    if nudge is not None:
        message += "\n" + t("nudge", text=_bilingual(nudge, "nudge="))
    raise KataFailure(message, quantity)


def _expected_line(expected: Text | None) -> str:
    if expected is None:
        return ""
    return "\n" + t("expected_words", text=_bilingual(expected, "expected_words="))


def shown(value: Any) -> str:
    """A number (a 0-dim or one-element tensor, the check's or the learner's) as a learner reads
    it: whole numbers in full (float32's -33554552), others as the shortest decimal that reads
    back as the value in its own dtype (float32: 200.00002, where .8g would hide a float64's
    last digits), without an exponent unless the number is very large or very small."""
    _readable(_values(value), "the number to show")
    tensor = _values(value).detach().cpu().reshape(())
    if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16; float32 holds each exactly
        tensor = tensor.float()
    number = tensor.numpy()[()]
    if not numpy.isfinite(number) or numpy.iscomplexobj(number) or number.dtype.kind != "f":
        return str(number)
    if abs(number) < 1e16 and number == int(number):
        return str(int(number))
    if 1e-4 <= abs(number) < 1e16:
        return numpy.format_float_positional(number, unique=True, trim="-")
    return numpy.format_float_scientific(number, unique=True, trim="-")


def _readable(value: _Tensor, what: str) -> None:
    """A tensor of the check's whose values are about to be read: never a meta tensor, which has none."""
    if _is_tensor(value) and value.is_meta:
        raise ValueError(t("meta_has_no_values", name=what))


def _index(flat: int, shape: torch.Size) -> str:
    if not shape:
        return ""
    coords = []
    for size in reversed(shape):
        coords.append(flat % size)
        flat //= size
    return "[" + ", ".join(str(c) for c in reversed(coords)) + "]"


def _differences(name: str, actual: _Tensor, expected: _Tensor, mismatch: _Tensor) -> str:
    flat_bad = mismatch.reshape(-1).nonzero().reshape(-1).tolist()
    a, e = actual.reshape(-1), expected.reshape(-1)
    # A single number is not "1 of 1 elements": it is just obtained vs expected.
    lines = [t("differing_count", bad=len(flat_bad), total=actual.numel()) if actual.numel() > 1
             else t("differing_single")]
    for i in flat_bad[:SHOWN_ELEMENTS]:
        lines.append(t("differing_element", name=name + _index(i, actual.shape),
                       obtained=shown(a[i]), expected=shown(e[i])))
    return "\n".join(lines)


def _values(value: Any) -> Any:
    """The values of a tensor, whether the check's own or the learner's (a RemoteTensor)."""
    return value.value if isinstance(value, RemoteTensor) else value


def shown_type(value: Any) -> str:
    """The type of a value (the check's or one the learner's code returned) by the name the
    learner's code knows it by: ``Tensor`` for a learner's tensor (its class's name for a Tensor
    subclass), the class's own name for an exception or object of the learner's process, and
    ``NoneType``, ``tuple``, ``int``, ... for the rest; never the check's stand-ins (``RemoteTensor``)."""
    if isinstance(value, RemoteTensor):
        return "Tensor" if value.subclass is None else value.subclass.rsplit(".", 1)[-1]
    if isinstance(value, (RemoteObject, RemoteException, LearnerRaised)):
        return value.type_name.rsplit(".", 1)[-1]
    return type(value).__name__


def assert_is_tensor(value: Any, *, name: str, shape: Sequence[int] | None = None,
                     dtype: torch.dtype | None = None, device: Any = None,
                     nudge: Text | None = None) -> None:
    """``value`` is a plain tensor, with the given shape, dtype and device where those are given."""
    __tracebackhide__ = True
    if isinstance(value, RemoteTensor) and value.subclass is not None:
        _fail("tensor_subclass", name, nudge, kind=value.subclass.rsplit(".", 1)[-1])
    value = _values(value)
    if not _is_tensor(value):
        _fail("not_a_tensor", name, nudge, kind=shown_type(value))
    if shape is not None and tuple(value.shape) != tuple(shape):
        _fail("wrong_shape", name, nudge, obtained=tuple(value.shape), expected=tuple(shape))
    if dtype is not None and value.dtype != dtype:
        _fail("wrong_dtype", name, nudge, obtained=value.dtype, expected=dtype)
    if device is not None and value.device.type != torch.device(device).type:
        _fail("wrong_device", name, nudge, obtained=value.device, expected=torch.device(device))


def _comparable(actual: Any, expected: Any, name: str, nudge: Text | None) -> tuple[_Tensor, _Tensor]:
    """Both as plain tensors, once ``actual`` is known to match ``expected``'s shape, dtype and device."""
    __tracebackhide__ = True
    if actual is None:
        _fail("is_none", name, nudge)
    expected = _values(expected)
    _readable(expected, "the expected value")
    if _is_tensor(_values(actual)) and _values(actual).is_meta:
        _fail("meta_has_no_values", name, nudge)
    assert_is_tensor(actual, name=name, shape=expected.shape, dtype=expected.dtype,
                     device=expected.device, nudge=nudge)
    return _values(actual).detach(), expected.detach()


def assert_tensor_close(actual: Any, expected: Any, *, name: str, expected_words: Text | None = None,
                        rtol: float | None = None, atol: float | None = None,
                        nudge: Text | None = None) -> None:
    """``actual`` equals ``expected`` within the tolerance ``torch.testing.assert_close`` uses
    for their dtype (or ``rtol``/``atol`` when given). Shape, dtype and device must match."""
    __tracebackhide__ = True
    actual, expected = _comparable(actual, expected, name, nudge)
    if (rtol is None) != (atol is None):
        raise ValueError("give both rtol and atol, or neither (dtype defaults)")
    if rtol is None:
        rtol, atol = _default_tolerances(actual, expected)
    # torch.testing.assert_close's own tolerances and comparison (torch.isclose, NaN never
    # equal), after the same shape, dtype and device checks; calling assert_close itself would
    # cost 0.4 s on its first call (it imports torch.distributed) and add nothing here.
    mismatch = ~_isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=False)
    if mismatch.any():
        _fail("not_close", name, nudge, expected_line=_expected_line(expected_words),
              differences=_differences(name, actual.cpu(), expected.cpu(), mismatch.cpu()),
              rtol=rtol, atol=atol, dtype=str(actual.dtype).replace("torch.", ""))


def assert_tensor_equal(actual: Any, expected: Any, *, name: str, expected_words: Text | None = None,
                        nudge: Text | None = None) -> None:
    """``actual`` equals ``expected`` exactly: same shape, dtype, device and every element."""
    __tracebackhide__ = True
    actual, expected = _comparable(actual, expected, name, nudge)
    if not _equal(actual, expected):
        mismatch = actual != expected
        _fail("not_equal", name, nudge, expected_line=_expected_line(expected_words),
              differences=_differences(name, actual.cpu(), expected.cpu(), mismatch.cpu()))


def assert_grad_is_none(tensor: Any, *, name: str = "x", nudge: Text | None = None) -> None:
    """No backward pass has written ``tensor.grad`` yet."""
    __tracebackhide__ = True
    if tensor.grad is not None:
        _fail("grad_not_none", name, nudge)


def assert_grad_fn(tensor: Any, expected: str | None, *, name: str, nudge: Text | None = None) -> None:
    """``tensor.grad_fn`` is the node named ``expected`` (``"MulBackward0"``), or is absent
    when ``expected`` is None (a leaf, or a tensor cut from the graph)."""
    __tracebackhide__ = True
    assert_is_tensor(tensor, name=name, nudge=nudge)
    obtained = tensor.grad_fn if isinstance(tensor, RemoteTensor) or tensor.grad_fn is None \
        else type(tensor.grad_fn).__name__
    if obtained == expected:
        return
    if expected is None:
        _fail("grad_fn_unexpected", name, nudge, obtained=obtained)
    if obtained is None:
        _fail("grad_fn_missing", name, nudge, expected=expected)
    _fail("grad_fn_wrong", name, nudge, obtained=obtained, expected=expected)


def assert_shares_storage(tensor: Any, other: Any, *, name: str, other_name: str,
                          nudge: Text | None = None) -> None:
    """``tensor`` uses the same memory as ``other`` (a view or ``detach()``, not a copy): both
    the learner's (RemoteTensors), or both the check's own."""
    __tracebackhide__ = True
    assert_is_tensor(tensor, name=name, nudge=nudge)
    if isinstance(tensor, RemoteTensor) != isinstance(other, RemoteTensor):
        raise TypeError("assert_shares_storage compares two tensors of the same process")
    if isinstance(tensor, RemoteTensor):
        shared = tensor.storage is not None and tensor.storage == other.storage
    else:
        shared = tensor.untyped_storage().data_ptr() == other.untyped_storage().data_ptr()
    if not shared:
        _fail("storage_not_shared", name, nudge, other=other_name)


def assert_grad_from_backward(tensor: RemoteTensor, *, name: str = "x.grad", passes: int | None = None,
                              nudge: Text | None = None) -> None:
    """``tensor`` is a leaf made with ``kata.tensor(..., requires_grad=True)``: at least one
    backward pass accumulated into it (exactly ``passes`` when given), and its ``.grad`` is
    still what the last one left (not replaced or edited by hand since)."""
    __tracebackhide__ = True
    if not isinstance(tensor, RemoteTensor) or tensor.passes is None:
        raise TypeError("assert_grad_from_backward takes a leaf made with kata.tensor(..., requires_grad=True)")
    if tensor.passes == 0:
        if tensor.grad is None:
            _fail("grad_still_none", name, nudge)
        given = tensor.given_grad
        if tensor.grad is given and (given.value.is_meta or _equal(given.value, tensor.given_values)):
            _fail("grad_as_given", name, nudge)
        _fail("no_backward", name, nudge)
    if passes is not None and tensor.passes != passes:
        _fail("wrong_backward_count", name, nudge, obtained=tensor.passes, expected=passes)
    if not tensor.grad_as_left:
        _fail("grad_edited_after_backward", name, nudge)


def _float64(inputs: Sequence[Any]) -> tuple:
    """Floating-point inputs as float64 leaves; MPS has no float64, so those move to the CPU."""
    def convert(tensor: _Tensor) -> _Tensor:
        device = "cpu" if tensor.device.type == "mps" else tensor.device
        return tensor.detach().to(device=device, dtype=torch.float64).requires_grad_(True)

    return tuple(convert(i) if _is_tensor(i) and i.is_floating_point() else i for i in inputs)


def _run_check(checker: Callable, key: str, fn: Callable, inputs: Sequence[Any], name: str,
               nudge: Text | None) -> None:
    __tracebackhide__ = True
    learner = fn.func if isinstance(fn, functools.partial) else fn
    check = functools.partial(checker, fn)
    if isinstance(learner, RemoteFunction):
        # The learner's function is checked through differentiable(), whose backward is ours:
        # gradcheck's undefined-gradient pass would test that wrapper, not the learner's graph
        # (a vector-Jacobian product of zeros is zeros on any graph), in a quarter of its calls.
        check = functools.partial(gradient_check, checker, learner.kata, fn, check_undefined_grad=False)
    try:
        check(_float64(inputs), raise_exception=True)
        return
    except NotImplementedError:  # an untouched stub: the plugin reports it as not started
        raise
    except Exception as err:  # gradcheck raises GradcheckError (a RuntimeError) with the numbers
        # One line, with the numerical and analytical values that follow gradcheck's first line.
        detail = " ".join(str(err).split())[:300]
    # Failing outside the except block keeps gradcheck's own traceback out of the learner's report.
    _fail(key, name, nudge, detail=detail)


def assert_gradcheck(fn: Callable, inputs: Sequence[Any], *, name: str, nudge: Text | None = None) -> None:
    """Autograd's gradient of ``fn`` matches finite differences at ``inputs`` (in float64).
    ``fn`` may be the learner's function (``kata.g``, or a partial of it): then torch's own
    gradcheck runs here, on values and derivatives that the learner's process computes with
    autograd, and its one tensor input is differentiated."""
    __tracebackhide__ = True
    _run_check(_gradcheck, "gradcheck_failed", fn, inputs, name, nudge)


def assert_gradgradcheck(fn: Callable, inputs: Sequence[Any], *, name: str, nudge: Text | None = None) -> None:
    """Autograd's second derivative of ``fn`` matches finite differences (in float64)."""
    __tracebackhide__ = True
    _run_check(_gradgradcheck, "gradgradcheck_failed", fn, inputs, name, nudge)


def fail(message: Text, *, name: str = "") -> None:
    """Fail a check with ``message`` (a :class:`~pytest_autograd_kata.Text` in both languages)
    when no helper above says it; ``name`` is the quantity that was wrong."""
    __tracebackhide__ = True
    raise KataFailure(str(_bilingual(message, "fail()")), name)


def warm_up() -> None:
    """Pay now the import torch makes on its first ``backward(gradient=...)`` (sympy, about
    0.4 s), so that no check pays it in a process that runs checks many times."""
    x = torch.ones(2, requires_grad=True)
    (x * x).backward(gradient=torch.ones(2))
