"""The ``device`` and ``kata`` fixtures, and ``--kata-target``, seen from a pytest run."""
from __future__ import annotations

import json

import pytest
import torch

DEVICE_CHECK = """
import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.kata("k01")

def test_on(device):
    pass

@given(st.integers())
def test_inside_given(device, n):
    pass
"""

# One check module per kata, each calling the learner's `answer()`.
ANSWER_CHECK = """
import pytest
pytestmark = pytest.mark.kata("{kata}")

def test_answer(kata):
    assert kata.answer() == 42
"""

# What a learner's module may do wrong before any check runs, and what the failure must say.
BROKEN_MODULES = {
    # without course data the plugin can only look for the file named after the id
    "k02": (None, ["katas/k02.py does not exist: kata k02 needs its module there"]),
    "k03": ("def answr():\n    return 42\n", ["k03_answer.py has no function `answer`"]),
    "k04": ("def answer(:\n    return 42\n", ["k04_answer.py could not be imported", "SyntaxError at line 1"]),
    "k05": ("import math\nmath.sqrt(-1)\n", ["k05_answer.py could not be imported",
                                              "ValueError: math domain error (line 2)"]),
    "k06": ("import sys\nsys.exit(3)\n", ["k06_answer.py could not be imported", "SystemExit: 3"]),
    "k07": ("import sys\ndef answer():\n    sys.exit('done')\n",
            ["your code raised SystemExit(done) instead of returning"]),
    "k08": ("while True:\n    pass\n", ["your code used more than 0.5 s of processor time"]),
}


def write_kata(folder, kata: str, source: str | None) -> None:
    folder.mkdir(exist_ok=True)
    if source is not None:
        (folder / f"{kata}_answer.py").write_text(source)


def kata_results(pytester: pytest.Pytester, *args: str) -> dict[str, dict]:
    """Run and return each kata's result from the JSON report."""
    pytester.runpytest_inprocess("--kata-report=report.json", *args)
    report = json.loads((pytester.path / "report.json").read_text())
    return {k["id"]: k for k in report["katas"]}


@pytest.mark.parametrize("spec", ["auto", "cpu"])
def test_device_ids_and_given_work_together(pytester: pytest.Pytester, spec: str) -> None:
    pytester.makepyfile(test_k01=DEVICE_CHECK)
    write_kata(pytester.path / "katas", "k01", "")
    result = pytester.runpytest_inprocess("-v", f"--kata-devices={spec}")
    result.stdout.fnmatch_lines(["*test_on[[]cpu[]] PASSED*", "*test_inside_given[[]cpu[]] PASSED*"])
    result.stdout.no_fnmatch_line("*FailedHealthCheck*")
    present = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
    devices = ["cpu"] + ([name for name, there in present.items() if there] if spec == "auto" else [])
    result.assert_outcomes(passed=2 * len(devices))
    result.stdout.fnmatch_lines([f"checked on: {', '.join(devices)}; your code ran in a * sandbox"])


ABSENT_REASONS = {
    "cuda": (torch.cuda.is_available(), "CUDA is not available (no NVIDIA GPU or a CPU build of torch)"),
    "mps": (torch.backends.mps.is_available(), "MPS is not available (not an Apple-silicon Mac)"),
}


@pytest.mark.parametrize("name", ABSENT_REASONS)
def test_absent_device_named_explicitly_is_skipped_with_the_reason(pytester: pytest.Pytester, name: str) -> None:
    present, reason = ABSENT_REASONS[name]
    if present:
        pytest.skip(f"this machine has {name}")
    pytester.makepyfile(test_k01=DEVICE_CHECK)
    write_kata(pytester.path / "katas", "k01", "")
    result = pytester.runpytest_inprocess("-rs", f"--kata-devices=cpu,{name}")
    result.assert_outcomes(passed=2, skipped=2)
    assert sum(line.startswith("SKIPPED") and line.endswith(reason) for line in result.outlines) == 2
    assert f"[{name}]" not in pytester.runpytest_inprocess("-v", "--kata-devices=auto").stdout.str()


def test_each_broken_module_fails_its_own_kata_by_name(pytester: pytest.Pytester) -> None:
    katas = {"k01": "def answer():\n    return 42\n"} | {k: src for k, (src, _) in BROKEN_MODULES.items()}
    for kata, source in katas.items():
        pytester.makepyfile(**{f"test_{kata}": ANSWER_CHECK.format(kata=kata)})
        write_kata(pytester.path / "katas", kata, source)
    results = kata_results(pytester, "--kata-timeout=0.5")
    assert results["k01"]["status"] == "passed"
    for kata, (_, expected) in BROKEN_MODULES.items():
        message = results[kata]["checks"][0]["message"]
        assert results[kata]["status"] in ("error", "failed", "timeout"), kata
        for text in expected:
            assert text in message, (kata, text, message)
    out = pytester.runpytest_inprocess("--kata-timeout=0.5").stdout.str()
    assert "ERROR collecting" not in out and "Interrupted" not in out


def test_target_folder_runs_the_same_checks_and_loads_nothing_else(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_k01=ANSWER_CHECK.format(kata="k01"))
    write_kata(pytester.path / "katas", "k01", "def answer():\n    return 41\n")
    learner = pytester.path / "learner"
    write_kata(learner, "k01", "def answer():\n    return 42\n")
    # Anything else in the learner's folder would leave a trace, or break the run, if loaded.
    trap = "open({path!r}, 'w').close()\nraise SystemExit('{name} was loaded')\n"
    for name in ("conftest.py", "test_own.py", "helper.py"):
        (learner / name).write_text(trap.format(path=str(pytester.path / f"loaded-{name}"), name=name))
    (learner / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")

    assert kata_results(pytester, "test_k01.py")["k01"]["status"] == "failed"
    assert kata_results(pytester, "test_k01.py", "--kata-target=learner")["k01"]["status"] == "passed"
    assert not list(pytester.path.glob("loaded-*"))
