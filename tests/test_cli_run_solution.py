"""`autograd-kata run` (check one kata, say briefly what is wrong) and `autograd-kata solution`
(only once the kata passes)."""
from __future__ import annotations

import shutil
from pathlib import Path

from cli_course import K01, cli, course, course_copy, solve  # noqa: F401  (fixtures)

#: a plausible wrong k01: torch.arange(n) without a float dtype
WRONG_K01 = Path(__file__).with_name("corpus") / "k01" / "int_dtype.py"


def test_run_shows_the_wrong_quantity_the_example_and_a_nudge(cli, course) -> None:
    shutil.copy(WRONG_K01, course / "katas" / K01.filename)
    ran = cli("run", "k01")
    assert ran.code == 1
    assert "failing" in ran.out.splitlines()[0]
    assert "x has dtype torch.int64" in ran.out  # the quantity, and what is wrong with it
    # Hypothesis's failing example ("Falsifying example:", "Failing test case:" since 6.16x)
    failed = next(line.split("✘ ")[1] for line in ran.out.splitlines()[1:] if "✘ " in line)
    assert f"{failed.split('[')[0]}(" in ran.out and "n=" in ran.out
    assert "autograd-kata hint k01" in ran.out
    assert "Traceback" not in ran.out and "def test_" not in ran.out  # not pytest's wall
    # The solution stays locked: the result just found for these very files is trusted.
    ran = cli("solution", "k01")
    assert ran.code == 1 and "failing" in ran.err
    assert (course / "solutions" / K01.filename).read_text(encoding="utf-8") not in ran.out


def test_run_of_an_untouched_stub_says_to_start(cli) -> None:
    ran = cli("run", "k01")
    assert ran.code == 1
    assert "not started" in ran.out and f"katas/{K01.filename}" in ran.out
    assert ran.out.count("NotImplementedError") == 1  # said once, not once per check


def test_solution_opens_only_once_the_kata_passes(cli, course) -> None:
    reference = (course / "solutions" / K01.filename).read_text(encoding="utf-8")
    ran = cli("solution", "k01")
    assert ran.code == 1 and "not started it yet" in ran.err and reference not in ran.out
    assert "closer than you think" not in ran.err  # not to a learner who has not begun
    solve(course, "k01")
    ran = cli("run", "k01", "-v")
    assert ran.code == 0
    checks = [line for line in ran.out.splitlines() if line.startswith("    ✔ test_")]
    assert len(checks) >= 3  # -v lists every check
    assert "k01 passes every check" in ran.out
    ran = cli("solution", "k01")
    assert ran.code == 0 and reference in ran.out
