"""The course author's tools on a tiny course of one kata in a temporary folder: ``autograd-kata
dev check`` names each thing that is wrong with a course, and ``autograd-kata dev mutants``
kills the mutants its check catches and shows each one it lets through, with its diff.

The whole course's own ``dev check`` and ``dev mutants`` are run by .ci/run and benchmarks/."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_autograd_kata.authoring import dev, devcheck
from pytest_autograd_kata.authoring.answers import Answer, Verdict
from pytest_autograd_kata.course import outcomes
from pytest_autograd_kata.course.outcomes import CheckResult, KataResult
from pytest_autograd_kata.course.checksums import write_record
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.course.data import Kata, load_course

KATA = "k01"
MODULE = "k01_square_grad"
COURSE_TOML = f'''
[[kata]]
id = "{KATA}"
module = "{MODULE}"
points = 1
zh_source = "{{fingerprint}}"
title.en = "{{title}}"
title.zh = "平方的梯度"
statement.en = "Return a copy of the gradient of (x * x).sum() at x, from one backward pass."
statement.zh = "通过一次反向传播，返回 (x * x).sum() 在 x 处梯度的副本。"
hints.en = ["Run backward() on the sum.", "Copy x.grad."]
hints.zh = ["对求和结果调用 backward()。", "复制 x.grad。"]
'''
TITLE = "The gradient of a square"
SOLUTION = '''\
"""k01 reference solution."""
import torch


def square_grad(x: torch.Tensor) -> torch.Tensor:
    """A copy of the gradient of ``(x * x).sum()`` at ``x``."""
    y = (x * x).sum()
    y.backward()
    return x.grad.clone()
'''
#: Values only: whether the gradient came from a backward pass, and whether a copy was
#: returned, goes unchecked, so those mutants survive.
CHECKS = f'''\
import pytest
import torch
from hypothesis import Phase, example, given, settings

from pytest_autograd_kata import Text, assert_tensor_close, strategies as kst

pytestmark = pytest.mark.kata("{KATA}")


@example(x=torch.tensor([3.0, -1.0]))
@given(x=kst.tensors(shape=(3,)))
def test_values(kata, device, x):
    grad = kata.square_grad(kata.tensor(x.to(device), requires_grad=True))
    assert_tensor_close(grad, 2 * x.to(device), name="square_grad(x)",
                        expected_words=Text("2·x", "2·x"))
{{extra_check}}'''
#: a check whose explicit example never runs: its own settings leave the explicit phase out
NO_EXPLICIT_PHASE = '''

@settings(phases=(Phase.generate,))
@example(x=torch.tensor([1.0]))
@given(x=kst.tensors(shape=(2,)))
def test_without_explicit_phase(kata, device, x):
    assert kata.square_grad(kata.tensor(x.to(device), requires_grad=True)).shape == x.shape
'''
WRONG = SOLUTION.replace("(x * x)", "(x + x)")
RIGHT = SOLUTION.replace("y = (x * x).sum()\n    y.backward()", "(x ** 2).sum().backward()")


def make_course(root: Path, title: str = TITLE, extra_check: str = "") -> Path:
    """A course of one kata that ``dev check`` passes (with ``extra_check``, its checks gain it)."""
    katas, solutions = root / "katas", root / "solutions"
    katas.mkdir(parents=True)
    solutions.mkdir()
    (katas / "course.toml").write_text(COURSE_TOML.format(fingerprint="", title=TITLE), encoding="utf-8")
    fingerprint = load_course.__wrapped__(katas).katas[0].english_fingerprint()  # not cached: rewritten below
    (katas / "course.toml").write_text(COURSE_TOML.format(fingerprint=fingerprint, title=title), encoding="utf-8")
    course = load_course(katas)
    (solutions / f"{MODULE}.py").write_text(SOLUTION, encoding="utf-8")
    dev.write_stubs(course, solutions, katas)
    (katas / f"test_{MODULE}.py").write_text(CHECKS.format(extra_check=extra_check), encoding="utf-8")
    write_record(course)
    assert devcheck.draw(course, course.katas, solutions, katas / "drawn").returncode == 0  # what `dev checks` keeps
    for folder, text in (("corpus", WRONG), ("right", RIGHT)):
        (root / "tests" / folder / KATA).mkdir(parents=True)
        (root / "tests" / folder / KATA / "answer.py").write_text(text, encoding="utf-8")
    return root


def cells(line: str) -> list[str]:
    """The cells of a line of a table (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def run_dev(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    """``autograd-kata dev ARGS`` in the course's folder (the default paths), with one worker."""
    monkeypatch.chdir(root)
    code = main(["dev", *args, "--jobs", "1"])
    return code, capsys.readouterr().out


def test_dev_check_names_every_problem_of_a_broken_course(tmp_path, monkeypatch, capsys) -> None:
    root = make_course(tmp_path, title="The gradient of a square, renamed", extra_check=NO_EXPLICIT_PHASE)
    with (root / "katas" / f"test_{MODULE}.py").open("a", encoding="utf-8") as checks:
        checks.write("# edited after `dev checks` recorded it\n")
    solution = root / "solutions" / f"{MODULE}.py"
    solution.write_text(SOLUTION.replace("return x.grad.clone()", "return 3 * x.grad"), encoding="utf-8")
    stub = root / "katas" / f"{MODULE}.py"
    stub.write_text(SOLUTION, encoding="utf-8")  # the stub answered, as a learner would
    (root / "tests" / "corpus" / KATA / "answer.py").write_text(RIGHT, encoding="utf-8")  # a "wrong" answer that is right

    code, out = run_dev(root, monkeypatch, capsys, "check")

    assert code == 1, out
    assert "set zh_source" in out and "kata k01" in out  # the stale translation, with the fix
    assert f"katas/{MODULE}.py is not the stub `autograd-kata dev stubs` writes" in out
    assert f"katas/test_{MODULE}.py differs from its record in katas/checks.sha256" in out
    assert f"katas/drawn/test_{MODULE}.json does not hold the inputs the checks draw now" in out
    assert f"solutions/{MODULE}.py: the reference solution of k01 does not pass test_values[cpu]; " \
           "the checks say: failing: square_grad(x) is not what it should be." in out
    assert f"test_{MODULE}.py::test_without_explicit_phase[cpu]: only 0 of its 1 explicit examples ran" in out
    assert f"katas/{MODULE}.py: an untouched stub must be reported not started; the checks say: done" in out
    assert "tests/corpus/k01/answer.py: this wrong answer is not rejected with a message; the checks say: done" in out
    assert "right answer is rejected" not in out


def test_dev_check_passes_a_sound_course_and_shows_what_it_counted(tmp_path, monkeypatch, capsys) -> None:
    code, out = run_dev(make_course(tmp_path), monkeypatch, capsys, "check")

    assert code == 0, out
    row = next(cells(line) for line in out.splitlines() if line.startswith(KATA))
    # solution, stub, wrong answers rejected, right answers accepted, explicit examples that ran
    assert row == [KATA, "done", "not started", "1/1", "1/1", "1/1"], out
    assert "Everything the course promises holds." in out


def test_dev_mutants_kills_what_the_check_catches_and_shows_each_survivor(tmp_path, monkeypatch, capsys) -> None:
    pytest.importorskip("cosmic_ray", reason="dev mutants needs the dev extra: pip install -e '.[dev]'")
    from pytest_autograd_kata.authoring.mutants.generate import mutants
    from pytest_autograd_kata.authoring.mutants.records import RECORDS_FILE

    root = make_course(tmp_path)
    course = load_course(root / "katas")
    every = mutants(course.katas[0], SOLUTION, f"solutions/{MODULE}.py")
    found = {m.operator: m for m in every}
    copy_dropped = found["autograd/DropCall_clone"]
    (root / "katas" / RECORDS_FILE).write_text(textwrap.dedent(f'''
        [[equivalent]]
        kata = "{KATA}"
        mutants = ["{copy_dropped.id}"]
        reason.en = "this tiny kata does not check that a copy is returned"
        reason.zh = "这个小练习不检查返回的是否是副本"

        [[equivalent]]
        kata = "{KATA}"
        mutants = ["square_grad:core/NumberReplacer:00000000"]
        reason.en = "a record of a mutant that no longer exists"
        reason.zh = "一个已不存在的变异体的记录"
        '''), encoding="utf-8")

    code, out = run_dev(root, monkeypatch, capsys, "mutants")

    assert code == 1, out
    header, row = (cells(line) for line in out.splitlines()[:2])
    columns = dict(zip(header[1:], map(int, row[1:])))
    assert row[0] == KATA and columns["mutants"] == len(every) == columns["killed"] + columns["survived"] + 1
    assert columns["killed"] >= 1 and columns["equivalent"] == 1
    forged = found["autograd/ForgeGradient"]
    assert f"k01: SURVIVED {forged.id}" in out
    assert "-    y.backward()\n+    x.grad = torch.autograd.grad(y, x)[0]" in out  # the survivor's diff
    assert f"SURVIVED {found['core/ReplaceBinaryOperator_Mul_Add'].id}" not in out  # (x + x): killed
    assert f"k01: 1 equivalent: this tiny kata does not check that a copy is returned\n  {copy_dropped.id}\n" in out
    assert "square_grad:core/NumberReplacer:00000000 in equivalent_mutants.toml names no mutant" in out


def test_the_command_line_loads_neither_cosmic_ray_nor_the_grader_until_dev_mutants_runs() -> None:
    code = ("import sys, pytest_autograd_kata.cli\n"
            "pytest_autograd_kata.cli.build_parser()\n"
            "print(sorted(m for m in ('cosmic_ray', 'pytest_autograd_kata.grading.pool') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def autograd_operator_examples() -> list:
    """Each example the operators document (cosmic-ray's ``Operator.examples``); none without
    the dev extra, and then the test is skipped for its empty set of parameters."""
    try:
        from pytest_autograd_kata.authoring.mutants.operators import OPERATORS
    except ImportError:
        return []
    return [pytest.param(cls, example, id=f"{cls.__name__}-{n}") for cls in OPERATORS
            for n, example in enumerate(cls.examples())]


@pytest.mark.parametrize("operator, example", autograd_operator_examples())
def test_each_autograd_operator_makes_the_change_it_documents(operator, example) -> None:
    from cosmic_ray.mutating import mutate_code

    assert mutate_code(example.pre_mutation_code, operator(), example.occurrence) == example.post_mutation_code


#: (operator, code it must leave alone): what looks like its target but is not
LEFT_ALONE = [
    ("NormSquared", "y = torch.dot(x, u)"),  # xᵀu is no norm
    ("NormSquared", "y = (x * u).sum()"),
    ("NormSquared", "y = (x * x).sum(dim=0)"),  # one sum per column
    ("Float64Intermediate", "def f(x: Tensor):\n    return x.grad\n"),  # x's gradient, not x's value
    ("Float64Intermediate", "def f(x: Tensor):\n    (g,) = torch.autograd.grad(y, x)\n"),  # what is differentiated
    ("Float64Intermediate", "def f(n: int):\n    return n * 2\n"),  # not a tensor
    ("Float64Intermediate", "def f(x: Tensor, y: Tensor):\n    return x, y * 2\n"),  # a tuple has no .float()
    ("Float64Intermediate", "def f(x: Tensor):\n    return (x * 2).item()\n"),  # nor has a number
    ("Memoize", "def f():\n    return 1\n"),  # nothing to key on
    ("Memoize", "class C:\n    def f(self, x):\n        return x\n"),  # a method, not a kata function
    ("ToDeviceAfterRequiresGrad", "x = torch.ones(3, device=d)"),  # never records gradients
    ("ToDeviceAfterRequiresGrad", "x = torch.ones(3, requires_grad=True)"),  # built where it stays
]


@pytest.mark.parametrize("name, source", LEFT_ALONE, ids=[f"{n}-{i}" for i, (n, _) in enumerate(LEFT_ALONE)])
def test_an_autograd_operator_leaves_alone_what_only_looks_like_its_target(name: str, source: str) -> None:
    pytest.importorskip("cosmic_ray", reason="dev mutants needs the dev extra: pip install -e '.[dev]'")
    from cosmic_ray.mutating import mutate_code
    from pytest_autograd_kata.authoring.mutants.operators import OPERATORS

    (operator,) = [cls for cls in OPERATORS if cls.__name__ == name]
    assert mutate_code(source, operator(), 0) is None


def test_a_mutant_keeps_its_id_when_the_solution_gains_lines_elsewhere() -> None:
    pytest.importorskip("cosmic_ray", reason="dev mutants needs the dev extra: pip install -e '.[dev]'")
    from pytest_autograd_kata.authoring.mutants.generate import mutants

    kata = Kata(KATA, MODULE, 1.0, {"en": TITLE}, {"en": ""}, {"en": ()}, "")
    before = {m.id: m.diff for m in mutants(kata, SOLUTION, "s.py")}
    longer = SOLUTION.replace("import torch\n", "import torch\n\nSCALE = 1\n\n\ndef unused() -> None:\n    pass\n")
    after = {m.id: m.diff for m in mutants(kata, longer, "s.py")}
    # every mutant of the function is still there under its id; only the new lines' mutants are new
    assert set(before) <= set(after) and all(i.startswith(("module:", "unused:")) for i in set(after) - set(before))
    assert all(before[i] != after[i] for i in before)  # the same change, at another line


@pytest.mark.parametrize("message, problem", [
    ("make_x returned RemoteTensor; return a tensor", True),
    ("agrees_with_d_over_a returned RemoteObject; return True or False", True),
    ("make_x returned Tensor; return the tuple (x, y)", False),
])
def test_dev_check_refuses_a_message_that_names_the_checks_stand_ins(message: str, problem: bool) -> None:
    kata = load_course(Path(__file__).parents[1] / "katas").katas[0]
    result = KataResult(kata.id, kata.title, 1.0, [CheckResult(kata.id, "test_x", outcomes.FAILED, message)])
    row = devcheck.KataCheck(kata)
    found = devcheck.judge("wrong", row, Verdict(Answer(kata, "", "corpus/k01/x.py"), result))
    assert bool(found) == problem
    assert not found or "RemoteTensor" in found[0] or "RemoteObject" in found[0]
