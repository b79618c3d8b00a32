"""gradcheck and gradgradcheck of a learner's function (``remote.gradient_check``): every
question the checker asks is answered by the learner's process in one request, and the
verdict, the message and the calls the learner's code sees are those of asking one by one."""
from __future__ import annotations

import pytest
import torch
from torch.autograd import gradcheck, gradgradcheck

from pytest_autograd_kata.remote import RemoteKata, differentiable, gradient_check

LEARNER = """
import torch

calls = 0

def counted(f):
    def wrapped(x):
        global calls
        calls += 1
        return f(x)
    return wrapped

@counted
def first_derivative(x):  # right: autograd's derivative of x³, with its graph
    return torch.autograd.grad((x ** 3).sum(), x, create_graph=True)[0]

@counted
def detached(x):  # the derivative without its graph
    return torch.autograd.grad((x ** 3).sum(), x)[0]

@counted
def formula_without_graph(x):  # values of 3x², but a graph of a constant
    return 3 * x.detach() ** 2 + 0 * x

@counted
def drifting(x):  # a different answer at every call
    return x * calls

def not_started(x):
    raise NotImplementedError("write first_derivative")

def how_many():
    return calls
"""

FUNCTIONS = ["first_derivative", "detached", "formula_without_graph", "drifting"]
INPUTS = [torch.tensor([0.5, -1.25, 2.0], dtype=torch.float64), torch.tensor(0.75, dtype=torch.float64)]


@pytest.fixture(scope="module")
def kata(remote_kata):
    return remote_kata(LEARNER)


def leaf(x: torch.Tensor) -> torch.Tensor:
    return x.clone().requires_grad_(True)


def verdict(run) -> str:
    """'passed', or the checker's error message (the numbers the learner reads)."""
    try:
        run()
    except RuntimeError as error:
        return str(error)
    return "passed"


def one_by_one(checker, kata, function, x) -> str:
    torch.manual_seed(0)  # gradgradcheck's random grad_outputs, alike for both ways
    return verdict(lambda: checker(differentiable(kata, function), (leaf(x),), check_undefined_grad=False))


def in_one_request(checker, kata, function, x) -> str:
    torch.manual_seed(0)
    return verdict(lambda: gradient_check(checker, kata, function, (leaf(x),), check_undefined_grad=False))


def count_requests(monkeypatch) -> list:
    made = []
    request = RemoteKata._request

    def counted(self, header, blobs, what):
        made.append(header)
        return request(self, header, blobs, what)

    monkeypatch.setattr(RemoteKata, "_request", counted)
    return made


@pytest.mark.parametrize("checker", [gradcheck, gradgradcheck], ids=["gradcheck", "gradgradcheck"])
@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("x", INPUTS, ids=["vector", "scalar"])
def test_same_verdict_and_message_as_asking_one_by_one(kata, checker, name, x) -> None:
    function = getattr(kata, name)
    expected = one_by_one(checker, kata, function, x)
    assert in_one_request(checker, kata, function, x) == expected
    if name == "first_derivative":
        assert expected == "passed"
    elif checker is gradcheck or name != "formula_without_graph":
        # (gradgradcheck differentiates the derivatives, which a constant's graph has right)
        assert expected != "passed"


@pytest.mark.parametrize("checker", [gradcheck, gradgradcheck], ids=["gradcheck", "gradgradcheck"])
def test_the_learner_code_runs_as_often_as_when_asked_one_by_one(kata, checker) -> None:
    x = INPUTS[0]
    before = kata.how_many()
    one_by_one(checker, kata, kata.first_derivative, x)
    asked_singly = kata.how_many() - before
    in_one_request(checker, kata, kata.first_derivative, x)
    assert kata.how_many() - before - asked_singly == asked_singly > 10


@pytest.mark.parametrize("checker", [gradcheck, gradgradcheck], ids=["gradcheck", "gradgradcheck"])
def test_two_requests_instead_of_one_per_question(kata, checker, monkeypatch) -> None:
    kata.how_many()  # the learner process is up
    made = count_requests(monkeypatch)
    one_by_one(checker, kata, kata.first_derivative, INPUTS[0])
    singly = len(made)
    made.clear()
    in_one_request(checker, kata, kata.first_derivative, INPUTS[0])
    # the value at x (its shape shapes the questions), then all the others at once
    assert len(made) == 2 < singly


def test_a_stub_raises_not_implemented_at_the_first_question(kata) -> None:
    with pytest.raises(NotImplementedError, match="write first_derivative"):
        gradient_check(gradcheck, kata, kata.not_started, (leaf(INPUTS[0]),), check_undefined_grad=False)
