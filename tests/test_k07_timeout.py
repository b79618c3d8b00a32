"""k07's loop runs as long as the data says: a runaway loop ends in the per-check time limit
(--kata-timeout) with a message that names the likely cause, never in a hung run."""
from __future__ import annotations

import time

import pytest
import torch

from conftest import SOLUTIONS
from pytest_autograd_kata.i18n import t
from pytest_autograd_kata.loader import load
from pytest_autograd_kata.timeout import KataTimeout, time_limit

#: A short limit keeps this test fast; the default (20 s) is meant for a learner's machine.
LIMIT = 0.5

#: A plausible mistake kept out of tests/corpus, whose test expects failed or error, not timeout.
RUNAWAY = '''"""b * 2 without assigning it: b never changes, so the while loop never ends."""
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    return torch.isclose(grad, d / a).item()
'''


def test_runaway_loop_ends_in_the_time_limit(run_kata, tmp_path) -> None:
    module = tmp_path / "runaway.py"
    module.write_text(RUNAWAY, encoding="utf-8")
    started = time.perf_counter()
    result = run_kata("k07", module, f"--kata-timeout={LIMIT}", "--kata-lang=en")
    elapsed = time.perf_counter() - started
    assert result["status"] == "timeout", result
    stopped = [c for c in result["checks"] if c["status"] == "timeout"]
    # Both checks that call f are stopped, each with the message that points at the loop.
    assert len(stopped) == 2, result
    assert all(c["message"] == t("timeout", "en", seconds=LIMIT) for c in stopped), stopped
    # Two checks stopped after LIMIT each, plus pytest's own start-up: seconds, not a hang.
    assert elapsed < 15, elapsed


def test_the_books_loop_at_a_zero_is_stopped() -> None:
    f = load(SOLUTIONS, "k07_control_flow", "k07").f
    with pytest.raises(KataTimeout), time_limit(0.2):
        f(torch.zeros((), requires_grad=True))
