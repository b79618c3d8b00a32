"""Hostile submissions: each is a copy of solutions/ whose k01 module is replaced by code that
exits, hangs, floods, forges reports, patches the toolkit or the checks, or is simply broken.
Each must get its exact score for k01, and the kata graded beside it its true score: the
score the same file gets beside a clean k01.

All cases are graded in one run (two workers, no reuse of identical files, so every kata of
every submission really runs beside its hostile neighbour)."""
from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, SOLUTIONS, checks_file
from pytest_autograd_kata.grading.grade import grade
from pytest_autograd_kata.grading.plan import make_plan

HOSTILE = "k01"
#: the kata graded beside it: the first other kata with checks and a solution
NEIGHBOUR = next(k.id for k in COURSE.katas if k.id != HOSTILE and checks_file(k.id).is_file()
                 and (SOLUTIONS / k.filename).is_file())
#: short, so the loops cost little; long enough for a kata on a busy machine (the meta device
#: in wrong_device makes torch import torch._dynamo: seconds)
TIMEOUT = 10.0
MEMORY_MIB = 1024

SOLUTION = (SOLUTIONS / COURSE.get(HOSTILE).filename).read_text(encoding="utf-8")
STUB = "def make_x(n, device='cpu'):\n    raise NotImplementedError('k01')\n"
WRONG = ("import torch\n\n"
         "def make_x(n, device='cpu'):\n    return torch.arange(n, device=device)  # int64, no gradients\n")
#: finds the module of k01's checks, whatever name pytest imported it under
CHECKS = ("import sys\n"
          "checks = next(m for n, m in list(sys.modules.items()) if n.endswith('test_k01_grad_storage'))\n")
LOOP = "while True:\n    try:\n        pass\n    except BaseException:\n        pass\n"


@dataclass
class Case:
    source: str | None  # None: the file is missing
    status: str
    score: float
    #: other files in the submission folder
    extra: dict[str, str] = field(default_factory=dict)
    #: a word the kata's message must hold
    says: str = ""


CASES = {
    "clean": Case(SOLUTION, "passed", 1),
    "os_exit_at_import": Case("import os\nos._exit(3)\n", "error", 0, says="exit code 3"),
    "os_exit_in_function": Case("import os\n\ndef make_x(n, device='cpu'):\n    os._exit(0)\n", "error", 0,
                                says="os._exit"),
    "sys_exit_at_import": Case("import sys\nsys.exit('bye')\n", "error", 0, says="SystemExit"),
    "sys_exit_in_function": Case("import sys\n\ndef make_x(n, device='cpu'):\n    sys.exit(0)\n", "failed", 0,
                                 says="SystemExit"),
    "keyboard_interrupt_at_import": Case("raise KeyboardInterrupt\n", "error", 0, says="KeyboardInterrupt"),
    "keyboard_interrupt_in_function": Case("def make_x(n, device='cpu'):\n    raise KeyboardInterrupt\n",
                                           "failed", 0, says="KeyboardInterrupt"),
    "kills_its_worker": Case("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", "error", 0,
                             says="worker"),
    "loop_catching_everything_at_import": Case(LOOP, "timeout", 0, says="--timeout"),
    "loop_catching_everything_in_function": Case(
        "def make_x(n, device='cpu'):\n" + "".join("    " + line + "\n" for line in LOOP.splitlines()),
        "timeout", 0, says="--timeout"),
    "huge_tensors": Case("import torch\n\ndef make_x(n, device='cpu'):\n"
                         "    hoard = [torch.ones(2**28) for _ in range(64)]  # 64 GiB\n", "error", 0,
                         says=f"{MEMORY_MIB} MiB"),
    "prints_megabytes": Case(SOLUTION.replace("def make_x", "import sys\n"
                                              "print('spam' * 2**20)\nsys.stderr.write('eggs' * 2**20)\n\n"
                                              "def make_x", 1)
                             .replace("    x = torch", "    print('spam' * 2**18, file=sys.stderr)\n    x = torch", 1),
                             "passed", 1),
    "fake_reports": Case("from pathlib import Path\nhere = Path(__file__).resolve().parent\n"
                         "for folder in (here, here.parent, here.parent.parent, here.parent.parent / 'out'):\n"
                         "    folder.mkdir(exist_ok=True)\n"
                         "    (folder / 'gradebook.csv').write_text('submission,k01,total\\nfake_reports,1,100\\n')\n"
                         "    (folder / 'results.json').write_text('{\"score\": 100, \"tests\": []}')\n"
                         "    (folder / 'report.json').write_text('{\"score\": 100, \"katas\": []}')\n" + STUB,
                         "not_started", 0),
    "conftest_ini_sitecustomize": Case(STUB, "not_started", 0, extra={
        "conftest.py": "import pytest\n\n@pytest.hookimpl(wrapper=True)\n"
                       "def pytest_runtest_makereport(item, call):\n    report = yield\n"
                       "    report.outcome = 'passed'\n    return report\n",
        "pytest.ini": "[pytest]\naddopts = -p no:autograd_kata -p no:hypothesispytest\n",
        "sitecustomize.py": "import torch\ntorch.equal = lambda *a, **k: True\n",
        "torch.py": "raise SystemExit('a fake torch')\n",
    }),
    "patches_checks_at_import": Case(WRONG + CHECKS + "for name in dir(checks):\n"
                                     "    if name.startswith(('assert_', 'fail')):\n"
                                     "        setattr(checks, name, lambda *a, **k: None)\n",
                                     "failed", 0, says="replaced"),
    "patches_torch_at_import": Case(WRONG + "torch.testing.assert_close = lambda *a, **k: None\n"
                                    "torch.equal = lambda *a, **k: True\n", "failed", 0, says="replaced"),
    "patches_tensor_eq_at_import": Case(WRONG + "torch.Tensor.__eq__ = lambda self, other: torch.tensor(True)\n",
                                        "failed", 0, says="replaced"),
    "patches_toolkit_at_import": Case(WRONG + "import pytest_autograd_kata.assertions as toolkit\n"
                                      "for name in dir(toolkit):\n    if name.startswith(('assert_', 'fail')):\n"
                                      "        setattr(toolkit, name, lambda *a, **k: None)\n",
                                      "failed", 0, says="replaced"),
    "patches_checks_at_call": Case(
        "import torch\n\ndef make_x(n, device='cpu'):\n    " + CHECKS.replace("\n", "\n    ")
        + "for name in dir(checks):\n        test = getattr(checks, name)\n"
          "        inner = getattr(getattr(test, 'hypothesis', None), 'inner_test', None)\n"
          "        if inner is not None:\n            inner.__code__ = (lambda *a, **k: None).__code__\n"
          "    return torch.arange(n, device=device)\n", "failed", 0, says="replaced"),
    "patches_pytest_at_call": Case(
        "import torch\nimport _pytest.reports\n\ndef make_x(n, device='cpu'):\n"
        "    _pytest.reports.TestReport.passed = property(lambda self: True)\n"
        "    return torch.arange(n, device=device)\n", "failed", 0, says="replaced"),
    # Its own checks still pass (make_x names its dtype); what matters is that the neighbour does too.
    "changes_torch_global_state": Case(SOLUTION + "\ntorch.set_grad_enabled(False)\n"
                                       "torch.set_default_dtype(torch.float64)\ntorch.manual_seed(123)\n"
                                       "torch.autograd.set_detect_anomaly(True)\n", "passed", 1),
    "syntax_error": Case("def make_x(n, device='cpu')\n    return n\n", "error", 0, says="SyntaxError"),
    "missing_file": Case(None, "error", 0, says="does not exist"),
    "missing_function": Case("def make_y(n, device='cpu'):\n    return None\n", "error", 0, says="make_x"),
    "wrong_type": Case("def make_x(n, device='cpu'):\n    return [float(i) for i in range(n)]\n", "failed", 0,
                       says="torch.Tensor"),
    "wrong_shape": Case(SOLUTION.replace("arange(n,", "arange(n + 1,"), "failed", 0, says="shape"),
    "wrong_dtype": Case(WRONG, "failed", 0, says="dtype"),
    "wrong_device": Case(SOLUTION.replace("device=device)", "device='meta')"), "failed", 0, says="device"),
}


def build(folder: Path, case: Case) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SOLUTIONS / COURSE.get(NEIGHBOUR).filename, folder)
    if case.source is not None:
        (folder / COURSE.get(HOSTILE).filename).write_text(case.source, encoding="utf-8")
    for name, text in case.extra.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    for name, case in CASES.items():
        build(root / "subs" / name, case)
    plan = make_plan([str(root / "subs" / name) for name in CASES], str(root / "out"), str(KATAS), jobs=2,
                     timeout=TIMEOUT, memory_mib=MEMORY_MIB, only=[HOSTILE, NEIGHBOUR], reuse=False)
    from pytest_autograd_kata.grading import gradebook

    result = grade(plan)
    gradebook.write(result, plan.out)
    return {s.name: s for s in result.submissions}, plan.out


@pytest.mark.parametrize("name", CASES)
def test_hostile_kata_gets_its_exact_score(graded, name: str) -> None:
    case = CASES[name]
    kata = graded[0][name].katas[0]
    assert kata.id == HOSTILE
    message = kata.forced_message or "\n".join(c.message for c in kata.checks)
    assert (kata.status, kata.score) == (case.status, case.score), message
    assert case.says in message


@pytest.mark.parametrize("name", CASES)
def test_the_kata_beside_it_keeps_its_true_score(graded, name: str) -> None:
    clean, here = graded[0]["clean"].katas[1], graded[0][name].katas[1]
    assert here.id == NEIGHBOUR
    assert (here.status, here.score, [c.status for c in here.checks]) == \
           (clean.status, clean.score, [c.status for c in clean.checks])


def test_only_the_grader_writes_the_reports(graded) -> None:
    submissions, out = graded
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        rows = {row["submission"]: row for row in csv.DictReader(book)}
    assert set(rows) == set(CASES)  # the fake row is gone: the grader wrote the file after it
    for name, row in rows.items():
        assert float(row["total"]) == submissions[name].score
        results = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        assert results["score"] == submissions[name].score
    assert rows["fake_reports"][HOSTILE] == "0"


def test_a_kata_the_grader_stopped_marks_the_submission_for_review(graded) -> None:
    submissions = graded[0]
    assert submissions["loop_catching_everything_in_function"].status == "review"
    assert submissions["patches_torch_at_import"].status == "review"
    assert submissions["wrong_type"].status == "incomplete"
