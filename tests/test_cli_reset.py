"""`autograd-kata reset`: the pristine stub back, only after a yes, with a backup of the work."""
from __future__ import annotations

from cli_course import COURSE_KATAS, K01, cli, course, course_copy, solve  # noqa: F401  (fixtures)


def backups(course) -> list:
    folder = course / ".kata" / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_reset_asks_and_no_keeps_the_work(cli, course) -> None:
    work = solve(course, "k01").read_text(encoding="utf-8")
    ran = cli("reset", "k01", stdin="n\n")
    assert ran.code == 1 and "Replace? [y/N]" in ran.out and "Nothing was changed" in ran.out
    assert (course / "katas" / K01.filename).read_text(encoding="utf-8") == work
    assert backups(course) == []


def test_reset_with_yes_restores_the_stub_and_keeps_a_backup(cli, course) -> None:
    path = course / "katas" / K01.filename
    stub = path.read_text(encoding="utf-8")
    work = solve(course, "k01").read_text(encoding="utf-8")
    ran = cli("reset", "k01", stdin="y\n")
    assert ran.code == 0
    assert path.read_text(encoding="utf-8") == stub
    [backup] = backups(course)
    assert backup.read_text(encoding="utf-8") == work and backup.name.startswith("k01-")
    assert f".kata/backups/{backup.name}" in ran.out  # the learner is told where


def test_reset_yes_flag_does_not_ask(cli, course) -> None:
    solve(course, "k01")
    ran = cli("reset", "k01", "--yes")
    assert ran.code == 0 and "Replace?" not in ran.out and len(backups(course)) == 1


def test_reset_all_restores_changed_and_missing_katas(cli, course) -> None:
    stubs = {k.id: (course / "katas" / k.filename).read_text(encoding="utf-8") for k in COURSE_KATAS}
    solve(course, "k01")
    second = COURSE_KATAS[1]
    (course / "katas" / second.filename).unlink()
    ran = cli("reset", "--all", stdin="y\n")
    assert ran.code == 0
    assert {k.id: (course / "katas" / k.filename).read_text(encoding="utf-8") for k in COURSE_KATAS} == stubs
    assert [b.name[:3] for b in backups(course)] == ["k01"]  # nothing to back up for a missing file


def test_reset_of_an_untouched_stub_changes_nothing(cli, course) -> None:
    ran = cli("reset", "k01")
    assert ran.code == 0 and "nothing to reset" in ran.out and backups(course) == []
