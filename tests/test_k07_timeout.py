"""k07's loop runs as long as the data says: a runaway loop ends in the per-check time limit
(--kata-timeout) as status "timeout", with a message that names the likely cause, never in a
hung run; and the checks after it still run, in a fresh learner process."""
from __future__ import annotations

import time

import pytest

from conftest import SOLUTIONS
from pytest_autograd_kata.course.i18n import t

#: A short limit keeps this test fast; the default (20 s) is meant for a learner's machine.
LIMIT = 1.0
#: pytest's start-up, the learner process's, and two checks stopped after LIMIT each: seconds, not a hang.
WHOLE_RUN = 20

#: The rest of a correct answer: only f runs away.
REST = '''

def gradient_of_f(a):
    d = f(a)
    d.backward()
    return a.grad, d


def agrees_with_d_over_a(grad, d, a):
    rtol, atol = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}[grad.dtype]
    return torch.isclose(grad, d / a, rtol=rtol, atol=atol).item()
'''

#: Plausible runaway loops, kept out of tests/corpus, whose test expects failed or error, not timeout.
RUNAWAYS = {
    "b_never_assigned": '''"""b * 2 without assigning it: b never changes, so the while loop never ends."""
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
''',
    "swallows_every_exception": '''"""A loop that catches BaseException, the time limit's own exception included, and loops again."""
import torch


def f(a):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
''',
}

CALL_F = ("test_f_follows_the_loop_and_the_branch", "test_gradient_of_f_returns_a_grad_itself_and_d")
#: A check that runs after them and calls the learner's code once, so its learner time stays far
#: below LIMIT however busy the machine is (the Hypothesis check of agrees_with_d_over_a makes
#: hundreds of calls, and is left out).
AFTER = "test_exact_equality_is_the_wrong_test"


@pytest.mark.parametrize("name", sorted(RUNAWAYS))
def test_runaway_loop_ends_in_the_time_limit_and_the_next_checks_run(run_kata, tmp_path, name) -> None:
    module = tmp_path / f"{name}.py"
    module.write_text(RUNAWAYS[name] + REST, encoding="utf-8")
    started = time.perf_counter()
    result = run_kata("k07", module, f"--kata-timeout={LIMIT}", "--kata-lang=en",
                      "-k", " or ".join((*CALL_F, AFTER)))
    elapsed = time.perf_counter() - started
    assert result["status"] == "timeout", result
    statuses = {check["name"].split("[")[0]: check["status"] for check in result["checks"]}
    # Each check that calls f is stopped; the check after them runs in a fresh learner process and passes.
    assert statuses == {**dict.fromkeys(CALL_F, "timeout"), AFTER: "passed"}, result
    stopped = [c for c in result["checks"] if c["status"] == "timeout"]
    assert all(c["message"].startswith(t("timeout", "en", seconds=LIMIT)) for c in stopped), stopped
    assert elapsed < WHOLE_RUN, elapsed


def test_the_books_loop_at_a_zero_is_stopped(pytester: pytest.Pytester) -> None:
    """The statement's warning is true: the reference f never ends at a = 0, and the runner stops it."""
    pytester.makepyfile(test_zero='''
        import pytest
        import torch

        pytestmark = pytest.mark.kata("k07")


        def test_f_at_zero(kata):
            kata.f(kata.tensor(torch.zeros(()), requires_grad=True))
    ''')
    started = time.perf_counter()
    result = pytester.runpytest_inprocess(f"--kata-target={SOLUTIONS}", f"--kata-timeout={LIMIT}",
                                          "--kata-lang=en", "-p", "no:cacheprovider")
    elapsed = time.perf_counter() - started
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{t('timeout', 'en', seconds=LIMIT)}*"])
    assert elapsed < WHOLE_RUN, elapsed
