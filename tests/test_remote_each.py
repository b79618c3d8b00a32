"""``kata.each(f, calls)``: many calls of a learner's function in one request, each the same
call as ``kata.f(*args)`` would make: own copies of its tensors, watched on its own, its
exception raised in its turn."""
from __future__ import annotations

import pytest
import torch

from pytest_autograd_kata.remote import LearnerExit, RemoteTensor
from pytest_autograd_kata.runner.client import LearnerProcess

LEARNER = """
import math
import sys
import torch

def halve(x):
    if x < 0:
        raise ValueError(f"negative: {float(x)}")
    return x / 2

def bump(x):
    x.add_(1)  # in place: the next call must not see it
    return float(x.sum())

def steps(x):
    n = 0
    while x > 1:
        x = x / 2
        n += 1
    return n

def square_and_backward(x):
    (x * x).sum().backward()

def uses_cos(x):
    return math.cos(float(x))

def leave():
    sys.exit("bye")

calls = 0

def count():
    global calls
    calls += 1
    return calls
"""


@pytest.fixture
def kata(remote_kata):
    return remote_kata(LEARNER)


def test_results_come_back_in_order_as_from_single_calls(kata) -> None:
    xs = [torch.tensor(float(v)) for v in (1, 8, 3)]
    batched = list(kata.each(kata.halve, [(x,) for x in xs]))
    assert all(isinstance(r, RemoteTensor) for r in batched)
    assert [float(r.item()) for r in batched] == [float(kata.halve(x).item()) for x in xs] == [0.5, 4.0, 1.5]


def test_an_exception_is_raised_in_its_turn_as_the_single_call_raises_it(kata) -> None:
    answers = kata.each(kata.halve, [(torch.tensor(2.0),), (torch.tensor(-1.0),), (torch.tensor(4.0),)])
    assert float(next(answers).item()) == 1.0
    with pytest.raises(ValueError, match="negative: -1.0") as raised:
        next(answers)
    assert raised.value.in_learner_file and raised.value.learner_frames[-1][2] == "halve"
    with pytest.raises(LearnerExit, match="SystemExit"):
        next(kata.each(kata.leave, [()]))
    assert float(kata.halve(torch.tensor(6.0)).item()) == 3.0  # the same process answers on


def test_each_call_gets_its_own_copies_of_the_tensors(kata) -> None:
    x = torch.zeros(3)
    assert list(kata.each(kata.bump, [(x,), (x,), (x,)])) == [3.0, 3.0, 3.0]
    assert torch.equal(x, torch.zeros(3))  # the check's own tensor is untouched too


def test_watch_sees_each_call_on_its_own(kata) -> None:
    xs = [torch.tensor(v) for v in (0.5, 3.0, 3.5, 100.0)]
    with kata.watch(trace=True) as batched:
        assert list(kata.each(kata.steps, [(x,) for x in xs])) == [0, 2, 2, 7]
    with kata.watch(trace=True) as single:
        for x in xs:
            kata.steps(x)
    assert batched.paths == single.paths and len(batched.paths) == 4
    assert batched.paths[1] == batched.paths[2] != batched.paths[0]  # same loop count, same path

    leaves = [kata.tensor(torch.ones(2), requires_grad=True) for _ in range(3)]
    with kata.watch(backward_calls=True, forbid=("math.cos",)) as seen:
        list(kata.each(kata.square_and_backward, [(leaf,) for leaf in leaves]))
        list(kata.each(kata.uses_cos, [(torch.tensor(0.0),)]))
    assert len(seen.backward_calls) == 3 and all(leaf.passes == 1 for leaf in leaves)
    assert [label for label, _ in seen.forbidden] == ["math.cos"]


def test_a_batch_is_one_request(kata, monkeypatch) -> None:
    kata.halve(torch.tensor(1.0))  # the learner process is up
    requests = []
    original = LearnerProcess.request
    monkeypatch.setattr(LearnerProcess, "request", lambda self, *a: requests.append(1) or original(self, *a))
    assert len(list(kata.each(kata.halve, [(torch.tensor(float(v)),) for v in range(50)]))) == 50
    assert len(requests) == 1


def test_the_calls_run_when_asked_even_if_no_result_is_read(kata) -> None:
    kata.each(kata.count, [(), ()])
    assert list(kata.each(kata.count, [])) == []
    assert kata.count() == 3


RUN = """
import torch

kept = {}

def backward_of_square(x):
    (x * x).sum().backward()

def clear(x):
    x.grad = None

def pair(x):
    return x * 2, x * 3

def product(a, b):
    return a * b

def fail_on_negative(x):
    if float(x.sum()) < 0:
        raise ValueError("negative")
    return x + 1

class Pair(tuple):
    def __getitem__(self, index):  # says another item than it holds
        return torch.zeros(1)

def a_pair_that_lies(x):
    return Pair((x, x))

class Elsewhere(torch.Tensor):
    def detach(self):  # says it lives on other memory than it does
        return torch.zeros(self.shape)

def grad_that_lies_about_its_memory(x):
    x.grad = torch.ones_like(x).as_subclass(Elsewhere)
"""


@pytest.fixture
def run_kata(remote_kata):
    return remote_kata(RUN)


def test_a_run_is_one_request_and_each_step_shows_the_state_it_left(run_kata, monkeypatch) -> None:
    from pytest_autograd_kata.remote import Returned

    run_kata.clear(run_kata.tensor(torch.zeros(1)))  # the learner process is up
    x = run_kata.tensor(torch.arange(3.0), requires_grad=True)
    requests = []
    original = LearnerProcess.request
    monkeypatch.setattr(LearnerProcess, "request", lambda self, *a: requests.append(1) or original(self, *a))
    run = run_kata.in_a_row([(run_kata.backward_of_square, x), (run_kata.backward_of_square, x),
                             (run_kata.clear, x), (run_kata.pair, x), (run_kata.product, Returned(3)[0], Returned(3)[1]),
                             (run_kata.backward_of_square, x)])
    seen = []
    for _ in range(6):
        returned = next(run)
        seen.append((x.passes, None if x.grad is None else x.grad.value.tolist(), returned))
    assert len(requests) == 1
    assert [s[:2] for s in seen] == [(1, [0.0, 2.0, 4.0]), (2, [0.0, 4.0, 8.0]), (2, None), (2, None), (2, None),
                                     (3, [0.0, 2.0, 4.0])]
    assert torch.equal(seen[4][2].value, torch.arange(3.0) * 2 * torch.arange(3.0) * 3)
    with pytest.raises(StopIteration):
        next(run)


def test_a_check_that_stops_early_reads_the_last_state_at_its_next_request(run_kata) -> None:
    x = run_kata.tensor(torch.ones(2), requires_grad=True)
    run = run_kata.in_a_row([(run_kata.backward_of_square, x)] * 3)
    next(run)
    assert x.passes == 1
    run_kata.clear(run_kata.tensor(torch.zeros(1)))  # the three passes all ran
    assert x.passes == 3 and x.grad.value.tolist() == [6.0, 6.0]


def test_a_step_raises_in_its_turn_and_the_run_goes_on(run_kata) -> None:
    from pytest_autograd_kata.remote import Returned

    x = run_kata.tensor(-torch.ones(2))
    run = run_kata.in_a_row([(run_kata.fail_on_negative, torch.ones(2)), (run_kata.fail_on_negative, x),
                             (run_kata.product, Returned(1), x), (run_kata.fail_on_negative, torch.ones(2))])
    assert next(run).value.tolist() == [2.0, 2.0]
    with pytest.raises(ValueError, match="negative"):
        next(run)
    with pytest.raises(RuntimeError, match="step 1 of the run raised"):
        next(run)
    assert next(run).value.tolist() == [2.0, 2.0]


def test_an_item_is_read_as_the_check_reads_a_tuple_not_through_its_getitem(run_kata) -> None:
    from pytest_autograd_kata.remote import Returned

    x = run_kata.tensor(torch.full((2,), 5.0))
    run = run_kata.in_a_row([(run_kata.a_pair_that_lies, x), (run_kata.product, Returned(0)[1], x)])
    returned = next(run)
    assert not isinstance(returned, tuple)  # a tuple subclass comes back as the learner's object
    with pytest.raises(RuntimeError, match="not a tuple or list"):
        next(run)


def test_what_a_step_was_seen_doing_reaches_the_watch_open_when_it_is_read(run_kata) -> None:
    xs = [run_kata.tensor(torch.ones(2), requires_grad=True) for _ in range(2)]
    with run_kata.watch(backward_calls=True):  # what the run records
        run = run_kata.in_a_row([(run_kata.backward_of_square, xs[0]), (run_kata.clear, xs[0]),
                                 (run_kata.backward_of_square, xs[1])])
    seen = []
    for _ in range(3):
        with run_kata.watch(backward_calls=True) as step:
            next(run)
        seen.append(len(step.backward_calls))
    assert seen == [1, 0, 1]


def test_a_grads_memory_is_held_as_torch_reads_it_not_as_a_subclass_says(run_kata) -> None:
    from pytest_autograd_kata import probes

    x = run_kata.tensor(torch.ones(3), requires_grad=True)
    run = run_kata.in_a_row([(run_kata.grad_that_lies_about_its_memory, x), (probes.grad_detached, x)])
    next(run)
    held = next(run)
    assert held.storage is not None and held.storage == x.grad.storage
    assert run_kata.call(probes.grad_detached, run_kata.tensor(torch.ones(1))) is None  # no .grad: None
