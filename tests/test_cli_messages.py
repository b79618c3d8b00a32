"""What the learner reads is true for where they are, and Chinese throughout: the end of the
course, a kata not begun, Hypothesis's own lines, a syntax error, fields set in Chinese text."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

from cli_course import COURSE_KATAS, K01, cli, course, course_copy, solve  # noqa: F401  (fixtures)
from conftest import KATAS
from pytest_autograd_kata.course.i18n import t

WRONG_K01 = Path(__file__).with_name("corpus") / "k01" / "int_dtype.py"


def test_the_last_kata_done_says_the_course_is_done_not_to_go_on(cli, course) -> None:
    *others, last = COURSE_KATAS
    for kata in others:
        solve(course, kata.id)
        ran = cli("run", kata.id)
        assert ran.code == 0 and "for the next kata" in ran.out
    solve(course, last.id)
    ran = cli("run", last.id)
    assert ran.code == 0
    assert "every kata is done" in ran.out and "for the next kata" not in ran.out
    ran = cli("run")  # no current kata left
    assert ran.code == 0 and "Every kata is done" in ran.out


def test_a_kata_passed_before_others_still_points_to_the_next(cli, course) -> None:
    last = COURSE_KATAS[-1]
    solve(course, last.id)
    ran = cli("run", last.id)
    assert ran.code == 0 and "for the next kata" in ran.out  # the earlier katas are still to do


def test_encouragement_only_for_a_kata_begun(cli, course) -> None:
    ran = cli("solution", "k01")
    assert "closer than you think" not in ran.err and "not started it yet" in ran.err
    shutil.copy(WRONG_K01, course / "katas" / K01.filename)
    ran = cli("solution", "k01")
    assert "closer than you think" in ran.err


def test_hypothesis_lines_are_chinese_in_chinese(cli, course) -> None:
    shutil.copy(WRONG_K01, course / "katas" / K01.filename)
    english = cli("run", "k01").out
    assert "Falsifying example:" in english or "Failing test case:" in english
    chinese = cli("run", "k01", "--lang", "zh").out
    assert "失败的例子：" in chinese
    assert "Falsifying" not in chinese and "Failing test case" not in chinese


def test_a_syntax_error_is_told_in_chinese(cli, course) -> None:
    (course / "katas" / K01.filename).write_text("def make_x(n, device):\n    return (\n", encoding="utf-8")
    chinese = cli("run", "k01", "--lang", "zh").out
    assert "语法错误" in chinese and "SyntaxError at line" not in chinese
    assert "SyntaxError at line 2" in cli("run", "k01").out


def test_chinese_text_in_a_field_sits_without_a_space_but_code_keeps_its_own() -> None:
    said = t("storage_not_shared", "zh", name="x.grad", other="原来的 x.grad")
    assert said.startswith("x.grad 与原来的 x.grad 不共享内存")
    code = "x = 1  # 注释 文本"
    assert code in t("raised_in_learner_code", "zh", path="k01.py", line=3, code=code)
    assert t("storage_not_shared", "en", name="x.grad", other="the x.grad it held before") == \
        "x.grad does not share memory with the x.grad it held before: it is a copy, not a view of the same data."


def test_no_expected_words_repeat_the_colon_of_expected() -> None:
    """``expected: {text}`` / ``应当是：{text}``: a text that starts its own "u: …" reads as a slip
    ("应当是：u：…"); the checks phrase it as "u (…)" instead."""
    said = []
    for checks in sorted(KATAS.glob("test_*.py")):
        for node in ast.walk(ast.parse(checks.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "expected_words" and isinstance(node.value, ast.Call):
                said += [(f"{checks.name}:{node.value.lineno}", arg.value) for arg in node.value.args
                         if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    assert said  # the checks do say what they expect in words
    offenders = [f"{where}: {text!r}" for where, text in said if ":" in text or "：" in text]
    assert not offenders, "after 'expected:' these read as a second colon:\n" + "\n".join(offenders)
