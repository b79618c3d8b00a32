"""Replaying Hypothesis's inputs (pytest_autograd_kata.plugin.replay): a check run from a record sees
exactly the inputs, in the order, and reports exactly the failure, that Hypothesis's engine
alone gives it; the engine draws nothing for a check that passes on its record."""
from __future__ import annotations

from contextlib import contextmanager
from copy import deepcopy

import pytest
import torch
from hypothesis import HealthCheck, assume, core, example, given, settings, strategies as st

from pytest_autograd_kata.plugin import replay
from pytest_autograd_kata import strategies as kst

FIXED = settings(max_examples=25, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
vectors = kst.tensors(kst.shapes(max_dims=1))


class Learner:
    """Stands for the learner's code: every call it sees, and whether it is wrong."""

    def __init__(self) -> None:
        self.calls: list[list[float]] = []
        self.wrong = False

    def check(self, x: torch.Tensor) -> None:
        self.calls.append(x.tolist())
        if self.wrong and x.numel() >= 2 and x.abs().sum() > 50:
            raise AssertionError(f"wrong for {x.numel()} elements")


def make_check(learner: Learner, strategy=vectors, decorate=FIXED):
    @decorate
    @example(x=torch.arange(4.0))
    @given(x=strategy)
    def check(x):
        learner.check(x)
        x.add_(1)  # a check may change its input in place: the record must not change with it

    return check


@contextmanager
def engine_runs():
    """Counts the engine's runs (explicit examples alone do not start it)."""
    counted = {"runs": 0}
    original = core.StateForActualGivenExecution.run_engine

    def run_engine(self):
        counted["runs"] += 1
        return original(self)

    core.StateForActualGivenExecution.run_engine = run_engine
    try:
        yield counted
    finally:
        core.StateForActualGivenExecution.run_engine = original


def outcome(run) -> tuple[str, str]:
    """What a run raised, as pytest would show it: the error and Hypothesis's notes."""
    try:
        run()
    except AssertionError as err:
        return str(err), "\n".join(getattr(err, "__notes__", []))
    return "passed", ""


def test_the_record_holds_the_inputs_the_engine_draws_and_replaying_it_draws_nothing():
    engine_alone, learner = Learner(), Learner()
    alone = make_check(engine_alone)
    alone()
    assert len(engine_alone.calls) == 26  # the explicit example and 25 drawn
    check, store = make_check(learner), replay.Store()
    found = replay.key(check, "check")
    assert found is not None
    replay.run(check, {}, found, store)  # the engine, recorded
    assert learner.calls == engine_alone.calls
    alone()
    with engine_runs() as counted:
        replay.run(check, {}, found, store)
    assert counted["runs"] == 0
    assert learner.calls == engine_alone.calls


def test_a_failure_after_a_record_reports_what_the_engine_alone_reports():
    engine_alone = Learner()
    alone = make_check(engine_alone)
    alone()  # the same history as below: a right run first
    first_run = len(engine_alone.calls)
    engine_alone.wrong = True
    expected = outcome(alone)
    assert expected[0].startswith("wrong for") and any(line in expected[1] for line in ("Falsifying example", "Failing test case"))

    learner, store = Learner(), replay.Store()
    check = make_check(learner)
    replay.run(check, {}, replay.key(check, "check"), store)
    recorded_calls = len(learner.calls)
    learner.wrong = True
    assert outcome(lambda: replay.run(check, {}, replay.key(check, "check"), store)) == expected
    # The learner's code saw the same calls, in the same order, as under the engine alone.
    assert learner.calls[recorded_calls:] == engine_alone.calls[first_run:]


def test_checks_drawing_from_one_strategy_under_one_seed_share_a_record_and_their_inputs():
    forced, core.global_force_seed = core.global_force_seed, 1234
    try:
        shared = settings(FIXED, derandomize=False)
        alone, first, second = Learner(), Learner(), Learner()
        make_check(alone, decorate=shared)()
        store = replay.Store()
        for learner in (first, second):
            check = make_check(learner, decorate=shared)
            with engine_runs() as counted:
                replay.run(check, {}, replay.key(check, "check"), store)
            assert learner.calls == alone.calls
        assert counted["runs"] == 0  # the second check ran from the first one's record
    finally:
        core.global_force_seed = forced


def test_an_input_rejected_now_but_not_in_the_record_hands_over_to_the_engine():
    def make(learner: Learner, reject_large: bool):
        @FIXED
        @given(x=vectors)
        def check(x):
            learner.calls.append(x.tolist())
            assume(not (reject_large and x.numel() > 3))

        return check

    engine_alone = Learner()
    make(engine_alone, reject_large=True)()
    learner, store = Learner(), replay.Store()
    replay.run(make(learner, False), {}, replay.key(make(learner, False), "check"), store)
    start = len(learner.calls)
    rejecting = make(learner, True)
    replay.run(rejecting, {}, replay.key(rejecting, "check"), store)
    assert learner.calls[start:] == engine_alone.calls


def test_a_check_that_draws_inside_itself_or_has_a_random_seed_has_no_record():
    @FIXED
    @given(data=st.data())
    def draws_inside(data):
        data.draw(st.integers())

    @settings(FIXED, derandomize=False)
    @given(x=st.integers())
    def random_seed(x):
        pass

    assert replay.key(draws_inside, "a") is None
    forced, core.global_force_seed = core.global_force_seed, None
    try:
        assert replay.key(random_seed, "b") is None
    finally:
        core.global_force_seed = forced


@pytest.mark.parametrize("a, b, same", [
    (0.0, -0.0, False), (float("nan"), float("nan"), True), ((1, "x"), (1, "x"), True),
    (torch.tensor([0.0]), torch.tensor([-0.0]), False), (torch.tensor([1.0]), torch.tensor([1.0]), True),
    (torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64), False), (torch.float32, torch.float32, True),
])
def test_drawn_values_are_compared_bit_for_bit(a, b, same):
    assert replay._same(a, b) is same


@given(x=kst.tensors(kst.shapes(min_dims=0, max_dims=3)), n=st.integers(), f=st.floats())
def test_a_drawn_input_is_copied_bit_for_bit_and_shares_nothing_with_the_record(x, n, f):
    values = (x, n, (f, [x]), None)
    copy = replay.copied(values)
    assert replay._same(copy, values)
    assert copy[0] is not x and copy[2][1][0] is copy[0]  # drawn once, copied once
    copy[0].fill_(7.0)
    assert replay._same(values, (x, n, (f, [x]), None)) and not (x.numel() and torch.equal(copy[0], x))


@pytest.mark.parametrize("view", [
    torch.arange(10.0)[2:5], torch.arange(6.0).reshape(2, 3).t(), torch.arange(8.0)[::2],
    torch.tensor([1 + 2j]).conj(), torch.ones(2, requires_grad=True),
], ids=["offset", "transposed", "strided", "conjugate", "records gradients"])
def test_a_tensor_whose_clone_differs_from_its_deep_copy_is_deep_copied(view):
    copy, deep = replay.copied((view,))[0], deepcopy(view)
    assert replay._same(copy, deep)
    assert (copy.stride(), copy.storage_offset(), copy.is_conj(), copy.requires_grad) == \
           (deep.stride(), deep.storage_offset(), deep.is_conj(), deep.requires_grad)
    assert copy.untyped_storage().nbytes() == deep.untyped_storage().nbytes()
