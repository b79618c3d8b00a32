"""The check API: the ``kata`` fixture, and what the learner's objects look like to a check.

The learner's module runs in a sandboxed learner process; a check runs here and decides.
``kata.f(...)`` calls the learner's ``f`` there and returns what it returned, as data:

- a tensor comes back as a :class:`RemoteTensor`: its values (``.value``, a plain tensor) and
  what autograd says of it in the learner's process (``.grad``, ``.grad_fn``, ``.requires_grad``,
  ``.is_leaf``, ``.storage``, ``.version``), refreshed after every call;
- numbers, strings, tuples, lists, dicts and NumPy values come back as themselves;
- an exception object comes back as a :class:`RemoteException`; anything else as a
  :class:`RemoteObject`. Both can be handed back to a later call.

An exception the learner's code raises is raised here as a :class:`LearnerRaised` that is also
an instance of the matching builtin class, so ``except RuntimeError`` works as it reads.

Tensors a check hands to the learner's code are copies: ``kata.tensor(x, requires_grad=True)``
makes the learner's own leaf (and watches the backward passes that reach it), and ``x`` itself
stays the check's private, untouched copy to compute expected values from::

    @given(x=kst.tensors(kst.shapes(max_dims=1)))
    def test_backward(kata, device, x):
        x = x.to(device)
        learner_x = kata.tensor(x, requires_grad=True)
        kata.backward_two_x_dot_x(learner_x)
        assert_grad_from_backward(learner_x, name="x.grad")
        assert_tensor_equal(learner_x.grad, 4 * x, name="x.grad")

Facts only the learner's process can see travel as claims the check compares with values:
``with kata.watch(backward_calls=True, forbid=("torch.cos",), trace=True) as seen: ...``.
"""
from __future__ import annotations

import functools
import time
import weakref
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Sequence

import torch

from .course.i18n import t
from .course.inert import inert, inert_line
from .runner import probes
from .runner import codec, names
from .runner.client import (AUDIT_CLOSED, AUDIT_UNREADABLE, CLOCK_FACTOR, TOO_BUSY, USED_ITS_TIME, WAITED, LearnerBroke,
                            LearnerGone, LearnerProcess, LearnerTimeout, Runner, describe_end)
from .runner.sandbox import COULD_NOT_START
from .course.machinery import reason
from .course.outcomes import Flag
from .course.sources import KataSource

#: builtin exception classes that a learner's exception is re-raised as (most specific first)
_BUILTIN_EXCEPTIONS = {cls.__name__: cls for cls in (
    ArithmeticError, AssertionError, AttributeError, BufferError, EOFError, ImportError, LookupError,
    MemoryError, NameError, OSError, ReferenceError, RuntimeError, StopIteration, SyntaxError,
    SystemError, TypeError, ValueError, Warning, ZeroDivisionError, OverflowError, FloatingPointError,
    IndexError, KeyError, ModuleNotFoundError, NotImplementedError, RecursionError, UnboundLocalError,
    UnicodeError, FileNotFoundError, PermissionError, TimeoutError)}


class LearnerStopped(BaseException):
    """The learner's process was stopped; a BaseException, so neither Hypothesis (which would
    run it again to shrink the example) nor the learner's ``except Exception`` takes it for an
    ordinary failure."""


class KataTimeout(LearnerStopped):
    """The learner's code ran past its time limit (``budget``) and its process was ended;
    ``kind`` says which time ran out (see runner.client.LearnerTimeout)."""

    def __init__(self, budget: Budget, kind: str) -> None:
        super().__init__(budget.seconds)
        self.budget, self.kind = budget, kind


class LearnerCrashed(LearnerStopped):
    """The learner's process ended while it ran the learner's code (``os._exit``, a signal), or
    the runner ended it (``killed_by_runner``: for sending something that is not a reply)."""

    def __init__(self, message: str, how: dict, killed_by_runner: bool = False) -> None:
        super().__init__(message)
        self.how, self.killed_by_runner = how, killed_by_runner


class KataLoadError(Exception):
    """The kata's module is missing, cannot be imported, or lacks a function."""


class MissingFunction(KataLoadError, AttributeError):
    """An AttributeError too, so ``hasattr`` (and Hypothesis probing a fixture) still works."""


class LearnerExit(Exception):
    """The learner's code raised SystemExit or KeyboardInterrupt instead of returning."""


class LearnerRaised(Exception):
    """An exception the learner's code raised. Each instance is also an instance of the builtin
    class it derives from (RuntimeError, ValueError...), so checks can catch it as such."""

    description: dict

    @property
    def type_name(self) -> str:
        return self.description["type"]

    @property
    def message(self) -> str:
        return self.description["message"]

    @property
    def in_learner_file(self) -> bool:
        """Raised by a line of the learner's own file (an untouched stub's NotImplementedError)."""
        return self.description["in_learner"]

    @property
    def learner_frames(self) -> list[tuple[str, int, str, str]]:
        """(file, line, function, code) of each frame in the learner's files, innermost last."""
        return [tuple(frame) for frame in self.description["frames"]]


@functools.lru_cache(maxsize=None)
def _raised_class(base_name: str) -> type[LearnerRaised]:
    base = _BUILTIN_EXCEPTIONS.get(base_name, Exception)
    return type(f"Learner{base.__name__}", (LearnerRaised, base), {})


def raised(description: dict) -> Exception:
    """The exception to raise here for what the learner's code raised there."""
    bases = description.get("bases", [])
    if "SystemExit" in bases or "KeyboardInterrupt" in bases:
        return LearnerExit(t("learner_exit", kind=description["type"], message=description["message"]))
    base = next((name for name in bases if name in _BUILTIN_EXCEPTIONS), "Exception")
    error = _raised_class(base)(f"{description['type']}: {description['message']}")
    error.description = description
    return error


class RemoteException:
    """An exception object the learner's code returned (not raised)."""

    def __init__(self, description: dict) -> None:
        self.description = description

    type_name = LearnerRaised.type_name
    message = LearnerRaised.message

    def is_a(self, name: str) -> bool:
        """Whether it is an instance of the builtin exception class ``name`` ("RuntimeError")."""
        return name in self.description["bases"]

    @property
    def raised_through_backward(self) -> bool:
        """The learner's process says it was raised inside torch's backward() (not made by hand)."""
        return self.description["through_backward"]

    @property
    def raised_by_learner_code(self) -> bool:
        """Raised by a line of the learner's own code (a hook of theirs inside backward() too), not
        by torch: the innermost frame of its traceback is in the learner's files."""
        return bool(self.description["in_learner"])

    @property
    def was_raised(self) -> bool:
        """It carries a traceback: it was raised, not only constructed."""
        return bool(self.description["frames"]) or self.description["through_backward"]

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.message[:80]} (in the learner's process)>"


class RemoteObject:
    """Any other object of the learner's process: its type, its repr, and a handle."""

    def __init__(self, handle: int, type_name: str, shown: str) -> None:
        self.handle, self.type_name, self.shown = handle, type_name, shown

    def __repr__(self) -> str:
        return f"<{self.type_name} in the learner's process: {self.shown}>"


class RemoteTensor:
    """A tensor of the learner's process, as its latest snapshot shows it.

    ``value`` is a plain tensor with its values (on the check's device). ``grad`` is the
    RemoteTensor of ``.grad`` (the same object for the same tensor: ``returned is x.grad``
    means the learner returned ``x.grad`` itself). ``grad_fn`` is the name of its node
    (``"MulBackward0"``) or None. ``storage`` tells whose memory it uses: two tensors with the
    same ``storage`` share memory. ``passes`` counts the backward passes that accumulated into a
    leaf made with ``kata.tensor(..., requires_grad=True)``, and ``grad_as_left`` says whether
    its ``.grad`` is still what the last one left. A non-leaf's ``.grad`` is there once
    ``kata.call(torch.Tensor.retain_grad, y)`` asked autograd to keep it. A tensor on torch's
    ``meta`` device has no values: ``value`` is then a meta tensor (shape, dtype and device
    only), and reading a number from it fails saying so. ``is_inference`` tells a tensor made
    under ``torch.inference_mode()``, which has no version counter (``version`` is None)."""

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self.subclass: str | None = None
        self._value: torch.Tensor = torch.empty(0)
        #: the values as the latest snapshot sent them, checked, until they are first read
        self._sent: tuple[str, list[int], str, bytes] | None = None
        self.requires_grad = False
        self.is_leaf = True
        self.grad_fn: str | None = None
        self.grad: RemoteTensor | None = None
        self.version: int | None = 0
        self.is_inference = False
        self.storage: int | None = None
        self.passes: int | None = None
        self.grad_as_left: bool | None = None
        #: the .grad the check gave it with kata.tensor(..., grad=...), if any, and its values then
        self.given_grad: RemoteTensor | None = None
        self.given_values: torch.Tensor | None = None

    @property
    def value(self) -> torch.Tensor:
        """Its values; those a snapshot sent are made a tensor when first read: most are never
        read, or are sent again first (grading the reference solutions, a check reads one in four)."""
        if self._sent is not None:
            self._value, self._sent = codec.built_tensor(*self._sent), None
        return self._value

    @value.setter
    def value(self, values: torch.Tensor) -> None:
        self._value, self._sent = values, None

    def sent(self, dtype: str, shape: list[int], device: str, blob: bytes) -> None:
        """Its values as a snapshot sends them: refused now if they describe no tensor (a reply
        is refused as a whole, whatever the check reads of it); made a tensor when read. A meta
        tensor, which has no values, is made now: its making is its check."""
        codec.checked_tensor_data(dtype, shape, device, blob)
        if device == codec.META:
            self.value = codec.built_tensor(dtype, shape, device, blob)
        else:
            self._sent = dtype, shape, device, blob

    @property
    def shape(self) -> torch.Size:
        return self.value.shape

    @property
    def dtype(self) -> torch.dtype:
        return self.value.dtype

    @property
    def device(self) -> torch.device:
        return self.value.device

    def dim(self) -> int:
        return self.value.dim()

    def numel(self) -> int:
        return self.value.numel()

    def is_floating_point(self) -> bool:
        return self.value.is_floating_point()

    def item(self) -> Any:
        if self.value.is_meta:
            raise ValueError(t("meta_has_no_values", name="the learner's tensor"))
        return self.value.item()

    def __eq__(self, other: object) -> bool:
        raise TypeError("a RemoteTensor is compared with assert_tensor_equal or assert_tensor_close "
                        "(its values are in .value; `is` tells whether two are the same tensor)")

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        extra = f", grad_fn=<{self.grad_fn}>" if self.grad_fn else ""
        if self.value.is_meta:
            return f"RemoteTensor(device='meta', size={tuple(self.shape)}, dtype={self.dtype}{extra})"
        return f"RemoteTensor({self.value.tolist()}{extra})"


class Observed:
    """What ``kata.watch(...)`` saw over the calls made inside it."""

    def __init__(self, request: dict) -> None:
        self.request = request
        #: (which forbidden function, line of the learner's file), each once, in call order
        self.forbidden: list[tuple[str, int]] = []
        #: each backward pass started: {"kind": "backward" | "grad", "gradient": bool (one was given),
        #: "roots": [{"shape", "dtype", "grad_fn" (its name; None for a leaf), "is_leaf", "value" (a
        #: plain tensor of its values; None past 256 elements)}, ...]}, each root's facts read
        #: through torch's own descriptors in the learner's process
        self.backward_calls: list[dict] = []
        #: per call, the branch path it took: (digest, steps)
        self.paths: list[tuple[str, int]] = []
        #: per backward pass started, the devices of the leaves its graph reaches ("cpu", "meta")
        self.backward_leaves: list[list[str]] = []

    def add(self, found: dict) -> None:
        for label, line in found.get("forbidden", []):
            if (label, line) not in self.forbidden:
                self.forbidden.append((label, line))
        self.backward_calls += [{**call, "roots": [_root(root) for root in call["roots"]]}
                                for call in found.get("backward_calls", [])]
        self.backward_leaves += found.get("backward_leaves", [])
        if "path" in found:
            self.paths.append(tuple(found["path"]))


def _root(root: dict) -> dict:
    """A backward pass's root as the learner's process described it, its values as a plain
    tensor ("value"; None where they did not come, or do not fit its dtype and shape)."""
    found = {key: value for key, value in root.items() if key != "values"}
    dtype, found["value"] = codec.DTYPES.get(root["dtype"]), None
    if dtype is not None and root["values"] is not None:
        try:
            found["value"] = torch.tensor(root["values"], dtype=dtype).reshape(root["shape"])
        except (TypeError, ValueError, RuntimeError):
            pass
    return found


class Budget:
    """The time the learner's code may still take (``seconds`` None: no limit), counted across
    the calls of one check, or of one kata (``per_kata``) when the grader gives the whole kata one
    budget. ``seconds`` of its process's own CPU time, which other processes on a busy machine do
    not inflate, and as many seconds of waiting rather than computing (asleep, blocked), so that
    code that waits ends too. The clock only ends it at runner.client.CLOCK_FACTOR times
    ``seconds``: then the machine was too busy to run it (the grader tries such a kata again alone)."""

    def __init__(self, seconds: float | None, per_kata: bool = False) -> None:
        self.seconds, self.per_kata = seconds, per_kata
        self.cpu_left = self.wait_left = seconds
        self.clock = None if seconds is None else CLOCK_FACTOR * seconds
        self.clock_left = self.clock

    def deadline(self) -> float | None:
        return None if self.clock_left is None else time.monotonic() + max(self.clock_left, 0.0)

    def spent(self) -> str | None:
        """None while time is left; else which time ran out (see runner.client.LearnerTimeout)."""
        if self.seconds is None:
            return None
        if self.cpu_left <= 0:
            return USED_ITS_TIME
        if self.wait_left <= 0:
            return WAITED
        return TOO_BUSY if self.clock_left <= 0 else None

    def spend(self, clock: float, cpu: float, waited: float) -> None:
        if self.seconds is not None:
            self.clock_left -= clock
            self.cpu_left -= cpu
            self.wait_left -= waited


class RemoteKata:
    """The learner's module for one kata, loaded in a learner process (started on first use,
    and again after the learner's code crashed or ran out of time)."""

    def __init__(self, runner: Runner, source: KataSource | None, kata_id: str, missing: str = "") -> None:
        self.__dict__.update(_runner=runner, _source=source, _kata_id=kata_id, _missing=missing,
                             _process=None, _functions=(), _scratch="", _budget=Budget(None),
                             _tensors=weakref.WeakValueDictionary(), _interned=set(), _pending=[],
                             _pending_blobs=[], _reset=True, _observing=[], _next_handle=0, _unapplied=[],
                             _output_start=0, _printed_before_stop=(0, ""), _flags=[],
                             # the learner's process knows its files by their module's name only;
                             # a module that is missing or unreadable has no files (no source)
                             _sent={f"{module}.py": (module, path)
                                    for module, path in (source.paths.items() if source else ())})

    # ------------------------------------------------------------ the process
    def _ensure(self) -> None:
        if self._missing:
            raise KataLoadError(self._missing)
        if self._process is not None:
            return
        process = self._runner.spawn()
        self.__dict__.update(_process=process, _output_start=0, _reset=True)
        self._unapplied.clear()  # states of an earlier process's tensors
        # Handles of an earlier process mean nothing to this one; the tensors made for the
        # next request (kata.tensor before the first call) keep theirs.
        waiting = {spec[key] for spec in self._pending for key in ("h", "grad_h") if key in spec}
        self.__dict__["_tensors"] = weakref.WeakValueDictionary(
            {h: r for h, r in self._tensors.items() if h in waiting})
        self.__dict__["_interned"] = set(self._tensors.keys())
        source = self._source
        # The learner's process knows its files by their module's name only: where they lie on
        # this machine is none of its business (see _as_shown).
        reply, _ = self._request({"op": "load", "sources": source.sources, "paths": {m: f"{m}.py" for m in source.sources},
                                  "main": source.main}, [], t("learner_importing", path=self.display_path))
        if "raised" in reply:
            self._stop()
            raise KataLoadError(_load_error(self._as_shown(reply["raised"]), self.display_path))
        self.__dict__.update(_functions=frozenset(reply["functions"]), _scratch=reply["scratch"])

    def _as_shown(self, description: dict) -> dict:
        """An exception's description as messages show it: every text the learner's code chose
        made inert, and the learner's files named as messages name them."""
        description = _inert_description(description)
        frames = description.get("frames")
        if isinstance(frames, list):
            description["frames"] = [[self._sent.get(frame[0], (None, frame[0]))[1], *frame[1:]]
                                     if isinstance(frame, list) and frame
                                     else frame for frame in frames]
        return description

    @property
    def display_path(self) -> str:
        return self._source.paths[self._source.main]

    @property
    def scratch(self) -> str:
        """A folder the learner's code may write to, as its own process names it."""
        self._ensure()
        return self._scratch

    def _stop(self) -> str:
        """End the learner process; what it printed during this check stays readable (and is
        returned)."""
        process = self.__dict__["_process"]
        if process is None:
            return ""
        self.__dict__["_printed_before_stop"] = _printed(process, self._output_start)
        self.__dict__["_process"] = None
        self._hear(process, answering=False)
        process.close()
        return self._printed_before_stop[1]

    def close(self) -> None:
        self._stop()

    def _request(self, header: dict, blobs: list[bytes], what: str) -> tuple[dict, list[bytes]]:
        budget, process = self._budget, self._process
        spent = budget.spent()
        if spent is not None:
            self._stop()
            raise KataTimeout(budget, spent)
        try:
            reply, reply_blobs = process.request(header, blobs, budget.deadline(), budget.cpu_left, budget.wait_left)
        except LearnerTimeout as late:
            self._stop()
            raise KataTimeout(budget, late.kind) from None
        except LearnerGone as gone:
            printed = self._stop()
            if gone.how.get("code") == COULD_NOT_START:
                last_line = (printed.strip().splitlines() or [""])[-1]
                raise KataLoadError(t("learner_could_not_start", level=self._runner.level,
                                      detail=last_line)) from None
            raise LearnerCrashed(t("learner_crashed", what=what, how=describe_end(gone.how)), gone.how,
                                 gone.killed_by_runner) from None
        except LearnerBroke as broke:
            self._stop()
            refused = broke.refused
            detail = t(f"reply_{refused.reason}", sent=refused.sent, limit=refused.limit, detail=refused.detail)
            raise LearnerCrashed(t("learner_broke", what=what, detail=detail), {"signal": 9}, True) from None
        finally:
            budget.spend(*process.last)
        self._hear(process, answering=True)
        self._take_notice(reply.get("noticed"))
        if "error" in reply:
            raise KataLoadError(t("learner_request_failed", what=what, error=reply["error"]))
        return reply, reply_blobs

    def _hear(self, process: LearnerProcess, answering: bool) -> None:
        """Flags for what the learner's code reached for, as its process's audit hook sent it at
        once (an audited event at a line of its files), and for an audit pipe its code closed
        (seen while the process still answers) or wrote to."""
        records, problem = process.heard()
        for event, why, file, line in records:
            module, path = self._sent.get(file, (None, file))
            lines = self._source.sources.get(module, "").splitlines()
            code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            self._flags.append(Flag(path, line, event, reason(why), code[:200]))
        if problem == AUDIT_UNREADABLE or problem == AUDIT_CLOSED and answering:
            flag = Flag(self.display_path, 0, t(f"flag_audit_{problem}"), reason("audit"))
            if flag not in self._flags:  # a closed pipe reads closed after every reply
                self._flags.append(flag)

    def _take_notice(self, noticed: Any) -> None:
        """Flags for the functions of torch, NumPy or math the learner's process saw its code replace."""
        if not isinstance(noticed, dict):
            return
        for name in noticed.get("replaced", []):
            self._flags.append(Flag(self.display_path, 0, t("flag_replaced", name=name), reason("replacing")))

    @property
    def flags(self) -> list[Flag]:
        """Where the learner's code, as its process saw it run, reached for the machinery."""
        return list(self._flags)

    # ------------------------------------------------------------ checks
    def begin_check(self, budget: Budget) -> None:
        """Called by the plugin before each check: torch's settings back to their defaults in
        the learner's process, a time budget, and the output printed from here on."""
        self.__dict__.update(_budget=budget, _reset=True, _printed_before_stop=(0, ""))
        process = self._process
        self.__dict__["_output_start"] = process.output_size() if process is not None else 0

    def printed(self) -> tuple[int, str]:
        """(lines printed since the check began, the first of them) by the learner's code."""
        lines, head = self._printed_before_stop
        if self._process is not None:
            more, more_head = _printed(self._process, self._output_start)
            lines, head = lines + more, head or more_head
        return lines, head

    # ------------------------------------------------------------ calls
    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_") or name.startswith("hypothesis_"):
            raise AttributeError(name)
        self._ensure()
        if name not in self._functions:
            raise MissingFunction(t("missing_function", path=self.display_path, function=name))
        return RemoteFunction(self, name)

    def tensor(self, value: torch.Tensor, *, requires_grad: bool = False,
               grad: torch.Tensor | None = None) -> RemoteTensor:
        """A copy of ``value`` in the learner's process: a leaf that records gradients when
        ``requires_grad``, with ``.grad`` set to a copy of ``grad`` when given."""
        spec = {"h": self._new_handle(), "value": self._tensor_data(value), "requires_grad": requires_grad}
        remote = self._intern(spec["h"])
        remote.value, remote.requires_grad = value.detach().clone(), requires_grad
        if grad is not None:
            spec["grad"], spec["grad_h"] = self._tensor_data(grad), self._new_handle()
            remote.grad = self._intern(spec["grad_h"])  # `x.grad is old_grad` tells in-place from new
            remote.grad.value = grad.detach().clone()
            remote.given_grad, remote.given_values = remote.grad, remote.grad.value
        self._pending.append(spec)
        return remote

    def _new_handle(self) -> int:
        self.__dict__["_next_handle"] -= 1
        return self._next_handle

    def _tensor_data(self, value: torch.Tensor) -> dict:
        if type(value) is not torch.Tensor:
            raise TypeError(f"kata.tensor() takes a plain torch.Tensor, not {type(value).__name__}")
        self._pending_blobs.append(codec.tensor_bytes(value))
        return {"t": "tensor", "dtype": str(value.dtype).removeprefix("torch."), "shape": list(value.shape),
                "device": str(value.device), "blob": len(self._pending_blobs) - 1}

    def _intern(self, handle: int) -> RemoteTensor:
        remote = self._tensors.get(handle)
        if remote is None:
            remote = RemoteTensor(handle)
            self._tensors[handle] = remote
            self._interned.add(handle)
        return remote

    def _released(self) -> list[int]:
        """The handles whose RemoteTensor this side no longer holds (nothing refers to it): the
        learner's process lets their tensors go."""
        held = self._tensors
        gone = [handle for handle in self._interned if handle not in held]
        self._interned.difference_update(gone)
        return gone

    def call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``function(*args, **kwargs)`` in the learner's process and return its result.
        ``function`` is the learner's (``kata.f``), a torch function, or a probe."""
        __tracebackhide__ = True
        (outcome,) = self._request_calls(function, lambda blobs: {
            "args": codec.encode(list(args), blobs, self._encode_tensor, self._encode_special),
            "kwargs": codec.encode(dict(kwargs), blobs, self._encode_tensor, self._encode_special)})
        return outcome()

    def each(self, function: Any, calls: Iterable[Sequence[Any]]) -> Iterator[Any]:
        """``function(*args)`` for every ``args`` of ``calls``: the same calls as ``kata.f(*args)``
        one after another (each gets its own copies of the tensors it is given, and is watched
        on its own by ``kata.watch``), all run now in one request to the learner's process, so
        a check that asks about many inputs pays one round trip instead of one per input. The
        iterator returned gives what each returned, in order; what one raised is raised when its
        turn comes, as ``kata.f(...)`` raises it. A check may stop reading at a wrong answer: the
        later calls ran all the same. Tensors the results hold show their state after the last call."""
        return _InTurn(self._each(function, calls))

    def _each(self, function: Any, calls: Iterable[Sequence[Any]]) -> list[Callable[[], Any]]:
        """:meth:`each`'s request: for each call, a function that returns its result or raises."""
        calls = [list(args) for args in calls]
        return self._request_calls(function, lambda blobs: {
            "each": [codec.encode(args, blobs, self._encode_tensor, self._encode_special) for args in calls]},
            expected=len(calls))

    def in_a_row(self, steps: Iterable[Sequence[Any]]) -> Iterator[Any]:
        """Each step ``(function, *args)`` run in turn in the learner's process, as
        ``kata.call(function, *args)`` would run it, all in one request: a run of calls whose
        arguments do not depend on what the check reads between them (a training loop's calls,
        new values written in between). An argument ``Returned(k)`` is what step ``k`` returned,
        ``Returned(k)[i]`` its item ``i`` (of a tuple or list).

        The iterator gives what each step returned, in order, raising what it raised in its turn;
        and before it gives a step's, it brings every tensor the check holds to its state after
        that step, as each step's own request would have left it. So a check reads the same
        states, and stops at the same wrong step, as when it made one request per call. Every
        step runs, whatever an earlier one did (as the calls of :meth:`each` do): a step after
        one that hangs or crashes is not reached, and the run ends there as a single call would.

        What each step is watched for is what the ``kata.watch`` open when the run is asked for
        asks; what was seen during a step reaches the watches open when its answer is read:
        ``with kata.watch(backward_calls=True) as seen: next(run)`` sees that step alone."""
        steps = [list(step) for step in steps]
        return _InTurn(self._request_calls(None, lambda blobs: {"run": [
            {"fn": self._encode_function(function),
             "args": codec.encode(list(args), blobs, self._encode_tensor, self._encode_special)}
            for function, *args in steps]}, expected=len(steps), run=True))

    def _request_calls(self, function: Any, encode_arguments: Callable[[list[bytes]], dict],
                       expected: int | None = None, run: bool = False) -> list[Callable[[], Any]]:
        """One request that runs ``function`` once (``expected`` None) or ``expected`` times in
        the learner's process (a ``run`` of steps, each with its own function and its own
        snapshots): for each call, a function that returns its result or raises what it
        raised. What was seen is added to the watches at once (a run's step's, when it is read)."""
        self._catch_up()
        self._ensure()
        blobs = self._pending_blobs
        header = {"op": "call", **({} if run else {"fn": self._encode_function(function)}), **encode_arguments(blobs),
                  "create": list(self._pending), "release": self._released()}
        if self._observing:
            header["observe"] = self._observing[-1].request
        if self._reset:  # the check's first call: torch's settings back to their defaults first
            header["reset"] = True
            self.__dict__["_reset"] = False
        self._pending.clear()
        self.__dict__["_pending_blobs"] = []
        # Every tensor this side holds stays alive until the reply is decoded: the learner's
        # process sends no snapshot of one it saw unchanged since it sent the last (see _update).
        held = dict(self._tensors.items())
        what = "a run of calls" if run else f"{_function_name(function)}(...)"
        reply, reply_blobs = self._request(header, blobs, what)
        results = [reply] if expected is None else reply["run" if run else "each"]
        count = 1 if expected is None else expected
        if not isinstance(results, list) or len(results) != count:
            raise codec.CodecError(f"a reply with {count} results expected")
        last = functools.partial(self._update, reply["tensors"], reply_blobs, held)
        if run:
            # Each step brings the tensors to their state after it, in turn (see in_a_row);
            # whatever the check did not read before its next request is brought up to date then.
            steps = [functools.partial(self._update, result.get("tensors", {}), reply_blobs, held)
                     for result in results]
            self._unapplied.extend([*steps, last])
        else:
            steps = [None] * count
            last()
            for result in results:
                for observed in self._observing:
                    observed.add(result.get("observed", {}))
        tensor_of = functools.partial(_tensor_in, held)

        def outcome(result: dict, step: Callable[[], Any] | None) -> Any:
            __tracebackhide__ = True
            if step is not None:
                self._catch_up(step)
                for observed in self._observing:
                    observed.add(result.get("observed", {}))
            if "raised" in result:
                raise raised(self._as_shown(result["raised"]))
            return codec.decode(result["value"], reply_blobs, tensor_of, self._decode_special)

        return [functools.partial(outcome, result, step) for result, step in zip(results, steps)]

    def _catch_up(self, until: Callable[[], Any] | None = None) -> None:
        """Bring the tensors this side holds to their state after the steps of a run not read yet:
        up to and with ``until``, or all of them."""
        while self._unapplied:
            step = self._unapplied.pop(0)
            step()
            if step is until:
                return

    def _encode_function(self, function: Any) -> Any:
        return self._encode_special(function)

    def _encode_tensor(self, value: torch.Tensor) -> dict:
        if type(value) is not torch.Tensor:
            raise TypeError(f"cannot hand a {type(value).__name__} to the learner's code")
        if value.requires_grad:
            raise TypeError("a tensor that records gradients cannot be handed to the learner's code "
                            "as it is: pass kata.tensor(x, requires_grad=True), the learner's own copy")
        return self._tensor_data(value)

    def _encode_special(self, value: Any) -> dict:
        if isinstance(value, (RemoteTensor, RemoteObject)):
            return {"t": "handle", "h": value.handle}
        if isinstance(value, RemoteFunction):
            return {"t": "learner", "name": value.name}
        if isinstance(value, Returned):
            return {"t": "returned", "step": value.step, "index": value.index}
        if isinstance(value, functools.partial):
            blobs: list[bytes] = []
            return {"t": "partial", "fn": self._encode_special(value.func),
                    "args": codec.encode(list(value.args), blobs, self._encode_tensor, self._encode_special),
                    "kwargs": codec.encode(dict(value.keywords), blobs, self._encode_tensor, self._encode_special)}
        if callable(value):
            return {"t": "function", "name": _dotted_name(value)}
        raise TypeError(f"cannot hand a {type(value).__name__} to the learner's code")

    def _update(self, snapshots: dict, blobs: list[bytes], held: dict[int, RemoteTensor]) -> None:
        """The tensors whose snapshot changed since the last reply (or step of a run), brought up
        to date and added to ``held``: the learner's process sends no other, and those held when
        the request left stay as they were. ``held`` keeps them all alive until the reply's
        values are decoded; those no value or check refers to then are released in the learner's
        process with the next request."""
        updated = {int(handle): self._intern(int(handle)) for handle in snapshots}
        held.update(updated)
        for handle, snap in snapshots.items():
            remote = updated[int(handle)]
            remote.sent(snap["dtype"], snap["shape"], snap["device"], codec.blob(blobs, snap["blob"]))
            remote.subclass = snap["cls"]
            remote.requires_grad, remote.is_leaf = bool(snap["requires_grad"]), bool(snap["is_leaf"])
            remote.grad_fn, remote.version, remote.is_inference = snap["grad_fn"], snap["version"], bool(snap["inference"])
            remote.storage, remote.passes, remote.grad_as_left = snap["storage"], snap["passes"], snap["grad_as_left"]
        for handle, snap in snapshots.items():
            updated[int(handle)].grad = None if snap["grad"] is None else _tensor_in(held, {"h": snap["grad"]})

    def _decode_special(self, data: dict) -> Any:
        if data["t"] == "exception":
            return RemoteException(self._as_shown(data))
        if data["t"] == "object":
            return RemoteObject(data["h"], inert_line(str(data["type"])), inert(str(data["repr"])))
        raise codec.CodecError(f"cannot decode {data['t']!r}")

    # ------------------------------------------------------------ observing
    @contextmanager
    def watch(self, *, forbid: tuple[str, ...] = (), backward_calls: bool = False,
              backward_leaves: bool = False, trace: bool = False) -> Iterator[Observed]:
        """Watch the calls made inside the block: ``forbid`` names functions whose calls from the
        learner's files are recorded (``"torch.cos"``, ``"torch.Tensor.cos"``, ``"math.cos"``);
        ``backward_calls`` records each backward pass started; ``backward_leaves`` the devices of
        the leaves each one reaches; ``trace`` the branch path of each call (the sequence of
        bytecode the learner's files ran)."""
        request: dict[str, Any] = {}
        if forbid:
            request["forbid"] = list(forbid)
        if backward_calls:
            request["backward_calls"] = True
        if backward_leaves:
            request["backward_leaves"] = True
        if trace:
            request["trace"] = True
        observed = Observed(request)
        self._observing.append(observed)
        try:
            yield observed
        finally:
            self._observing.remove(observed)

    def describe_figure(self, figure: RemoteObject) -> dict:
        """A matplotlib figure of the learner's process as data (see probes.describe_figure)."""
        return self.call(probes.describe_figure, figure)

    def read_file(self, path: str) -> bytes:
        """A file the learner's code wrote, e.g. under :attr:`scratch` (b"" when there is none)."""
        return self.call(probes.read_file, path)

    def __repr__(self) -> str:
        return f"<kata {self._kata_id} from {self.display_path}>"


class _InTurn:
    """What each outcome gives, in turn: a result, or what it raised (after which the next
    outcome still comes, as a generator would not let it)."""

    def __init__(self, outcomes: list[Callable[[], Any]]) -> None:
        self._outcomes = iter(outcomes)

    def __iter__(self) -> _InTurn:
        return self

    def __next__(self) -> Any:
        __tracebackhide__ = True
        return next(self._outcomes)()


class Returned:
    """An argument of a step of :meth:`RemoteKata.in_a_row`: what step ``step`` of the run
    returned; ``Returned(k)[i]``, its item ``i`` (of a tuple or list)."""

    def __init__(self, step: int, index: int | None = None) -> None:
        self.step, self.index = step, index

    def __getitem__(self, index: int) -> Returned:
        return Returned(self.step, index)

    def __repr__(self) -> str:
        return f"Returned({self.step})" + ("" if self.index is None else f"[{self.index}]")


class RemoteFunction:
    """A function of the learner's module; calling it runs it in the learner's process."""

    def __init__(self, kata: RemoteKata, name: str) -> None:
        self.kata, self.name = kata, name
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return self.kata.call(self, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<function {self.name} of {self.kata.display_path}>"


def _function_name(function: Any) -> str:
    if isinstance(function, RemoteFunction):
        return function.name
    if isinstance(function, functools.partial):
        return _function_name(function.func)
    return getattr(function, "__name__", "function")


def _dotted_name(function: Any) -> str:
    """``torch.sin`` -> "torch.sin": a name the learner's process resolves to the same function."""
    module = getattr(function, "__module__", None) or "torch"
    names = (getattr(function, "__qualname__", None), getattr(function, "__name__", None))
    # torch's C functions have no module and the qualname of the class that holds them
    # (torch.sin: _VariableFunctionsClass.sin); Tensor's own methods live on its C base class.
    candidates = [f"{m}.{n}" for m in (module, "torch") for n in names if n]
    candidates += [f"torch.Tensor.{names[1]}"] if names[1] else []
    for candidate in dict.fromkeys(candidates):
        if _resolve(candidate) is function:
            return candidate
    raise TypeError(f"cannot hand {function!r} to the learner's code: use a torch function, "
                    f"a function of the learner's module, or a partial of those")


def _resolve(dotted: str) -> Any:
    try:
        owner, name = names.owner_of(dotted)
        return getattr(owner, name)
    except (LookupError, AttributeError):
        return None


def _inert_description(description: dict) -> dict:
    """An exception as the learner's process describes it, with every text the learner's code
    chose made inert (its type's name, its message, its frames' files, functions and lines, a
    syntax error's detail): the messages and reports that quote it show it, never obey it."""
    found = {**description, "type": inert_line(str(description["type"])),
             "message": inert(str(description["message"])),
             "frames": [[inert_line(part) if isinstance(part, str) else part for part in frame]
                        for frame in description["frames"]]}
    if "detail" in found:
        found["detail"] = inert(str(found["detail"]))
    return found


def _load_error(description: dict, path: str) -> str:
    if description["type"] == "SyntaxError" or "line" in description:
        detail = t("learner_syntax_error", line=description.get("line"), error=description.get("detail"))
    else:
        frames = description["frames"]
        where = t("learner_at_line", line=frames[-1][1]) if frames else ""
        detail = f"{description['type']}: {description['message']}{where}"
    return t("import_error", path=path, error=detail)


def _printed(process: Any, start: int) -> tuple[int, str]:
    """(lines, the first 4000 bytes as inert text) that ``process`` printed from byte ``start`` on."""
    size = process.output_size()
    lines = sum(process.read_output(offset, 2**20).count(b"\n") for offset in range(start, size, 2**20))
    return lines, inert(process.read_output(start, 4000).decode("utf-8", "replace"))


def _tensor_in(held: dict[int, RemoteTensor], data: Any) -> RemoteTensor:
    handle = data.get("h") if isinstance(data, dict) else None
    remote = held.get(handle)
    if remote is None:
        raise codec.CodecError(f"a tensor handle {handle!r} without a snapshot")
    return remote


def _values_of(result: Any, what: str) -> torch.Tensor:
    if not isinstance(result, RemoteTensor):
        raise TypeError(t("not_a_tensor", name=what, kind=type(result).__name__))
    return result.value


def differentiable(kata: RemoteKata, function: Any,
                   ask: Callable[..., Any] | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    """The learner's function of one tensor (``kata.g``, or a partial of it) as a function of
    this process that autograd differentiates twice: its values, vector-Jacobian products and
    their derivatives all come from the learner's process, computed by autograd over the
    learner's own graph. torch's gradcheck and gradgradcheck then compare them, here, with
    finite differences of the values. ``ask(probe, *tensors)`` gives the values of each answer
    (by default from ``kata.call(probe, function, *tensors)``, one request each)."""
    if ask is None:
        ask = functools.partial(_ask_now, kata, function)

    class SecondOrder(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, v):
            ctx.save_for_backward(x, v)
            return ask(probes.vjp, x.detach(), v.detach())

        @staticmethod
        def backward(ctx, w):
            x, v = ctx.saved_tensors
            return ask(probes.vjp_of_vjp, x.detach(), v.detach(), w.detach())

    class FirstOrder(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return ask(probes.value, x.detach())

        @staticmethod
        def backward(ctx, v):
            (x,) = ctx.saved_tensors
            return SecondOrder.apply(x, v)

    return FirstOrder.apply


def _values(function: Any, answer: Any) -> Any:
    """A probe's answer (a tensor, or a pair of them) as this process's plain tensors."""
    name = f"{_function_name(function)}(x)"
    return tuple(_values_of(a, name) for a in answer) if isinstance(answer, tuple) else _values_of(answer, name)


def _ask_now(kata: RemoteKata, function: Any, probe: Callable, *tensors: torch.Tensor) -> Any:
    __tracebackhide__ = True
    return _values(function, kata.call(probe, function, *tensors))


def gradient_check(checker: Callable, kata: RemoteKata, function: Any, inputs: tuple, **options: Any) -> Any:
    """``checker(differentiable(kata, function), inputs, **options)`` — torch's gradcheck or
    gradgradcheck of the learner's function — with every question the checker asks the
    learner's process sent in one request rather than one request each (a few dozen).

    Which questions a checker asks depends on the inputs, on its own random numbers (drawn
    alike both times here) and on the shape of the function's value — not on the other answers.
    So the checker first runs on stand-in answers (the function's real value at the first
    question, zeros after it), its questions are written down, the learner's process answers
    them all in order, and then the checker runs for real, each question answered in its turn
    by what the learner's process computed for it. A question the first run did not ask is put
    to the learner's process on its own, as without any of this."""
    __tracebackhide__ = True
    questions = _Questions(kata, function)
    cuda = sorted({i.device.index or 0 for i in inputs if isinstance(i, torch.Tensor) and i.device.type == "cuda"})
    with torch.random.fork_rng(devices=cuda):
        try:
            checker(differentiable(kata, function, questions.stand_in), inputs, **options)
        except Exception:  # the real run meets it again, at the same question
            pass
    questions.ask_all()
    return checker(differentiable(kata, function, questions.answer), inputs, **options)


class _Questions:
    """The questions of one gradient check to the learner's process, and their answers."""

    def __init__(self, kata: RemoteKata, function: Any) -> None:
        self.kata, self.function = kata, function
        #: questions asked on stand-in answers, in order: (probe, tensors)
        self.asked: list[tuple[Callable, tuple[torch.Tensor, ...]]] = []
        #: answers not yet given, by question: each a function that returns it or raises
        self.answers: dict[tuple, list[Callable[[], Any]]] = {}
        #: the function's real value at the first question, whose shape and dtype shape the rest
        self.first_value: torch.Tensor | None = None

    def stand_in(self, probe: Callable, *tensors: torch.Tensor) -> Any:
        """The first run's answer: the real value at the first question, then stand-ins of
        the right shape (that value again, zeros for the derivatives)."""
        __tracebackhide__ = True
        if self.first_value is None and probe is probes.value:
            (outcome,) = self._ask([(probe, tensors)])
            self.first_value = _values(self.function, outcome())
            return self.first_value
        self.asked.append((probe, tuple(t.clone() for t in tensors)))
        if probe is probes.value:
            return self.first_value
        zeros = tuple(torch.zeros_like(t) for t in tensors[:2])
        return zeros[0] if probe is probes.vjp else zeros

    def ask_all(self) -> None:
        """Every question the first run asked, answered by the learner's process in one request."""
        if self.asked:
            self._ask(self.asked)

    def _ask(self, questions: list[tuple[Callable, tuple[torch.Tensor, ...]]]) -> list[Callable[[], Any]]:
        """``questions`` put to the learner's process in one request; their answers kept for
        the real run, and returned."""
        outcomes = self.kata._each(probes.call, [(probe, self.function, *tensors) for probe, tensors in questions])
        for (probe, tensors), outcome in zip(questions, outcomes):
            self.answers.setdefault(_question(probe, tensors), []).append(outcome)
        return outcomes

    def answer(self, probe: Callable, *tensors: torch.Tensor) -> Any:
        """The real run's answer: the learner's process's, computed ahead or asked now."""
        __tracebackhide__ = True
        waiting = self.answers.get(_question(probe, tensors))
        if waiting:
            return _values(self.function, waiting.pop(0)())
        return _ask_now(self.kata, self.function, probe, *tensors)


def _question(probe: Callable, tensors: tuple[torch.Tensor, ...]) -> tuple:
    """A question as a key: the probe, and each tensor's dtype, shape, device and bytes (equal
    keys, bit-for-bit equal questions)."""
    return (probe,) + tuple((str(t.dtype), tuple(t.shape), str(t.device), codec.tensor_bytes(t)) for t in tensors)
