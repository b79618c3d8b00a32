"""What a tensor is, as the learner's process reports it: read through torch's C-level
descriptors and methods as they were when this module was imported, in the zygote, before any
learner code ran. A property the learner's code puts on ``torch.Tensor``, or a method it
replaces there, changes what its own code sees, never what is reported (and is flagged: see
:mod:`.integrity`).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import torch

from .codec import tensor_bytes

#: torch's C base class's table as it was: the learner's code can change the class, not this copy
_BASE = dict(vars(torch._C.TensorBase))
_read = {name: _BASE[name].__get__ for name in ("requires_grad", "is_leaf", "retains_grad", "grad_fn", "grad",
                                                "_version", "dtype", "shape", "device", "is_meta")}
_detach, _untyped_storage, _storage_offset, _is_inference = (
    _BASE[name] for name in ("detach", "untyped_storage", "storage_offset", "is_inference"))
_tolist, _numel, _reshape = _BASE["tolist"], _BASE["numel"], _BASE["reshape"]
_copy_into, _zero = _BASE["copy_"], _BASE["zero_"]
_register_post_accumulate_grad_hook = vars(torch.Tensor)["register_post_accumulate_grad_hook"]
_type = type
#: turns every __torch_function__ off while it is held: a Tensor subclass of the learner's then
#: cannot answer a descriptor read for its tensor
_no_torch_function = torch._C.DisableTorchFunction

#: a backward pass's root of more elements than this is reported without its values (a kata's
#: inputs have at most 125), so that many passes from large tensors stay a small report
ROOT_VALUES_KEPT = 256


def _fact(name: str, tensor: torch.Tensor) -> Any:
    """One descriptor's reading, with every __torch_function__ off (see _no_torch_function)."""
    with _no_torch_function():
        return _read[name](tensor)


def requires_grad(tensor: torch.Tensor) -> bool:
    return _fact("requires_grad", tensor)


def is_leaf(tensor: torch.Tensor) -> bool:
    return _fact("is_leaf", tensor)


def grad_fn(tensor: torch.Tensor) -> Any:
    return _fact("grad_fn", tensor)


def device(tensor: torch.Tensor) -> str:
    return str(_fact("device", tensor))


def grad(tensor: torch.Tensor) -> torch.Tensor | None:
    """Its ``.grad`` where that means something: a leaf that records gradients, or a tensor told
    to retain its gradient."""
    with _no_torch_function():
        if _read["requires_grad"](tensor) and (_read["is_leaf"](tensor) or _read["retains_grad"](tensor)):
            return _read["grad"](tensor)
    return None


def grad_detached(tensor: torch.Tensor) -> torch.Tensor | None:
    """A second tensor on the memory of its ``.grad`` as :func:`grad` reads it (None without one)."""
    with _no_torch_function():
        held = grad(tensor)
        return None if held is None else _detach(held)


def describe(tensor: torch.Tensor) -> dict:
    """Its facts as the trusted side reads them (the values travel apart, as bytes). A meta
    tensor has no memory to tell apart (its storage is None); a tensor made under
    ``torch.inference_mode()`` has no version counter (its version is None)."""
    with _no_torch_function():
        return described(_raw(tensor))


class State(NamedTuple):
    """A tensor as read in one pass: its facts (:func:`_raw`), its values' bytes and its ``.grad``
    (see :func:`grad`). ``facts`` and ``data`` compare in C alone, never through an object of the
    learner's: two equal states are the same tensor state, and the second is not sent again."""
    facts: tuple
    data: bytes
    grad: torch.Tensor | None
    #: its class and its grad_fn's, whose ids ``facts`` holds: kept alive, so no other class
    #: takes one of those ids while the state is remembered
    classes: tuple

    def look(self) -> tuple:
        """:func:`look`'s value for the tensor, from this state."""
        return self.data, tuple(self.facts[2]), self.facts[1]


def state(tensor: torch.Tensor) -> State:
    with _no_torch_function():
        facts, classes = _raw(tensor)
        grad = _read["grad"](tensor) if facts[4] and (facts[5] or _read["retains_grad"](tensor)) else None
        return State(facts, tensor_bytes(tensor), grad, classes)


def _raw(tensor: torch.Tensor) -> tuple[tuple, tuple]:
    """What :func:`described` turns into facts, as torch's C descriptors give it (classes by id),
    and the classes whose ids it holds."""
    read = _read
    try:
        # every meta tensor's memory is at address 0: no two of them can be told to share it
        storage = None if read["is_meta"](tensor) else _untyped_storage(tensor).data_ptr()
    except (RuntimeError, NotImplementedError):
        storage = None
    kind = _type(tensor)
    grad_fn = read["grad_fn"](tensor)
    node = None if grad_fn is None else _type(grad_fn)
    inference = _is_inference(tensor)
    return ((id(kind), read["dtype"](tensor), read["shape"](tensor), read["device"](tensor),
             read["requires_grad"](tensor), read["is_leaf"](tensor), None if node is None else id(node),
             None if inference else read["_version"](tensor), inference, storage, _storage_offset(tensor)),
            (kind, node))


def described(raw: tuple[tuple, tuple]) -> dict:
    """The facts of a tensor read by :func:`_raw`, as the trusted side reads them."""
    (_, dtype, shape, device, requires_grad, is_leaf, _, version, inference, storage, offset), (kind, node) = raw
    plain = kind is torch.Tensor or kind is torch.nn.Parameter  # by identity: a metaclass may define ==
    return {"cls": None if plain else f"{kind.__module__}.{kind.__qualname__}",
            "dtype": str(dtype).removeprefix("torch."), "shape": list(shape), "device": str(device),
            "requires_grad": requires_grad, "is_leaf": is_leaf, "grad_fn": None if node is None else node.__name__,
            "version": version, "inference": inference, "storage": storage, "offset": offset}


def look(tensor: torch.Tensor) -> tuple:
    """Its values' bytes, shape and dtype: equal looks, the same numbers bit for bit (a NaN
    stays equal to itself; a -0.0 written over a 0.0 does not)."""
    with _no_torch_function():
        return tensor_bytes(tensor), tuple(_read["shape"](tensor)), _read["dtype"](tensor)


def root(tensor: torch.Tensor) -> dict:
    """What a backward pass that starts from ``tensor`` starts from: its shape and dtype, the
    node that made it (None for a leaf or a tensor out of any graph), whether it is a leaf, and
    its values, flattened (None for a root past ROOT_VALUES_KEPT elements, a complex one, or one
    whose values cannot be read, on the meta device)."""
    with _no_torch_function():
        grad_fn = _read["grad_fn"](tensor)
        dtype = _read["dtype"](tensor)
        values = None
        if _numel(tensor) <= ROOT_VALUES_KEPT and not dtype.is_complex:
            try:
                values = _tolist(_reshape(_detach(tensor), (-1,)))
            except (RuntimeError, NotImplementedError):
                pass
        return {"shape": list(_read["shape"](tensor)), "dtype": str(dtype).removeprefix("torch."),
                "grad_fn": None if grad_fn is None else _type(grad_fn).__name__, "is_leaf": is_leaf(tensor),
                "values": values}


def write(tensor: torch.Tensor, values: torch.Tensor, clear_grad: bool) -> None:
    """``values`` written into ``tensor`` where it is (its memory, identity and place in autograd
    unchanged), its ``.grad`` zeroed in place first when asked and there is one."""
    with _no_torch_function():
        if clear_grad:
            held = grad(tensor)
            if held is not None:
                _zero(held)
        _copy_into(_detach(tensor), values)


def after_each_pass(tensor: torch.Tensor, hook: Any) -> None:
    """``hook(tensor)`` after each backward pass accumulates into the leaf ``tensor``."""
    _register_post_accumulate_grad_hook(tensor, hook)
