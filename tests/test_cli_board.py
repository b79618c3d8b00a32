"""`autograd-kata` (the board) and `autograd-kata list`, end to end in a copy of the course;
and pytest's own end-of-run summary, which shows the same progress view."""
from __future__ import annotations

import shutil

import pytest

from cli_course import COURSE_KATAS, K01, KATA_COUNT, cli, course, course_copy, solve  # noqa: F401  (fixtures)
from conftest import checks_file


def kata_lines(out: str) -> dict[str, str]:
    """The board's line for each kata id."""
    return {k.id: next(line for line in out.splitlines() if f" {k.id}  " in line) for k in COURSE_KATAS}


def test_board_starts_at_zero_and_shows_the_first_kata(cli) -> None:
    ran = cli()
    assert ran.code == 1
    assert f"0/{KATA_COUNT} done" in ran.out
    assert all("not started" in line for line in kata_lines(ran.out).values())
    assert f"next: k01 · {K01.title['en']} → katas/{K01.filename}" in ran.out
    assert K01.statement["en"].splitlines()[0] in ran.out
    # no hint unasked: the hints are the learner's to ask for, one level at a time
    assert "Hint 1/" not in ran.out and K01.hints["en"][0] not in ran.out
    assert "`autograd-kata hint k01`" in ran.out


def test_solving_k01_moves_the_board_to_one(cli, course) -> None:
    assert cli().code == 1
    solve(course, "k01")
    ran = cli()
    assert ran.code == 1
    assert f"1/{KATA_COUNT} done" in ran.out
    assert "done" in kata_lines(ran.out)["k01"]
    second = COURSE_KATAS[1]
    assert f"next: {second.id} · {second.title['en']} → katas/{second.filename}" in ran.out


def test_lang_zh_shows_the_chinese_board(cli) -> None:
    ran = cli("--lang", "zh")
    assert "自动求导练习" in ran.out and f"已完成 0/{KATA_COUNT}" in ran.out
    assert K01.title["zh"] in ran.out and "未开始" in ran.out
    assert K01.statement["zh"].splitlines()[0] in ran.out and "更多帮助" in ran.out
    assert "not started" not in ran.out
    assert cli("board", "--lang", "zh").out == ran.out  # the option works after the command too


@pytest.mark.parametrize("config, text", [
    ("pyproject.toml", "[tool.pytest.ini_options]\nkata_lang = \"zh\"\n"),
    ("pytest.ini", "[pytest]\nkata_lang = zh\n"),
])
def test_language_defaults_to_the_pytest_ini_key_like_pytest_katas(cli, course, monkeypatch, config, text) -> None:
    monkeypatch.delenv("KATA_LANG")
    (course / config).write_text(text, encoding="utf-8")
    assert "自动求导练习" in cli().out
    monkeypatch.setenv("KATA_LANG", "en")  # the ini key comes before the environment, as in pytest
    assert "自动求导练习" in cli().out
    assert "autograd katas" in cli("--lang", "en").out


def test_everything_solved_exits_zero(cli, course) -> None:
    for kata in COURSE_KATAS:
        solve(course, kata.id)
    ran = cli()
    assert ran.code == 0, ran.out
    assert f"{KATA_COUNT}/{KATA_COUNT} done" in ran.out
    assert "Every kata is done" in ran.out and "next:" not in ran.out


def test_list_shows_each_kata_and_its_status_when_known(cli, course) -> None:
    (course / "katas" / COURSE_KATAS[1].filename).write_text("def unfinished(): ...\n", encoding="utf-8")
    ran = cli("list")
    assert ran.code == 0
    lines = kata_lines(ran.out)
    assert K01.title["en"] in lines["k01"] and "not started" in lines["k01"]
    assert "not checked yet" in lines[COURSE_KATAS[1].id]  # changed since any check: unknown
    assert "autograd katas" not in ran.out  # list runs nothing


def test_outside_a_course_the_error_names_the_fix(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    ran = cli()
    assert ran.code == 2
    assert "katas/course.toml" in ran.err and "copy of the course" in ran.err


def test_an_unknown_kata_is_named_with_the_known_ones(cli) -> None:
    ran = cli("hint", "k99")
    assert ran.code == 2
    assert '"k99"' in ran.err and "k01, k02" in ran.err


def test_pytest_summary_shows_the_progress_view(pytester: pytest.Pytester, course) -> None:
    target = course / "katas"
    result = pytester.runpytest_inprocess(str(checks_file("k01")), f"--kata-target={target}",
                                          "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "autograd katas  [░░░░" in out and "0/1 done" in out
    assert f"next: k01 · {K01.title['en']} → " in out and out.count(K01.filename) >= 1
    shutil.copy(course / "solutions" / K01.filename, target / K01.filename)
    out = pytester.runpytest_inprocess(str(checks_file("k01")), f"--kata-target={target}",
                                       "-p", "no:cacheprovider").stdout.str()
    assert "[████████████████████████]  1/1 done" in out and "next:" not in out
