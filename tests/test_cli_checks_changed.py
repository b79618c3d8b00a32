"""A kata whose checks were edited or deleted never counts as done: the board, `run`, `list` and
`pytest katas` say so and how to get the checks back (`autograd-kata reset --checks KATA`),
which restores them from the course's git history."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_course import K01, KATA_COUNT, cli, course, course_copy, cut_course  # noqa: F401  (fixtures)
from conftest import COURSE, KATAS
from pytest_autograd_kata.course import checksums
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.course.data import load_course

WRONG_K01 = Path(__file__).with_name("corpus") / "k01" / "int_dtype.py"
CHANGED = f"the checks for k01 (katas/{K01.checks_filename}) were changed — this result does not count; " \
          "`autograd-kata reset --checks k01` restores them."
MISSING = f"the checks for k01 (katas/{K01.checks_filename}) are missing"


def gut_checks(root: Path) -> None:
    """Edit every check of k01 to return at once, as a learner might to see the kata pass."""
    path = root / "katas" / K01.checks_filename
    text, count = re.subn(r"(?m)^(def test_\w+\(.*\):\n)", r"\1    return\n", path.read_text(encoding="utf-8"))
    assert count
    path.write_text(text, encoding="utf-8")


def test_the_record_matches_the_course_checks() -> None:
    changed = [k.id for k in COURSE.katas if checksums.state(COURSE, k) != checksums.INTACT]
    assert not changed, f"katas/{checksums.RECORD_FILE} is out of date for {changed}: " \
                        f"run `autograd-kata dev checks` after changing checks"


def test_a_digest_ignores_windows_line_ends() -> None:
    text = (KATAS / K01.checks_filename).read_bytes()
    assert checksums.digest(text.replace(b"\n", b"\r\n")) == checksums.digest(text)
    assert checksums.digest(text + b"\n") != checksums.digest(text)


def test_edited_checks_do_not_count_in_run_board_and_list(cli, course) -> None:
    shutil.copy(WRONG_K01, course / "katas" / K01.filename)
    gut_checks(course)
    ran = cli("run", "k01")
    assert ran.code == 1 and CHANGED in ran.out
    assert "error" in ran.out.splitlines()[0] and "k01 passes" not in ran.out
    ran = cli()
    assert f"0/{KATA_COUNT} done" in ran.out and CHANGED in ran.out
    assert "error" in next(line for line in cli("list").out.splitlines() if "k01" in line)
    ran = cli("solution", "k01")
    assert ran.code == 1 and (course / "solutions" / K01.filename).read_text(encoding="utf-8") not in ran.out


def test_a_deleted_check_file_is_named_with_the_way_back(cli, course) -> None:
    (course / "katas" / K01.checks_filename).unlink()
    ran = cli("run", "k01")
    assert ran.code == 1 and MISSING in ran.out and "reset --checks k01" in ran.out
    assert MISSING in cli().out


def test_pytest_katas_says_so_too(pytester: pytest.Pytester, course) -> None:
    shutil.copy(WRONG_K01, course / "katas" / K01.filename)
    gut_checks(course)
    (course / "katas" / COURSE.get("k02").checks_filename).unlink()
    result = pytester.runpytest_inprocess(str(course / "katas" / K01.checks_filename),
                                          f"--kata-target={course / 'katas'}", "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "0/1 done" in out  # the gutted checks passed, and still the kata is not done
    assert "changed — this result does not count" in out and "reset --checks k01" in out
    assert "the checks for k02" in out and "are missing" in out


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's clone of the course: a git repository with the course committed."""
    root = tmp_path / "clone"
    cut_course(KATAS, root, ("k01",))
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=learner", "-c", "user.email=l@example.org", "commit", "-qm", "course"]):
        subprocess.run(["git", "-C", str(root), *command], check=True, capture_output=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("KATA_LANG", "en")
    return root


def commit(root: Path, message: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=learner", "-c", "user.email=l@example.org",
                    "commit", "-qam", message], check=True, capture_output=True)


def test_reset_checks_restores_them_from_git_even_after_a_commit_of_the_edit(clone, capfd) -> None:
    path = clone / "katas" / K01.checks_filename
    shipped = path.read_bytes()
    gut_checks(clone)
    edited = path.read_bytes()
    commit(clone, "my changes")  # the last commit no longer has the course's checks
    assert main(["reset", "--checks", "k01"]) == 0
    out = capfd.readouterr().out
    assert path.read_bytes() == shipped and "Restored katas/" in out
    [kept] = (clone / ".kata" / "backups").iterdir()
    assert kept.read_bytes() == edited and kept.name in out
    assert checksums.state(load_course(clone / "katas"), K01) == checksums.INTACT
    assert main(["reset", "--checks", "k01"]) == 0 and "nothing to restore" in capfd.readouterr().out


def test_reset_checks_restores_a_deleted_file(clone, capfd) -> None:
    path = clone / "katas" / K01.checks_filename
    shipped = path.read_bytes()
    path.unlink()
    assert main(["reset", "--checks", "k01"]) == 0
    assert path.read_bytes() == shipped and not (clone / ".kata" / "backups").exists()


def test_reset_checks_without_git_says_where_to_get_them(clone, capfd) -> None:
    shutil.rmtree(clone / ".git")
    gut_checks(clone)
    assert main(["reset", "--checks", "k01"]) == 2
    err = capfd.readouterr().err
    assert "not a git clone" in err and "Download it again from the course's repository" in err
