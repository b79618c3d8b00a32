"""What a check holds of the learner's tensors is as they are after every reply, though a reply
carries only the snapshots that changed since the last it sent: a change made by any call, by
any route (in place, through ``.data``, which leaves the version counter alone, a new
``.grad``), shows at once; an unchanged tensor keeps its state and its identity."""
from __future__ import annotations

import pytest
import torch

from pytest_autograd_kata.runner.client import LearnerProcess

LEARNER = """
import torch

kept = []

def keep(x):
    kept.append(x)

def through_data():
    kept[0].data.add_(1)  # no version bump: only the values tell

def new_grad():
    kept[0].grad = torch.full_like(kept[0], 7.0)

def first_kept():
    return kept[0]

def backward_of_square(x):
    (x * x).sum().backward()

def nothing():
    pass


class SaysItIsAnything(type(torch.Tensor)):
    def __eq__(cls, other):
        return True

    __hash__ = type.__hash__


class Disguised(torch.Tensor, metaclass=SaysItIsAnything):
    pass


def disguise():
    kept[0].__class__ = Disguised
"""


@pytest.fixture
def kata(remote_kata):
    return remote_kata(LEARNER)


@pytest.fixture
def replies(monkeypatch):
    """The snapshots each reply carried, by handle."""
    seen: list[dict] = []
    original = LearnerProcess.request

    def request(self, *args):
        reply, blobs = original(self, *args)
        seen.append(reply.get("tensors", {}))
        return reply, blobs

    monkeypatch.setattr(LearnerProcess, "request", request)
    return seen


def test_a_change_by_any_route_shows_after_the_call_that_made_it(kata) -> None:
    x = kata.tensor(torch.zeros(3), requires_grad=True)
    kata.keep(x)
    kata.through_data()
    assert torch.equal(x.value, torch.ones(3)) and x.grad is None
    kata.new_grad()
    assert torch.equal(x.grad.value, torch.full((3,), 7.0))
    kata.backward_of_square(x)
    assert torch.equal(x.grad.value, torch.full((3,), 7.0) + 2) and x.passes == 1 and x.grad_as_left


def test_an_unchanged_tensor_is_not_sent_again_and_keeps_its_state_and_identity(kata, replies) -> None:
    others = [kata.tensor(torch.arange(4.0) + i, requires_grad=True) for i in range(5)]
    x = kata.tensor(torch.zeros(2), requires_grad=True)
    kata.backward_of_square(others[0])
    first = replies[-1]
    assert len(first) == len(others) + 2  # each new tensor, and the .grad the pass made
    kata.backward_of_square(x)
    assert sorted(replies[-1], key=int) == sorted({str(x.handle), str(x.grad.handle)}, key=int)
    kata.nothing()
    assert replies[-1] == {}
    assert all(torch.equal(o.value, torch.arange(4.0) + i) for i, o in enumerate(others))
    assert torch.equal(others[0].grad.value, 2 * (torch.arange(4.0))) and others[0].passes == 1
    kata.keep(x)
    assert kata.first_kept() is x  # the tensor the check holds, though nothing of it was sent


def test_a_tensor_the_check_let_go_comes_back_whole(kata) -> None:
    x = kata.tensor(torch.full((2,), 3.0))
    kata.keep(x)
    del x
    kata.nothing()  # the check's handle is released with this request
    again = kata.first_kept()
    assert torch.equal(again.value, torch.full((2,), 3.0))


def test_a_class_that_says_it_equals_any_class_still_shows_as_itself(kata) -> None:
    """Its class is told apart by identity: a metaclass's ``==`` saying it is torch.Tensor, or
    the class it replaced, neither hides it nor keeps the old snapshot."""
    x = kata.tensor(torch.zeros(2))
    kata.keep(x)
    assert x.subclass is None
    kata.disguise()
    assert x.subclass == "k00_learner.Disguised"
