"""Running a Hypothesis check again on inputs the engine already drew for it.

When Hypothesis's random source is fixed (a derandomized profile, as in grading, or the seed
the plugin forces on every check of a run), the engine's inputs for a check depend only on the
check's strategies and settings and on how each input ended (passed, or rejected by
``assume()``), never on what the learner's code computed. So the inputs of an engine run in
which no input failed are recorded, and later run again without the engine: for the next
learner's files (a grading worker checks one submission after another) or for another check
with the same strategies and settings (checks of one kata often draw from one strategy).

If every input ends as it did in the record, the engine would have run exactly these inputs,
in this order, with these outcomes: the check passed. At the first input that ends otherwise
the engine takes over and runs as it always does, except that its calls of the inputs already
run are answered with what they did rather than run again. The learner's process so sees the
same calls in the same order as under the engine alone, and a failure's report (the smallest
failing input, found by shrinking) is the engine's own.

Drawing inputs is most of what a check costs Hypothesis (about 1 to 3 ms an input for the
katas' tensors); running a recorded input costs a copy of it.
"""
from __future__ import annotations

import copy
import functools
import math
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, Verbosity, core
from hypothesis._settings import local_settings
from hypothesis.control import BuildContext, current_build_context
from hypothesis.errors import UnsatisfiedAssumption
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.entropy import deterministic_PRNG
from hypothesis.internal.observability import observability_enabled
from hypothesis.strategies._internal.core import DataStrategy
from hypothesis.strategies._internal.lazy import unwrap_strategies

#: records a long-lived session keeps (a check service draws anew for every request)
STORE_LIMIT = 512
PASSED, INVALID, RAISED, TARGETED = "passed", "invalid", "raised", "targeted"
DERANDOMIZED = "derandomized"


@dataclass
class Outcome:
    """How one call of the check ended: passed, invalid (``assume()`` rejected the input), or
    raised ``error`` (a failure, a skip, the learner's process stopped...)."""
    kind: str
    error: BaseException | None = None

    def again(self) -> None:
        """End the engine's call of this input the same way, without running it."""
        if self.error is not None:
            raise self.error


@dataclass
class Record:
    """The inputs an engine run drew after the check's explicit examples, each with how it ended."""
    inputs: list[tuple] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


class Store:
    """Records by key (see :func:`key`), for as long as the session lives."""

    def __init__(self) -> None:
        self.records: dict[tuple, Record] = {}

    def get(self, found: tuple | None) -> Record | None:
        return None if found is None else self.records.get(found)

    def put(self, found: tuple, record: Record) -> None:
        if len(self.records) >= STORE_LIMIT:
            self.records.clear()
        self.records[found] = record


def _settings_replayable(settings: Any) -> bool:
    """Settings under which a passing run's inputs depend on nothing but the random source:
    no deadline and no too-slow health check (the only ones that look at the clock), the
    standard backend, and nothing printed or observed per input."""
    return (Phase.generate in settings.phases and settings.deadline is None
            and HealthCheck.too_slow in settings.suppress_health_check
            and settings.backend == "hypothesis" and settings.verbosity <= Verbosity.normal)


def key(test: Callable, node_id: str) -> tuple | None:
    """What a check's engine run depends on when no input fails, or None when it depends on
    more (a fresh random seed, a database of earlier failures, inputs drawn inside the check).

    Derandomized, the seed comes from the check itself: its record serves only it. With a
    seed fixed for every check of a run, checks that draw from the same strategy objects with
    the same settings draw the same inputs: they share one record."""
    settings = test._hypothesis_internal_use_settings
    given = test.hypothesis._given_kwargs
    if not _settings_replayable(settings) or observability_enabled() \
            or getattr(test, "_hypothesis_internal_use_reproduce_failure", None) is not None \
            or any(isinstance(unwrap_strategies(s), DataStrategy) for s in given.values()) \
            or any(e.args or e.raises is not None for e in getattr(test, "hypothesis_explicit_examples", ())):
        return None
    seed = getattr(test, "_hypothesis_internal_use_seed", None)
    forced = core.global_force_seed
    if forced is None and settings.database is not None and Phase.reuse in settings.phases:
        return None  # the engine first runs the inputs that failed in earlier runs
    if seed is None and settings.derandomize:
        source: tuple = (DERANDOMIZED, node_id)
    elif seed is not None or forced is not None:
        source = ("seed", seed if seed is not None else forced, tuple(map(id, given.values())))
    else:
        return None
    return source + (repr(settings),)


def derandomized(found_key: tuple | None) -> bool:
    """Whether a key (see :func:`key`) is a derandomized check's: its inputs depend on the check
    alone, and so may be kept beside it (see :mod:`.drawn`)."""
    return found_key is not None and found_key[0] == DERANDOMIZED


def run(test: Callable, fixtures: dict[str, Any], found_key: tuple | None, store: Store) -> None:
    """Run the Hypothesis check ``test`` (the ``@given`` function) with its fixtures: from the
    record under ``found_key`` if there is one, else by the engine (recording its inputs when
    none fails). Raises what the engine would raise."""
    record = store.get(found_key)
    if record is None:
        script = Script(test, [], Record() if found_key is not None else None)
        script.run(fixtures)
        if script.record is not None and script.complete:
            store.put(found_key, script.record)
        return
    done: list[tuple[tuple | dict, Outcome]] = []
    for values, expected in _inputs(test, record):
        # An explicit example is run on its own objects, as the engine does; a drawn input on a
        # copy, so the record stays as drawn.
        outcome = _call(test, fixtures, values if isinstance(values, dict) else copied(values))
        done.append((values, outcome))
        if outcome.kind not in expected:
            Script(test, done, None).run(fixtures)  # the engine takes over from here
            return


def _inputs(test: Callable, record: Record):
    """(values, the kinds of end that agree with the record) of each call the engine would
    make: the explicit examples (as Hypothesis runs them, last decorator first: passed or
    invalid alike), then the record's inputs."""
    settings = test._hypothesis_internal_use_settings
    if Phase.explicit in settings.phases:
        for example in reversed(getattr(test, "hypothesis_explicit_examples", ())):
            yield dict(example.kwargs), (PASSED, INVALID)
    for values, kind in zip(record.inputs, record.kinds):
        yield values, (kind,)


def _call(test: Callable, fixtures: dict[str, Any], values: tuple | dict) -> Outcome:
    """One input, run as the engine runs it: the test's settings current, Python's and NumPy's
    random generators seeded alike, inside a build context (``assume``, ``note``, ``event``)."""
    inner = test.hypothesis.inner_test
    drawn = values if isinstance(values, dict) else dict(zip(test.hypothesis._given_kwargs, values))
    data = ConjectureData.for_choices([])
    try:
        with local_settings(test._hypothesis_internal_use_settings), deterministic_PRNG(), \
                BuildContext(data, is_final=False, wrapped_test=test):
            inner(**fixtures, **drawn)
    except UnsatisfiedAssumption as rejected:
        return Outcome(INVALID, rejected)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a failure, a skip, a stopped learner's process: the engine's to report
        return Outcome(RAISED, error)
    # A score given to target() steers the engine's later inputs: only the engine can run on.
    return Outcome(TARGETED if data.target_observations else PASSED)


class Script:
    """The engine's run of ``test`` with its inner test replaced: the first calls are answered
    from ``done`` (inputs already run, and how they ended), the others run the check, each
    input recorded in ``record`` (when given) until one fails."""

    def __init__(self, test: Callable, done: list[tuple[tuple | dict, Outcome]], record: Record | None) -> None:
        self.test, self.done, self.record = test, done, record
        self.names = tuple(test.hypothesis._given_kwargs)
        self.explicit = len(getattr(test, "hypothesis_explicit_examples", ())) \
            if Phase.explicit in test._hypothesis_internal_use_settings.phases else 0
        self.calls = 0
        self.complete = True

    def run(self, fixtures: dict[str, Any]) -> None:
        handle = self.test.hypothesis
        inner = handle.inner_test

        @functools.wraps(inner)  # the same source, signature and digest: the same seed when derandomized
        def scripted(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            return self._call(inner, args, kwargs)

        handle.inner_test = scripted
        try:
            self.test(**fixtures)
        except BaseException:
            self.complete = False
            raise
        finally:
            handle.inner_test = inner

    def _call(self, inner: Callable, args: tuple, kwargs: dict) -> Any:
        __tracebackhide__ = True
        index, self.calls = self.calls, self.calls + 1
        values = tuple(kwargs[name] for name in self.names)
        if index < len(self.done):
            known, outcome = self.done[index]
            if _same(values, known if isinstance(known, tuple) else tuple(known[n] for n in self.names)):
                return outcome.again()
            del self.done[index:]  # drawn otherwise than recorded: from here on the check itself runs
        if self.record is None or not self.complete or index < self.explicit:
            return inner(*args, **kwargs)
        kept = copied(values)
        try:
            result = inner(*args, **kwargs)
        except UnsatisfiedAssumption:
            self._keep(kept, INVALID)
            raise
        except BaseException:
            self.complete = False
            raise
        if current_build_context().data.target_observations:
            self.complete = False  # its scores steer the engine: no record can stand for it
        else:
            self._keep(kept, PASSED)
        return result

    def _keep(self, values: tuple, kind: str) -> None:
        self.record.inputs.append(values)
        self.record.kinds.append(kind)


def _same(a: Any, b: Any) -> bool:
    """Whether two drawn values are the same, bit for bit (0.0 is not -0.0; NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return (a == b and math.copysign(1.0, a) == math.copysign(1.0, b)) or (a != a and b != b)
    if hasattr(a, "untyped_storage"):  # a tensor (torch is loaded wherever one was drawn)
        return (a.dtype == b.dtype and a.shape == b.shape and a.device == b.device
                and a.requires_grad == b.requires_grad and _tensor_bytes(a) == _tensor_bytes(b))
    if hasattr(a, "tobytes") and hasattr(a, "dtype"):  # a NumPy array or scalar
        return a.dtype == b.dtype and getattr(a, "shape", ()) == getattr(b, "shape", ()) and a.tobytes() == b.tobytes()
    try:
        return bool(a == b)
    except Exception:
        return False


def copied(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy(value)`` of drawn values, with the tensors checks draw cloned instead (a
    tuple holding a small tensor: 9 µs against 51): a plain, contiguous tensor that owns all of
    its memory and records no gradient, whose clone is its deep copy (its values bit for bit,
    dtype, shape, strides, device). An object drawn twice is copied once, as deepcopy does."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if type(value) in (tuple, list):
        found = type(value)(copied(item, memo) for item in value)
    elif _clones_whole(value):
        found = value.clone()
    else:
        return copy.deepcopy(value, memo)
    memo[id(value)] = found
    return found


def _clones_whole(value: Any) -> bool:
    torch = sys.modules.get("torch")  # no tensor was drawn where torch is not loaded
    return (torch is not None and type(value) is torch.Tensor and not value.requires_grad and not vars(value)
            and value.is_contiguous() and value.storage_offset() == 0 and not value.is_conj() and not value.is_neg()
            and value.untyped_storage().nbytes() == value.numel() * value.element_size())


def _tensor_bytes(tensor: Any) -> bytes:
    from ..runner.codec import tensor_bytes

    return tensor_bytes(tensor.detach())
