"""What the learner's code returns crosses to the check as it was: a tensor of any layout
(expanded, strided, transposed, sliced, offset, 0-d, empty, a conjugate view) with its values,
shape and dtype, and the facts the check reads of it (autograd's, its storage, its version,
its .grad); a NumPy scalar as the same scalar, a NumPy array as the same array."""
from __future__ import annotations

import math

import numpy
import pytest
import torch
from hypothesis import example, given, settings, strategies as st

from pytest_autograd_kata.remote import Budget, RemoteObject, RemoteTensor
from pytest_autograd_kata.runner import codec

from conftest import SOLUTIONS

#: the learner's module; the check runs the very same functions on its own copies, so a
#: difference is what the crossing changed
LEARNER = """
import numpy
import torch

def view_of(x, expression):
    return eval(expression, {"torch": torch, "x": x})

def numpy_value(char, form):
    dtype = numpy.dtype(char)
    value = True if dtype.kind == "b" else 7 if dtype.kind in "iu" else 2 ** 0.5 - 3j if dtype.kind == "c" else 2 ** 0.5
    if form == "scalar":
        return dtype.type(value)
    if form == "0-d array":
        return numpy.array(value, dtype=dtype)
    values = numpy.arange(12) % 2 if dtype.kind == "b" else numpy.arange(12)
    if form == "strided array":
        return values.astype(dtype).reshape(3, 4).T[::2]
    if form == "other byte order":
        return values.astype(dtype.newbyteorder())
    raise ValueError(form)

def masked():
    return numpy.ma.masked_array([1.0, 2.0], mask=[True, False])

class Scalar(numpy.float64):
    pass

def scalar_subclass():
    return Scalar(2.0)
"""
OWN: dict = {}
exec(LEARNER, OWN)  # noqa: S102  (the test's own copy of the functions above)


@pytest.fixture(scope="module")
def learner(remote_kata):
    return remote_kata(LEARNER)


@pytest.fixture
def kata(learner):
    """The learner's module, a check begun on it (as the plugin begins each)."""
    learner.begin_check(Budget(60))
    return learner


def storage_of(tensor: torch.Tensor) -> int:
    return tensor.untyped_storage().data_ptr()


def values_of(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().resolve_conj().resolve_neg()


def grad_fn_name(tensor: torch.Tensor) -> str | None:
    return None if tensor.grad_fn is None else type(tensor.grad_fn).__name__


def assert_crossed(remote, local: torch.Tensor, remote_x: RemoteTensor, local_x: torch.Tensor) -> None:
    """``remote`` (the learner's result) is ``local`` (the same expression on the check's
    copy): values, shape, dtype, and every fact the check can read of it."""
    assert isinstance(remote, RemoteTensor), remote
    assert (remote.dtype, remote.shape) == (local.dtype, local.shape)
    assert type(remote.value) is torch.Tensor and torch.equal(remote.value, values_of(local)), (remote.value, local)
    assert (remote.requires_grad, remote.is_leaf, remote.grad_fn) == (local.requires_grad, local.is_leaf,
                                                                      grad_fn_name(local))
    assert remote.version == local._version
    assert (remote.storage == remote_x.storage) == (storage_of(local) == storage_of(local_x))
    assert (remote_x.version, remote_x.requires_grad) == (local_x._version, local_x.requires_grad)
    if local_x.grad is None:
        assert remote_x.grad is None
    else:
        assert remote_x.grad is not None and torch.equal(remote_x.grad.value, values_of(local_x.grad))


def cross(kata, x: torch.Tensor, expression: str, requires_grad: bool) -> None:
    """The learner's ``view_of(x, expression)`` on its copy of ``x``, against the same here."""
    remote_x = kata.tensor(x, requires_grad=requires_grad)
    remote = kata.view_of(remote_x, expression)
    local_x = x.clone().requires_grad_(requires_grad)
    assert_crossed(remote, OWN["view_of"](local_x, expression), remote_x, local_x)


DIFFERENTIABLE = {torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128}


@st.composite
def strided_views(draw) -> tuple[torch.Tensor, str, bool]:
    """A tensor ``x`` of any dtype that may cross, an ``x.as_strided(...)`` of it — any shape,
    strides from 0 (expanded) up, in any order (transposed), with steps and an offset — and,
    for complex dtypes, maybe its conjugate view or that view's imaginary part (a negative
    view), and whether ``x`` records gradients."""
    dtype = draw(st.sampled_from(sorted(codec.DTYPES.values(), key=str)))
    size = draw(st.lists(st.integers(0, 3), max_size=3))
    stride = draw(st.lists(st.integers(0, 4), min_size=len(size), max_size=len(size)))
    offset = draw(st.integers(0, 3))
    reach = sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    x = torch.arange(offset + reach + 1)
    x = (x % 2).to(dtype) if dtype is torch.bool else x.to(dtype)
    then = draw(st.sampled_from(["", ".conj()", ".conj().imag"])) if dtype.is_complex else ""
    return x, f"x.as_strided({size}, {stride}, {offset}){then}", dtype in DIFFERENTIABLE and draw(st.booleans())


@settings(max_examples=300, deadline=None, database=None)
@given(view=strided_views())
@example(view=(torch.arange(3.0), "x.as_strided([1], [0], 2)", False))  # what expand(1) makes
@example(view=(torch.arange(20.0), "x.as_strided([1, 1], [5, 7], 3)", True))
@example(view=(torch.arange(3.0) + 1j, "x.as_strided([2], [1], 1).conj()", False))
def test_every_layout_of_a_tensor_crosses_as_it_is(learner, view) -> None:
    x, expression, requires_grad = view
    learner.begin_check(Budget(60))  # each example a check of its own
    cross(learner, x, expression, requires_grad)


@pytest.mark.parametrize("expression, shape, dtype, requires_grad", [
    # the gradient of a sum is the output's gradient expanded: stride 0, of any shape
    ("torch.autograd.grad(x.sum(), x)[0]", (1,), torch.float32, True),
    ("torch.autograd.grad(x.sum(), x)[0]", (1, 1), torch.float64, True),
    ("torch.autograd.grad(x.sum(), x)[0]", (2, 3), torch.float32, True),
    ("torch.autograd.grad(x.sum(), x)[0]", (), torch.float32, True),
    ("torch.autograd.grad(x.sum(), x)[0]", (0, 2), torch.float32, True),
    ("(x.sum().backward(), x.grad)[1]", (1,), torch.float32, True),
    ("(x.sum().backward(), x.grad)[1]", (1, 1), torch.float32, True),
    ("x[0].expand(1)", (3,), torch.float32, False),
    ("x[0].expand(1)", (3,), torch.float32, True),
    ("x.expand(3)", (1,), torch.float32, False),
    ("x.expand(1, 1)", (), torch.int64, False),
    ("x.unsqueeze(1).expand(3, 2)", (3,), torch.float32, True),
    ("x[::3]", (3,), torch.float32, False),
    ("x[1:, ::2]", (3, 4), torch.float32, True),
    ("x[2]", (3, 4), torch.float32, False),
    ("x[1, 2]", (3, 4), torch.float32, True),
    ("x[:0]", (3,), torch.float32, False),
    ("x.t()", (2, 3), torch.float32, True),
    ("x.mT[1:]", (2, 3, 4), torch.int32, False),
    ("x.diagonal()", (3, 3), torch.bool, False),
    ("x.flip(0)", (3,), torch.bfloat16, False),
    ("x.conj()", (2,), torch.complex64, False),
    ("x.conj()", (2,), torch.complex128, True),
    ("x.conj().imag", (2,), torch.complex64, False),
    ("x.conj()[1].expand(1)", (2,), torch.complex64, False),
    ("x.detach().mul_(2)[1:]", (3,), torch.float32, True),  # in place: the version counts it
    ("torch.tensor(3.0).expand(1)", (1,), torch.float32, False),
])
def test_named_views_cross_as_they_are(kata, expression: str, shape: tuple, dtype: torch.dtype,
                                       requires_grad: bool) -> None:
    x = (torch.arange(math.prod(shape)) + 1).reshape(shape)
    x = x.to(dtype) if not dtype.is_complex else (x + 1j * x).to(dtype)
    cross(kata, x, expression, requires_grad)


NUMPY_TYPES = sorted({numpy.dtype(char).type for char in numpy.typecodes["All"]
                      if numpy.dtype(char).kind in codec.NUMPY_KINDS}, key=lambda t: t.__name__)


@pytest.mark.parametrize("form", ["scalar", "0-d array", "strided array", "other byte order"])
@pytest.mark.parametrize("kind", NUMPY_TYPES, ids=lambda t: t.__name__)
def test_numpy_values_cross_as_themselves(kata, kind: type, form: str) -> None:
    char = numpy.dtype(kind).char
    got, expected = kata.numpy_value(char, form), OWN["numpy_value"](char, form)
    assert type(got) is type(expected), (got, expected)
    if isinstance(expected, numpy.ndarray):
        assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    else:
        assert type(got) is kind
    assert numpy.array_equal(got, expected)  # not the bytes: a long double's padding is anything


@pytest.mark.parametrize("function, kind", [("masked", "numpy.ma.MaskedArray"), ("scalar_subclass", "Scalar")])
def test_a_numpy_subclass_is_not_passed_off_as_a_plain_value(kata, function: str, kind: str) -> None:
    # as a plain array, a masked array would show the values its mask hides
    got = getattr(kata, function)()
    assert isinstance(got, RemoteObject) and got.type_name.endswith(kind), got


@pytest.mark.parametrize("dtype, shape, blob, scalar", [
    ("f8,(", [1], b"x" * 8, False),  # numpy.dtype() would parse it (and raise SyntaxError)
    ("=O", [1], b"x" * 8, False),
    ("<M", [1], b"x" * 8, False),
    ("=d", [2], b"x" * 8, False),
    ("=d", [-1, -1], b"x" * 8, False),
    ("=d", [1], b"x" * 8, True),  # a scalar has no shape
    ({"names": ["a"]}, [1], b"x" * 8, False),
])
def test_array_data_that_does_not_add_up_is_refused(dtype, shape, blob, scalar) -> None:
    with pytest.raises(codec.CodecError):
        codec.array_from_bytes(dtype, shape, blob, scalar)


def test_k11_passes_with_boundaries_given_as_numpy_numbers(run_kata, tmp_path) -> None:
    # np.float64 is a float: numpy.sqrt(4.0) is as good a boundary as 2.0
    solution = (SOLUTIONS / "k11_own_control_flow.py").read_text(encoding="utf-8")
    numbers = "tuple(numpy.float64(b) for b in (0.0, 1.0, numpy.sqrt(4.0), 4.0))"
    assert "return (0.0, 1.0, 2.0, 4.0)" in solution
    learner = tmp_path / "k11_own_control_flow.py"
    learner.write_text("import numpy\n" + solution.replace("return (0.0, 1.0, 2.0, 4.0)", f"return {numbers}")
                       .replace("return (-4.0, 8.0)", "return (numpy.float64(-4.0), numpy.float64(8.0))"),
                       encoding="utf-8")
    result = run_kata("k11", learner, "--kata-lang=en")
    assert result["status"] == "passed", result


@pytest.mark.parametrize("dtype, shape, device, blob", [
    ("float32", [2], "cpu", b"x" * 4), ("float32", [2], "cpu", b"x" * 12), ("float99", [1], "cpu", b"x" * 4),
    ("float32", [-1], "cpu", b""), ("float32", [1], "tpu", b"x" * 4), ("float32", [1], "meta", b"x" * 4),
    ("float32", [2**62, 2**62], "meta", b"")])
def test_a_snapshot_that_describes_no_tensor_is_refused_when_it_arrives_read_or_not(dtype, shape, device, blob) -> None:
    # Its values are made a tensor only when the check reads them; what they say is checked at once.
    with pytest.raises(codec.CodecError):
        RemoteTensor(1).sent(dtype, shape, device, blob)


def test_the_values_a_snapshot_sent_are_read_as_sent_until_others_replace_them() -> None:
    remote, values = RemoteTensor(1), torch.arange(6.0, dtype=torch.float64).reshape(2, 3).T
    remote.sent("float64", [3, 2], "cpu", codec.tensor_bytes(values))
    assert torch.equal(remote.value, values) and remote.shape == (3, 2) and remote.dtype == torch.float64
    remote.sent("float64", [1], "cpu", codec.tensor_bytes(torch.tensor([7.0], dtype=torch.float64)))
    assert remote.value.tolist() == [7.0]
    remote.sent("float64", [1], "cpu", codec.tensor_bytes(torch.tensor([8.0], dtype=torch.float64)))
    remote.value = torch.ones(2)  # before the values sent were read: these replace them
    assert remote.value.tolist() == [1.0, 1.0]
    remote.sent("float64", [0], "meta", b"")
    assert remote.value.is_meta and remote.shape == (0,)
