"""The checks of several kata modules side by side (``--kata-jobs``, pytest_autograd_kata.plugin.parallel):
forked pytest processes run them, and the run reads exactly as a run in one process."""
from __future__ import annotations

import base64
import json
import re

import pytest

#: each check writes down the process it ran in, so a test can tell where the checks ran
WHERE = """
import os
def note(name):
    with open(os.path.join(os.path.dirname(__file__), "ran_in.txt"), "a") as ran:
        ran.write(f"{name} {os.getpid()}\\n")
"""

CHECKS = {
    "test_k01": """
import pytest, torch
from hypothesis import example, given
from pytest_autograd_kata import assert_tensor_equal, strategies as kst
from where import note
pytestmark = pytest.mark.kata("k01")

def test_first(kata, device):
    note("k01")
    assert_tensor_equal(kata.make_x(4), torch.arange(4.0), name="x")

@example(x=torch.ones(3))
@given(x=kst.tensors(kst.shapes(max_dims=1)))
def test_drawn(kata, device, x):
    assert_tensor_equal(kata.double(x), 2 * x, name="2·x")
""",
    "test_k02": """
import pytest, torch
from pytest_autograd_kata import assert_tensor_equal
from where import note
pytestmark = pytest.mark.kata("k02")

def test_right(kata, device):
    note("k02")
    assert_tensor_equal(kata.square(torch.tensor(3.0)), torch.tensor(9.0), name="x²")

def test_wrong(kata, device):
    print("the check's own output")
    assert_tensor_equal(kata.square(torch.tensor(2.0)), torch.tensor(5.0), name="x² + 1")
""",
    "test_k03": """
import pytest, torch
from where import note
pytestmark = pytest.mark.kata("k03")

def test_not_started(kata, device):
    note("k03")
    kata.backward_two_x_dot_x(kata.tensor(torch.ones(2), requires_grad=True))
""",
}

LEARNER = {
    "k01_grad_storage.py": "import torch\ndef make_x(n):\n    return torch.arange(float(n))\n"
                           "def double(x):\n    return x + x\n",
    "k02_build_graph.py": "def square(x):\n    return x * x\n",
    "k03_backward.py": "def backward_two_x_dot_x(x):\n    raise NotImplementedError\n",
}


@pytest.fixture
def course(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(where=WHERE, **CHECKS)
    katas = pytester.mkdir("katas")
    for name, text in LEARNER.items():
        katas.joinpath(name).write_text(text)
    return pytester


def run(pytester: pytest.Pytester, jobs: str, *args: str) -> tuple[pytest.RunResult, dict, set[str]]:
    ran_in = pytester.path / "ran_in.txt"
    ran_in.unlink(missing_ok=True)
    report = pytester.path / f"report-{jobs}.json"
    result = pytester.runpytest_subprocess(f"--kata-jobs={jobs}", "--hypothesis-seed=7", "-p", "no:cacheprovider",
                                           f"--kata-report={report}", *args)
    pids = {line.split()[1] for line in ran_in.read_text().splitlines()}
    return result, json.loads(report.read_text(encoding="utf-8")), pids


def _without_timings(lines: list[str]) -> list[str]:
    """The lines with their seconds left out, and the summary line's "=" padding too: pytest pads
    it to the terminal's width, so a run past 10 s has one "=" fewer on each side."""
    return [re.sub(r"^=+ (.*?) =+$", r"\1", re.sub(r" in [\d.]+s( \([\d:]+\))?", "", line)) for line in lines]


def _junit_without_timings(path) -> str:
    """The --junitxml file, times left out. Hypothesis's statistics (base64, in a suite property)
    hold some: the phase's seconds, and a line of typical runtimes whose very wording follows
    them ("< 1ms", "~ 0-1 ms")."""
    def statistics(found: re.Match) -> str:
        lines = base64.b64decode(found.group(2)).decode().splitlines()
        kept = "\n".join(line for line in lines if "Typical runtimes" not in line)
        return found.group(1) + re.sub(r"\([\d.]+ seconds\)", "(# seconds)", kept) + '"'

    text = re.sub(r' (time|timestamp|hostname)="[^"]*"', "", path.read_text(encoding="utf-8"))
    return re.sub(r'(name="hypothesis-statistics-[^"]*" value=")([^"]*)"', statistics, text)


@pytest.mark.parametrize("verbosity", ["-q", "-v"])
def test_side_by_side_reads_exactly_as_one_process(course: pytest.Pytester, verbosity: str) -> None:
    alone, alone_report, alone_pids = run(course, "1", verbosity, "-rA", "--junitxml=junit.xml")
    (course.path / "junit.xml").rename(course.path / "alone.xml")
    side_by_side, report, pids = run(course, "2", verbosity, "-rA", "--junitxml=junit.xml")
    (course.path / "junit.xml").rename(course.path / "side.xml")
    assert len(alone_pids) == 1 and len(pids) == 2  # the checks did run in two processes
    assert side_by_side.ret == alone.ret == 1
    assert "1 failed, 3 passed, 1 not started" in side_by_side.outlines[-1]
    assert report == alone_report
    junit = _junit_without_timings(course.path / "side.xml")
    assert junit == _junit_without_timings(course.path / "alone.xml")
    assert 'name="hypothesis-statistics-test_k01.py::test_drawn[cpu]"' in junit and 'name="kata" value="k02"' in junit
    # Every line — progress, failures with the check's own output, the board — in the same order.
    assert _without_timings(side_by_side.outlines) == _without_timings(alone.outlines)
    assert "the check's own output" in side_by_side.stdout.str()


def test_dev_check_hears_the_explicit_examples_that_ran_in_the_workers(course: pytest.Pytester) -> None:
    """`autograd-kata dev check` counts each check's @example inputs that ran
    (pytest_autograd_kata.authoring.examples_seen): the same count whichever process ran the check."""
    counted = {}
    for jobs in ("1", "2"):
        seen = course.path / f"seen-{jobs}.json"
        run(course, jobs, "-p", "pytest_autograd_kata.authoring.examples_seen", f"--kata-examples-report={seen}")
        counted[jobs] = json.loads(seen.read_text(encoding="utf-8"))
    assert counted["2"] == counted["1"] == {"test_k01.py::test_drawn[cpu]": {"explicit": 1, "ran": 1, "gave_up": 0}}


def test_a_worker_that_dies_costs_its_module_an_error_and_the_rest_goes_on(course: pytest.Pytester) -> None:
    course.makepyfile(test_k02="""
import os, signal
import pytest, torch
from pytest_autograd_kata import assert_tensor_equal
pytestmark = pytest.mark.kata("k02")

def test_right(kata, device):
    assert_tensor_equal(kata.square(torch.tensor(3.0)), torch.tensor(9.0), name="x²")

def test_process_killed(kata, device):
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would

def test_after(kata, device):
    pass
""")
    result, report, _ = run(course, "2", "-v")
    checks = {c["name"]: c for k in report["katas"] for c in k["checks"]}
    assert checks["test_right[cpu]"]["status"] == "passed"
    for name in ("test_process_killed[cpu]", "test_after[cpu]"):
        assert checks[name]["status"] == "error"
        assert "the pytest process that ran its kata module ended (signal SIGKILL)" in checks[name]["message"]
    assert checks["test_first[cpu]"]["status"] == checks["test_drawn[cpu]"]["status"] == "passed"
    assert checks["test_not_started[cpu]"]["status"] == "not_started"
    assert result.ret == 1


@pytest.mark.parametrize("args", [("-x",), ("-k", "k02")], ids=["exitfirst", "one module"])
def test_runs_in_one_process_where_it_must(course: pytest.Pytester, args: tuple[str, ...]) -> None:
    _, _, pids = run(course, "2", *args)
    assert len(pids) == 1


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_job_count_names_the_fix(course: pytest.Pytester, value: str) -> None:
    result = course.runpytest_subprocess(f"--kata-jobs={value}", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--kata-jobs: the number of kata jobs must be auto or a whole number from 1*{value!r}*"])


def test_checks_on_a_gpu_stay_in_one_process(pytester: pytest.Pytester) -> None:
    """CUDA may not be used in a process forked after the run asked for it (torch.cuda.is_available)."""
    from pytest_autograd_kata.plugin.parallel import modules_of, workers_for

    pytester.makepyfile(test_a="def test_one(): pass", test_b="def test_two(): pass")
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider")
    session = items[0].session
    session.config.option.collectonly = False  # collected for a run, not only to list the checks
    every_item_a_check = lambda item: True  # noqa: E731
    modules = modules_of(session.items)
    assert workers_for(session, modules, 2, every_item_a_check, ["cpu"]) == 2
    assert workers_for(session, modules, 2, every_item_a_check, ["cpu", "cuda"]) == 1
    assert workers_for(session, modules, 2, every_item_a_check, ["mps"]) == 1
