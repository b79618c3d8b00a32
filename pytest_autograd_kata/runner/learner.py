"""The learner's side of the runner: what runs inside the sandboxed learner process.

It loads the learner's kata module from source sent by the trusted side, then serves requests
until the channel closes: call a function of the learner's module (or a torch function, or a
probe) on values and on objects it already holds, and answer with the result, what the call
raised, what was observed while it ran (backward passes, forbidden calls, the branch path),
and a snapshot of every tensor the trusted side still holds a handle to.

Nothing here decides a verdict. Whatever this process reports is what the learner's process
claims; the trusted side compares it with what it computes itself.
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import linecache
import os
import sys
import tempfile
import types
from array import array
from typing import Any, Callable

import torch
from torch.autograd.function import BackwardCFunction
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

# probes: imported here, in the warm process, because a sandboxed learner process cannot see
# this package's files to import it later.
from . import probes  # noqa: F401
from . import audit, codec, facts, integrity, names, sandbox, wire

TORCH_DIR = os.path.dirname(torch.__file__) + os.sep
_TENSOR = torch.Tensor
#: how many of the learner's frames an exception's description lists
FRAMES_SHOWN = 5
MESSAGE_LIMIT = 4000


class BreakpointUnavailable(RuntimeError):
    """``breakpoint()`` in code under check: there is no terminal to stop at."""


def _no_breakpoint(*args: Any, **kwargs: Any) -> None:
    raise BreakpointUnavailable("breakpoint() cannot stop while the checks run")


class Handles:
    """Objects the trusted side refers to by number. The same object always gets the same
    handle, so "the tensor returned is x.grad itself" can be told on the trusted side.
    Handles the trusted side makes (the tensors it sends) are negative."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}
        self.by_id: dict[int, int] = {}
        self.next = 1

    def ref(self, obj: Any) -> int:
        handle = self.by_id.get(id(obj))
        if handle is None or self.objects.get(handle) is not obj:
            handle, self.next = self.next, self.next + 1
            self.put(handle, obj)
        return handle

    def put(self, handle: int, obj: Any) -> None:
        self.objects[handle] = obj
        self.by_id[id(obj)] = handle

    def get(self, handle: Any) -> Any:
        if handle not in self.objects:
            raise codec.CodecError(f"no object with handle {handle!r}")
        return self.objects[handle]

    def release(self, handles: list) -> None:
        for handle in handles:
            obj = self.objects.pop(handle, None)
            if obj is not None and self.by_id.get(id(obj)) == handle:
                del self.by_id[id(obj)]

    def clear(self) -> None:
        self.objects.clear()
        self.by_id.clear()


class LeafWatch:
    """Counts the backward passes that accumulate into a leaf the trusted side sent, and keeps
    what the last one left, so a gradient written or edited by hand afterwards shows."""

    def __init__(self, tensor: torch.Tensor) -> None:
        self.passes = 0
        self.left: torch.Tensor | None = None  # the grad tensor the last pass left
        self.look: tuple | None = None  # and how it looked then (see facts.look)
        if facts.requires_grad(tensor) and facts.is_leaf(tensor):
            facts.after_each_pass(tensor, self._seen)

    def _seen(self, tensor: torch.Tensor) -> None:
        self.passes += 1
        self.left = facts.grad(tensor)
        self.look = facts.look(self.left)

    def grad_as_left(self, grad: torch.Tensor | None, look: tuple | None) -> bool:
        """Whether ``grad``, the leaf's ``.grad`` now, which looks as ``look`` (see facts.look),
        is what the last pass left, as it left it."""
        return grad is not None and grad is self.left and look == self.look


class KataModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the learner's kata modules from the sources sent, under their own names, so a
    kata may import the learner's own earlier kata (``from k02_build_graph import ...``)."""

    def __init__(self, sources: dict[str, str], paths: dict[str, str]) -> None:
        self.sources, self.paths = sources, paths
        for name, source in sources.items():  # tracebacks then show the learner's lines
            lines = source.splitlines(keepends=True)
            linecache.cache[paths[name]] = (len(source), None, lines, paths[name])

    def find_spec(self, name: str, path: Any = None, target: Any = None):
        if name not in self.sources:
            return None
        return importlib.util.spec_from_loader(name, self, origin=self.paths[name])

    def create_module(self, spec):
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        module.__file__ = self.paths[name]
        exec(compile(self.sources[name], self.paths[name], "exec", dont_inherit=True), module.__dict__)


#: the most graph nodes read to find the leaves one backward pass reaches
MAX_NODES = 100_000
_AccumulateGrad = torch._C._functions.AccumulateGrad


class BackwardCalls(TorchFunctionMode):
    """Records each backward pass started while active: how (``backward`` or ``autograd.grad``),
    whether a gradient was given, and where it starts: each root's facts (see
    :func:`.facts.root`), read through torch's own descriptors, not what the learner's objects say
    of themselves. A sequence of roots other than a plain list or tuple is recorded as no root:
    only what torch reads from it is the pass's start, and a check that looks for one then finds
    none. And, when ``leaves``, the devices of the leaves each pass's graph reaches."""

    #: for each function, its kind, and the keyword and position of its gradient argument
    GRADIENT_ARGUMENT = {torch.Tensor.backward: ("backward", "gradient", 1),
                         torch.autograd.backward: ("backward", "grad_tensors", 1),
                         torch.autograd.grad: ("grad", "grad_outputs", 2)}

    def __init__(self, leaves: bool = False) -> None:
        super().__init__()
        self.starts: list[dict] = []
        #: per backward pass, the devices of the leaves it reaches (when asked for)
        self.leaves: list[list[str]] | None = [] if leaves else None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in self.GRADIENT_ARGUMENT:
            kind, keyword, position = self.GRADIENT_ARGUMENT[func]
            roots = args[0] if args else kwargs.get("tensors", kwargs.get("outputs"))
            gradient = kwargs.get(keyword, args[position] if len(args) > position else None)
            tensors = _tensors(roots)
            self.starts.append({"kind": kind, "gradient": _any_given(gradient),
                                "roots": [facts.root(root) for root in tensors]})
            if self.leaves is not None:  # read before the pass frees the graph
                self.leaves.append(sorted({device for root in tensors for device in leaf_devices(root)}))
        return func(*args, **kwargs)


def _tensors(given: Any) -> list:
    """The tensors a pass starts from: one tensor, or those of a plain list or tuple (by their
    types, which an object cannot misstate as it can its ``__class__``)."""
    if issubclass(type(given), _TENSOR):
        return [given]
    if type(given) in (list, tuple):
        return [item for item in given if issubclass(type(item), _TENSOR)]
    return []


def _any_given(gradient: Any) -> bool:
    """Whether a gradient argument was given: a value, or a list or tuple with one that is not None."""
    if type(gradient) in (list, tuple):
        return any(item is not None for item in gradient)
    return gradient is not None


def leaf_devices(root: Any) -> list[str]:
    """The devices of the leaves that record gradients which a backward pass from ``root`` reaches
    (each once), found by walking its graph back to the nodes that accumulate into leaves."""
    node = facts.grad_fn(root) if isinstance(root, torch.Tensor) else None
    pending, seen, devices = [node] if node is not None else [], set(), set()
    while pending and len(seen) < MAX_NODES:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is _AccumulateGrad:  # the node that accumulates into a leaf holds it
            devices.add(facts.device(node.variable))
        pending += [following for following, _ in node.next_functions if following is not None]
    return sorted(devices)


class ForbiddenOperators(TorchDispatchMode):
    """Records each aten operator of a forbidden torch function (``torch.cos`` -> ``cos``) that the
    learner's code runs, by whatever name it called it (``torch.ops.aten.cos``, a private alias):
    torch's dispatcher sees every one. Those autograd's own backward formulas run (the backward of
    ``sin`` computes ``cos``) do not count; a backward formula of the learner's own does."""

    def __init__(self, operators: set[str], files: frozenset[str], found: dict) -> None:
        super().__init__()
        self.operators, self.files, self.found = operators, files, found

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # torch wraps a mode's __torch_dispatch__ to keep its compiler out, and that wrapper
        # imports the compiler (2 s) at the first operator, in every learner process; nothing
        # here compiles, and code the learner compiles is flagged all the same.
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name in self.operators:
            node = torch._C._current_autograd_node()
            if node is None or isinstance(node, BackwardCFunction):
                line = _learner_line(self.files)
                # named as called: a line whose call a spy heard by its public name is that call
                if line is not None and not any(seen == line for _, seen in self.found):
                    self.found[f"torch.ops.aten.{name}", line] = None
        return func(*args, **(kwargs or {}))


def _learner_line(files: frozenset[str]) -> int | None:
    """The line of the learner's files that the running code was called from, if any."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename not in files:
        frame = frame.f_back
    return None if frame is None else frame.f_lineno


def resolve(dotted: str) -> tuple[Any, str]:
    """``"torch.Tensor.cos"`` -> (torch.Tensor, "cos"): the owner and the attribute name."""
    try:
        return names.owner_of(dotted)
    except (LookupError, AttributeError):
        raise codec.CodecError(f"cannot find {dotted!r}") from None


class Observation:
    """What the trusted side asked to watch during one call, and what was seen."""

    def __init__(self, request: dict, learner_files: frozenset[str], modules: list[types.ModuleType]) -> None:
        self.request, self.files, self.modules = request, learner_files, modules
        self.forbidden: dict[tuple[str, int], None] = {}
        self.backward = BackwardCalls(leaves=bool(request.get("backward_leaves"))) \
            if request.get("backward_calls") or request.get("backward_leaves") else None
        self.path = hashlib.sha256() if request.get("trace") else None
        self.steps = 0
        self._restore: list[Callable[[], None]] = []

    def __enter__(self) -> Observation:
        forbidden = self.request.get("forbid", [])
        for label in forbidden:
            self._spy(label)
        operators = {label.rpartition(".")[2] for label in forbidden if label.startswith("torch.")}
        self.operators = ForbiddenOperators(operators, self.files, self.forbidden) if operators else None
        if self.operators is not None:
            self.operators.__enter__()
        if self.backward is not None:
            self.backward.__enter__()
        if self.path is not None:
            self._previous_trace = sys.gettrace()
            sys.settrace(self._on_call)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.operators is not None:
            self.operators.__exit__(*exc)
        if self.path is not None:
            sys.settrace(self._previous_trace)
        if self.backward is not None:
            self.backward.__exit__(*exc)
        for restore in reversed(self._restore):
            restore()

    def _spy(self, label: str) -> None:
        owner, name = resolve(label)
        original = getattr(owner, name)
        calls, files = self.forbidden, self.files

        def spy(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            if caller.f_code.co_filename in files:
                calls[label, caller.f_lineno] = None
            return original(*args, **kwargs)

        held = vars(owner).get(name, _INHERITED) if isinstance(owner, type) else original
        setattr(owner, name, spy)
        self._restore.append(lambda: delattr(owner, name) if held is _INHERITED else setattr(owner, name, held))
        for module in self.modules:  # names the learner imported: from math import cos
            for key, value in list(vars(module).items()):
                if value is original:
                    setattr(module, key, spy)
                    self._restore.append(lambda m=module, k=key, v=value: setattr(m, k, v))

    def _on_call(self, frame, event, arg):
        if frame.f_code.co_filename not in self.files:
            return None
        frame.f_trace_opcodes = True
        return self._on_event

    def _on_event(self, frame, event, arg):
        # Every opcode run in the learner's files, in order: two inputs that take the same
        # branches, and loop the same number of times, give the same sequence.
        if event == "opcode":
            self.steps += 1
            self.path.update(array("i", (frame.f_code.co_firstlineno, frame.f_lasti)).tobytes())
        return self._on_event

    def report(self) -> dict:
        found: dict[str, Any] = {}
        if "forbid" in self.request:
            found["forbidden"] = [[label, line] for label, line in self.forbidden]
        if self.backward is not None:
            found["backward_calls"] = self.backward.starts
            if self.backward.leaves is not None:
                found["backward_leaves"] = self.backward.leaves
        if self.path is not None:
            found["path"] = [self.path.hexdigest()[:16], self.steps]
        return found


_INHERITED = object()


class Server:
    def __init__(self, read_fd: int, write_fd: int, scratch: str, audit_fd: int) -> None:
        self.read_fd, self.write_fd, self.scratch = read_fd, write_fd, scratch
        self.handles = Handles()
        self.watches: dict[int, LeafWatch] = {}
        #: handle -> what the snapshot last sent for it was taken from (see snapshots)
        self.sent: dict[int, tuple[tuple, tuple]] = {}
        self.modules: list[types.ModuleType] = []
        self.files: frozenset[str] = frozenset()
        self.main: types.ModuleType | None = None
        self.heard = audit.Heard(audit_fd)
        #: what the learner's code replaced, reported once
        self.replaced: set[str] = set()
        #: while a run's step is decoded, what its earlier steps returned (see _run_in_a_row)
        self.returned: list | None = None

    # ------------------------------------------------------------ encoding
    def encode(self, value: Any, blobs: list[bytes]) -> Any:
        return codec.encode(value, blobs, self._tensor_ref, self._special)

    def _tensor_ref(self, tensor: torch.Tensor) -> dict:
        return {"t": "tensor", "h": self.handles.ref(tensor)}

    def _special(self, value: Any) -> dict:
        if isinstance(value, BaseException):
            return describe_exception(value, self.files)
        try:
            shown = repr(value)
        except BaseException as err:  # a learner's __repr__ may fail: the type still says a lot
            shown = f"<{type(value).__name__} (repr raised {type(err).__name__})>"
        return {"t": "object", "h": self.handles.ref(value),
                "type": f"{type(value).__module__}.{type(value).__qualname__}", "repr": shown[:500]}

    def snapshots(self, blobs: list[bytes]) -> dict:
        """The snapshot of each tensor the trusted side holds (and of each one's ``.grad``) that
        differs from the one last sent for it: the trusted side keeps the others as they were.
        Every tensor is read afresh (facts.state); only sending the same again is saved."""
        states: dict[int, facts.State] = {}
        pending = [h for h, obj in self.handles.objects.items() if isinstance(obj, torch.Tensor)]
        while pending:  # a tensor's .grad gets a handle, and a state, of its own
            handle = pending.pop()
            if handle not in states:
                states[handle] = found = facts.state(self.handles.objects[handle])
                if found.grad is not None:
                    pending.append(self.handles.ref(found.grad))
        changed: dict[str, dict] = {}
        for handle, found in states.items():
            grad = None if found.grad is None else self.handles.ref(found.grad)
            watch = self.watches.get(handle)
            seen = (found.facts, found.data, grad, None if watch is None else watch.passes,
                    None if watch is None else watch.grad_as_left(found.grad, None if grad is None else states[grad].look()))
            if self.sent.get(handle, (None,))[0] != seen:
                self.sent[handle] = (seen, found.classes)  # the classes whose ids it holds, kept alive
                blobs.append(found.data)
                changed[str(handle)] = {**facts.described((found.facts, found.classes)), "grad": grad,
                                        "passes": seen[3], "grad_as_left": seen[4], "blob": len(blobs) - 1}
        return changed

    def decode(self, data: Any, blobs: list[bytes]) -> Any:
        return codec.decode(data, blobs, lambda d: _tensor_from(d, blobs), self._resolve)

    def _resolve(self, data: dict) -> Any:
        tag = data["t"]
        if tag == "handle":
            return self.handles.get(data["h"])
        if tag == "learner":
            return getattr(self.main, data["name"])
        if tag == "function":  # as it was before the learner's code ran, if it was there then
            pristine = integrity.function(data["name"])
            if pristine is not None:
                return pristine
            owner, name = resolve(data["name"])
            return getattr(owner, name)
        if tag == "returned" and self.returned is not None:
            return _item_returned(self.returned, data.get("step"), data.get("index"))
        if tag == "partial":
            from functools import partial

            return partial(self._resolve(data["fn"]), *self.decode(data["args"], []),
                           **self.decode(data["kwargs"], []))
        raise codec.CodecError(f"cannot decode {tag!r}")

    # ------------------------------------------------------------ requests
    def serve(self) -> None:
        while True:
            try:
                header, blobs = wire.read_frame(self.read_fd, bounds=wire.REQUEST)
            except wire.ChannelClosed:
                return
            reply_blobs: list[bytes] = []
            try:
                reply = getattr(self, "op_" + header["op"])(header, blobs, reply_blobs)
            except Exception as err:  # a request this side could not serve (bad data)
                reply, reply_blobs = {"error": f"{type(err).__name__}: {err}"[:MESSAGE_LIMIT]}, []
            noticed = self.noticed()
            if noticed:
                reply["noticed"] = noticed
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:
                    pass
            wire.write_frame(self.write_fd, reply, reply_blobs)

    def noticed(self) -> dict:
        """The functions of torch, NumPy or math the learner's code replaced since the last reply
        (see :mod:`.integrity`; what it did that reaches for the machinery left on the audit
        pipe as it happened, see :mod:`.audit`)."""
        noticed: dict[str, list] = {}
        replaced = [name for name in integrity.replaced() if name not in self.replaced]
        if replaced:
            self.replaced.update(replaced)
            noticed["replaced"] = replaced
        return noticed

    def op_load(self, header: dict, blobs: list[bytes], reply_blobs: list[bytes]) -> dict:
        sources, paths, main = header["sources"], header["paths"], header["main"]
        self.files = frozenset(paths.values())
        self.heard.listen(self.files)
        sys.meta_path.insert(0, KataModules(sources, paths))
        try:
            self.main = importlib.import_module(main)
        except BaseException as err:
            return {"raised": describe_exception(err, self.files)}
        self.modules = [sys.modules[name] for name in sources if name in sys.modules]
        functions = sorted(name for name, value in vars(self.main).items()
                           if callable(value) and not name.startswith("_"))
        return {"functions": functions, "scratch": self.scratch}

    def reset(self) -> None:
        """A check begins: no objects held for the trusted side, torch's settings at their defaults."""
        self.handles.clear()
        self.watches.clear()
        self.sent.clear()
        torch.set_grad_enabled(True)
        torch.set_default_dtype(torch.float32)
        torch.autograd.set_detect_anomaly(False)
        accelerator = getattr(torch, "accelerator", None)  # torch 2.6 on
        if accelerator is None or accelerator.is_available():
            torch.manual_seed(0)
        else:  # the CPU's generator is all torch.manual_seed would seed here; it would also queue,
            # with a formatted call stack (3 ms in a fresh process), seedings of devices that cannot start
            torch.default_generator.manual_seed(0)

    def op_call(self, header: dict, blobs: list[bytes], reply_blobs: list[bytes]) -> dict:
        if header.get("reset"):
            self.reset()
        released = header.get("release", [])
        self.handles.release(released)
        for handle in released:
            self.sent.pop(handle, None)
        for spec in header.get("create", []):
            tensor = _tensor_from(spec["value"], blobs)
            if spec.get("requires_grad"):
                tensor.requires_grad_(True)
            if spec.get("grad") is not None:
                tensor.grad = _tensor_from(spec["grad"], blobs)
                self.handles.put(spec["grad_h"], tensor.grad)
            self.handles.put(spec["h"], tensor)
            self.watches[spec["h"]] = LeafWatch(tensor)
        observe = header.get("observe", {})
        if "run" in header:
            # Each step's snapshots come with it, and after the last nothing ran: none would differ.
            # (A run of no steps: the check reads no state before its next request, which brings it.)
            return {"run": self._run_in_a_row(header["run"], blobs, observe, reply_blobs), "tensors": {}}
        function = self.decode(header["fn"], blobs)
        if "each" in header:  # one call per list of arguments, each decoded afresh just before it
            reply: dict[str, Any] = {"each": [self._run(function, self.decode(args, blobs), {}, observe, reply_blobs)
                                              for args in header["each"]]}
        else:
            args = self.decode(header.get("args", {"t": "list", "items": []}), blobs)
            kwargs = self.decode(header.get("kwargs", {"t": "dict", "items": []}), blobs)
            reply = self._run(function, args, kwargs, observe, reply_blobs)
        reply["tensors"] = self.snapshots(reply_blobs)
        return reply

    def _run(self, function: Callable, args: list, kwargs: dict, observe: dict, reply_blobs: list[bytes],
             returned: list | None = None) -> dict:
        """One call of ``function``, watched as asked: what it returned or raised, and what was
        seen (what it returned also appended to ``returned``, when given)."""
        reply: dict[str, Any] = {}
        with Observation(observe, self.files, self.modules) as seen:
            try:
                value = function(*args, **kwargs)
            except BaseException as err:  # whatever it is, it is the learner's to hear about
                reply["raised"] = describe_exception(err, self.files)
                value = None
        reply["observed"] = seen.report()
        reply["value"] = self.encode(value, reply_blobs)
        if returned is not None:
            returned.append(_NOTHING if "raised" in reply else value)
        return reply

    def _run_in_a_row(self, steps: list, blobs: list[bytes], observe: dict, reply_blobs: list[bytes]) -> list[dict]:
        """Each step called in turn, with the snapshots that changed after it. An argument
        ``{"t": "returned", "step": k, "index": i}`` is what step k returned (its item i); a step
        whose arguments cannot be had (that step raised; it returned no list or tuple of i items)
        raises saying so, in its turn."""
        returned: list[Any] = []
        results = []
        for step in steps:
            try:
                function, args = self._decode_step(step, blobs, returned)
            except Unavailable as err:
                returned.append(_NOTHING)
                results.append({"raised": describe_exception(err, self.files), "observed": {}, "value": None})
            else:
                results.append(self._run(function, args, {}, observe, reply_blobs, returned))
            results[-1]["tensors"] = self.snapshots(reply_blobs)
        return results

    def _decode_step(self, step: dict, blobs: list[bytes], returned: list) -> tuple[Callable, list]:
        """A run's step's function and arguments, ``returned`` standing for what earlier steps returned."""
        self.returned = returned
        try:
            return self.decode(step["fn"], blobs), self.decode(step["args"], blobs)
        finally:
            self.returned = None


class Unavailable(RuntimeError):
    """An argument of a run's step that refers to what an earlier step returned, which it did not."""


#: what a run's step that raised returned
_NOTHING = object()


def _item_returned(returned: list, step: Any, index: Any) -> Any:
    """What step ``step`` of the run returned, or its item ``index``: of a plain tuple or list
    only, read as the trusted side reads it (a subclass's own ``__getitem__`` never runs)."""
    if type(step) is not int or not 0 <= step < len(returned):
        raise codec.CodecError(f"no step {step!r} ran before this one")
    value = returned[step]
    if value is _NOTHING:
        raise Unavailable(f"step {step} of the run raised: it returned nothing to use")
    if index is None:
        return value
    if type(value) not in (tuple, list) or type(index) is not int or not -len(value) <= index < len(value):
        raise Unavailable(f"step {step} of the run returned {type(value).__name__}, not a tuple or list with "
                          f"an item {index!r}")
    return value[index]


def _tensor_from(data: dict, blobs: list[bytes]) -> torch.Tensor:
    return codec.tensor_from_bytes(data["dtype"], data["shape"], data["device"], codec.blob(blobs, data["blob"]))


def describe_exception(err: BaseException, learner_files: frozenset[str]) -> dict:
    """An exception as data: its type and builtin bases, message, and where it was raised."""
    frames, through_backward = [], False
    tb = err.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in learner_files:
            line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            frames.append([code.co_filename, tb.tb_lineno, code.co_name, line])
        elif code.co_filename.startswith(TORCH_DIR) and code.co_name in ("backward", "_engine_run_backward"):
            through_backward = True
        innermost = code.co_filename
        tb = tb.tb_next
    try:
        message = str(err)
    except BaseException:
        message = "<the error's message could not be read>"
    found = {"t": "exception", "type": type(err).__qualname__, "module": type(err).__module__,
             "bases": [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins"],
             "message": message[:MESSAGE_LIMIT], "frames": frames[-FRAMES_SHOWN:],
             "in_learner": err.__traceback__ is not None and innermost in learner_files,
             "through_backward": through_backward}
    if isinstance(err, SyntaxError):
        found["line"], found["detail"] = err.lineno, err.msg
    return found


#: the names in sys.modules of this package's modules and of an editable install's finder, and
#: sys.modules's size and last name when they were read (see runner_modules)
_runner_modules: tuple[tuple[int, str], list[str]] = ((0, ""), [])
#: the import system's cache of finders as it was before the learner's process dropped it: kept,
#: not freed (see _forget_the_runner)
_finders_before: list[dict] = []


def runner_modules() -> list[str]:
    """The names in ``sys.modules`` of this package's modules and of an editable install's
    finder, read again only when ``sys.modules`` has changed since the last reading. The zygote
    reads them before it forks a learner process's keeper: in the learner process the reading
    is then one comparison, where reading every module's name (thousands, torch's) would write
    to the page of each, which the process shares with the zygote and so must copy (8 ms).
    Its size and last name tell a change: a module imported is added at the end, and nothing
    in the zygote, where no learner code ever runs, takes one out."""
    global _runner_modules
    seen = len(sys.modules), next(reversed(sys.modules), "")
    if _runner_modules[0] != seen:
        package = __name__.split(".")[0]
        _runner_modules = seen, [name for name in sys.modules
                                 if name == package or name.startswith((package + ".", "__editable__"))]
    return _runner_modules[1]


def _forget_the_runner() -> None:
    """This package's modules leave ``sys.modules`` (where their files would name the folder it
    was installed from), and so do the finders that would import it again: the learner's code
    cannot import the runner. :mod:`.names` keeps them, to read the functions a check names."""
    package = __name__.split(".")[0]
    # an editable install's finder module maps the package to the folder it was installed from
    ours = {name: sys.modules.pop(name) for name in runner_modules() if name in sys.modules}
    names.keep(ours)
    sys.meta_path[:] = [f for f in sys.meta_path if package not in getattr(f, "__module__", "") + repr(f)
                        and not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path_hooks[:] = [h for h in sys.path_hooks if not getattr(h, "__module__", "").startswith("__editable__")]
    # A new, empty cache rather than the old one emptied: freeing each of its finders would write
    # to pages shared with the zygote (6 ms a process); kept here instead, out of the import system.
    _finders_before.append(sys.path_importer_cache)
    sys.path_importer_cache = {}


def serve(read_fd: int, write_fd: int, scratch: str, code_paths: list[str], audit_fd: int) -> None:
    """Serve the trusted side on the channel until it closes it, telling it on ``audit_fd`` what
    the learner's code reached for."""
    # The folder this package was found in (a source checkout holds the solutions too) is
    # the runner's, not the learner's to import from.
    hidden = {p for p in code_paths if not p.endswith(("site-packages", "dist-packages"))}
    sys.path[:] = [p for p in sys.path if p not in hidden and not p.startswith("__editable__")]
    _forget_the_runner()
    # Its own folder for whatever asks where home or temporary files are, not the host's.
    os.environ.update(HOME=scratch, TMPDIR=scratch)
    tempfile.tempdir = None
    sys.breakpointhook = _no_breakpoint
    sys.dont_write_bytecode = True
    for stream in (sys.stdout, sys.stderr):  # each line reaches the file as it is printed, so
        stream.reconfigure(line_buffering=True)  # a process ended at a time limit loses none
    Server(read_fd, write_fd, scratch, audit_fd).serve()


def main(argv: list[str]) -> None:
    """A learner process started as a fresh Python (no fork): ``main([PATHS_JSON, SCRATCH, MEMORY_MIB, AUDIT_FD])``.
    Its channel is its standard input and output; what it prints goes to its standard error."""
    import json

    read_fd, write_fd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    integrity.take()
    sandbox.enter(sandbox.Spec(sandbox.PROCESS, memory_mib=int(argv[2])), 0)
    os.chdir(argv[1])  # files the learner's code writes with a relative path land in its scratch
    serve(read_fd, write_fd, argv[1], json.loads(argv[0]), int(argv[3]))

