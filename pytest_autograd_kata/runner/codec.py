"""Values as they cross between the trusted side and a learner process.

Plain data travels as JSON (None, bools, numbers, strings, and tuples, lists and dicts of
them); bytes, tensor and array values as raw bytes in the frame's blobs. A tensor on torch's
``meta`` device has a shape and a dtype but no values: it travels with no bytes, and is rebuilt
as a meta tensor. What the learner's side sends is rebuilt here from bytes into plain tensors:
a Tensor subclass, its ``__torch_function__`` or any other code of the learner's never reaches
the trusted side.
Everything else (a matplotlib Figure, an exception object) travels as a description the
trusted side can read, and a handle it can hand back.

Both sides use :func:`encode` and :func:`decode`; what a tensor, an exception or another
object becomes is up to the caller (``on_tensor``, ``on_special``).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy
import torch

#: dtypes that may cross, by the name torch prints without "torch."
DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128,
    torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool)}
#: bytes per element of each dtype that may cross
ITEMSIZES = {name: dtype.itemsize for name, dtype in DTYPES.items()}
#: numpy dtype kinds that may cross: bool, integers, floats, complex (never objects)
NUMPY_KINDS = frozenset("biufc")
#: numpy dtypes that may cross, by their byte order and type character ("=d", ">q"): a name
#: from the learner's side is looked up here, never parsed by numpy.dtype
NUMPY_DTYPES = {order + char: numpy.dtype(order + char) for order in "=<>|"
                for char in numpy.typecodes["All"] if numpy.dtype(char).kind in NUMPY_KINDS}
#: how deep and how long nested containers may be
MAX_DEPTH, MAX_ITEMS = 32, 100_000
#: the longest string that crosses whole
MAX_STRING = 200_000
DEVICE_TYPES = ("cpu", "cuda", "mps", "meta")
#: the device whose tensors hold no values (shape, dtype and autograd's facts only)
META = "meta"


class CodecError(Exception):
    """A value that cannot cross, or data that does not decode; the message says which."""


#: torch's own functions as they were when this module was imported (in a learner process,
#: before any learner code ran): what the learner's code puts on torch.Tensor or in torch's
#: namespace cannot change the bytes a tensor is sent as
_BASE = dict(vars(torch._C.TensorBase))
_empty, _shape_of, _dtype_of = torch.empty, _BASE["shape"].__get__, _BASE["dtype"].__get__
_is_meta = _BASE["is_meta"].__get__
_detach, _copy, _reshape, _view, _numpy, _numel = (_BASE[name] for name in ("detach", "copy_", "reshape", "view",
                                                                            "numpy", "numel"))
_no_torch_function = torch._C.DisableTorchFunction


def tensor_bytes(tensor: torch.Tensor) -> bytes:
    """The values of ``tensor`` as raw bytes in its dtype, C order, whatever its layout; none
    for a meta tensor, which has no values. Read with every ``__torch_function__`` off: a Tensor
    subclass of the learner's cannot answer for its own values."""
    with _no_torch_function():
        if _is_meta(tensor):
            return b""
        try:  # a CPU tensor NumPy reads as it is, whatever its strides (most tensors: one copy)
            return _numpy(_detach(tensor)).tobytes()
        except (RuntimeError, TypeError):  # another device, a conjugate or negative view, bfloat16
            pass
        # Copied into a new tensor with the default strides: .contiguous() returns as it is a
        # tensor whose size-1 dimensions have any stride (0 after expand(1) or in the gradient of a
        # one-element sum, a step's after [::3]), which .view(torch.uint8) refuses; copy_ also
        # resolves a conjugate or negative view, which .view() refuses too.
        dense = _empty(_shape_of(tensor), dtype=_dtype_of(tensor), device="cpu")
        _copy(dense, _detach(tensor))
        return _numpy(_view(_reshape(dense, (-1,)), torch.uint8)).tobytes() if _numel(dense) else b""


def is_shape(shape: Any) -> bool:
    """A shape as the data says it: a list of sizes, none negative."""
    return isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)


def tensor_from_bytes(dtype_name: str, shape: list[int], device: str, blob: bytes) -> torch.Tensor:
    """A plain tensor rebuilt from :func:`tensor_bytes`; refuses anything inconsistent."""
    checked_tensor_data(dtype_name, shape, device, blob)
    return built_tensor(dtype_name, shape, device, blob)


def checked_tensor_data(dtype_name: str, shape: list[int], device: str, blob: bytes) -> None:
    """Refuses (CodecError) what describes no tensor :func:`built_tensor` can build."""
    if DTYPES.get(dtype_name) is None or not is_shape(shape):
        raise CodecError(f"a tensor of dtype {dtype_name!r} and shape {shape!r}")
    if not isinstance(device, str) or device.split(":")[0] not in DEVICE_TYPES:
        raise CodecError(f"a tensor on device {device!r}")
    if device == META:
        if blob:
            raise CodecError(f"a meta tensor, which has no values, with {len(blob)} bytes of data")
    elif math.prod(shape) * ITEMSIZES[dtype_name] != len(blob):
        raise CodecError(f"a tensor of shape {shape} whose data has {len(blob)} bytes")


def built_tensor(dtype_name: str, shape: list[int], device: str, blob: bytes) -> torch.Tensor:
    """The tensor data :func:`checked_tensor_data` let through describes."""
    dtype = DTYPES[dtype_name]
    if device == META:
        try:
            return torch.empty(shape, dtype=dtype, device=META)
        except RuntimeError:  # more elements than torch counts
            raise CodecError(f"a meta tensor of shape {shape}") from None
    values = torch.frombuffer(bytearray(blob), dtype=dtype) if blob else torch.empty(0, dtype=dtype)
    values = values.reshape(shape)
    return values if device == "cpu" else values.to(device)


def array_from_bytes(dtype_str: str, shape: list[int], blob: bytes, scalar: bool) -> Any:
    """A NumPy array rebuilt from :func:`encode`'s data, or the NumPy scalar it holds when
    ``scalar`` (then of shape []); refuses anything inconsistent."""
    dtype = NUMPY_DTYPES.get(dtype_str) if isinstance(dtype_str, str) else None
    if (dtype is None or not is_shape(shape) or (scalar and shape)
            or math.prod(shape) * dtype.itemsize != len(blob)):
        raise CodecError(f"an array of dtype {dtype_str!r}, shape {shape!r} and {len(blob)} bytes")
    array = numpy.frombuffer(blob, dtype=dtype).reshape(shape).copy()
    return array[()] if scalar else array


def is_numpy_value(value: Any) -> bool:
    """A NumPy array or scalar of a kind that may cross, and not of a subclass, which
    would come back as a plain one without what the subclass adds (a masked array's mask)."""
    if type(value) is numpy.ndarray or isinstance(value, numpy.generic) and type(value) is value.dtype.type:
        return value.dtype.kind in NUMPY_KINDS
    return False


def encode(value: Any, blobs: list[bytes], on_tensor: Callable[[torch.Tensor], dict],
           on_special: Callable[[Any], dict], depth: int = 0) -> Any:
    """``value`` as JSON data; tensors through ``on_tensor``, any value that is not plain data,
    a numpy value or a container of them through ``on_special``."""
    if depth > MAX_DEPTH:
        raise CodecError(f"values nested more than {MAX_DEPTH} deep")
    if value is None or type(value) in (bool, int, float):
        return value
    if type(value) is str:
        if len(value) > MAX_STRING:
            raise CodecError(f"a string of more than {MAX_STRING} characters")
        return value
    if isinstance(value, torch.Tensor):
        return on_tensor(value)
    if type(value) in (tuple, list):
        if len(value) > MAX_ITEMS:
            raise CodecError(f"a {type(value).__name__} of more than {MAX_ITEMS} items")
        return {"t": type(value).__name__,
                "items": [encode(v, blobs, on_tensor, on_special, depth + 1) for v in value]}
    if type(value) is dict and len(value) <= MAX_ITEMS:
        return {"t": "dict", "items": [[encode(k, blobs, on_tensor, on_special, depth + 1),
                                        encode(v, blobs, on_tensor, on_special, depth + 1)]
                                       for k, v in value.items()]}
    if type(value) is bytes:
        blobs.append(value)
        return {"t": "bytes", "blob": len(blobs) - 1}
    if is_numpy_value(value):
        array = numpy.asarray(value)  # 0-d for a scalar (numpy.ascontiguousarray would make it 1-d)
        blobs.append(array.tobytes())  # C order, whatever the strides
        # the byte order and the type's own character: np.longlong's "q", where "<i8" is np.int64's
        return {"t": "ndarray", "dtype": array.dtype.byteorder + array.dtype.char, "shape": list(array.shape),
                "blob": len(blobs) - 1, "scalar": isinstance(value, numpy.generic)}
    return on_special(value)


def decode(data: Any, blobs: list[bytes], on_tensor: Callable[[dict], Any],
           on_special: Callable[[dict], Any], depth: int = 0) -> Any:
    """The inverse of :func:`encode`; ``on_tensor`` and ``on_special`` get the tagged dicts."""
    if depth > MAX_DEPTH:
        raise CodecError(f"values nested more than {MAX_DEPTH} deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if not isinstance(data, dict) or "t" not in data:
        raise CodecError(f"untagged data {str(data)[:80]!r}")
    tag = data["t"]
    if tag in ("tuple", "list"):
        items = [decode(v, blobs, on_tensor, on_special, depth + 1) for v in data["items"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        decoded = {}
        for key, value in data["items"]:
            key = decode(key, blobs, on_tensor, on_special, depth + 1)
            try:
                decoded[key] = decode(value, blobs, on_tensor, on_special, depth + 1)
            except TypeError:
                raise CodecError("a dict with a key that cannot be hashed") from None
        return decoded
    if tag == "bytes":
        return blob(blobs, data["blob"])
    if tag == "ndarray":
        return array_from_bytes(data["dtype"], data["shape"], blob(blobs, data["blob"]), data["scalar"])
    if tag == "tensor":
        return on_tensor(data)
    return on_special(data)


def blob(blobs: list[bytes], index: Any) -> bytes:
    """Blob ``index`` of a frame, refusing an index the frame does not have."""
    if not isinstance(index, int) or not 0 <= index < len(blobs):
        raise CodecError(f"a reference to blob {index!r} of {len(blobs)}")
    return blobs[index]
