"""Fixtures for the `autograd-kata` tests: a learner's copy of a course to work in, and the
command run as a learner runs it. Imported by the tests/test_cli_*.py modules.

The course is the real one cut down to its first katas (:data:`CLI_KATAS`: the command line is
the same for three katas as for twelve, and each kata's own checks are tested elsewhere). One
copy serves every test: before each test every file is put back as copied and the learner's
state is cleared, so the tests stay independent while the course's check service stays warm
from one test to the next, as it does for a learner.
"""
from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import COURSE as FULL_COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.course import i18n
from pytest_autograd_kata.course.checksums import RECORD_FILE
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.trusted.service import stop
from pytest_autograd_kata.course.workspace import find
from pytest_autograd_kata.course.data import load_course

#: the katas of the course the command-line tests work in
CLI_KATAS = ("k01", "k02", "k03")
#: the course's katas, as the tests read it
COURSE_KATAS = tuple(FULL_COURSE.get(kata_id) for kata_id in CLI_KATAS)
KATA_COUNT = len(COURSE_KATAS)
K01 = FULL_COURSE.get("k01")
#: the course's service's own files: a test leaves them, so the service stays warm
SERVICE_FOLDER = Path(".kata", "service")


def cut_course(source: Path, target: Path, kata_ids: tuple[str, ...]) -> None:
    """Copy the course in ``source`` (katas/ and solutions/ beside it) to ``target``, keeping
    only the katas ``kata_ids``: their tables in course.toml, their stubs, checks and solutions."""
    text = (source / "course.toml").read_text(encoding="utf-8")
    header, *tables = re.split(r"(?m)^(?=\[\[kata\]\]$)", text)
    kept = [table for table in tables if re.search(r'(?m)^id = "(k\d+)"$', table).group(1) in kata_ids]
    (target / "katas").mkdir(parents=True)
    (target / "solutions").mkdir()
    (target / "katas" / "course.toml").write_text(header + "".join(kept), encoding="utf-8")
    course = load_course(target / "katas")
    for kata in course.katas:
        shutil.copy(source / kata.filename, target / "katas")
        shutil.copy(source / kata.checks_filename, target / "katas")
        shutil.copy(SOLUTIONS / kata.filename, target / "solutions")
    record = (source / RECORD_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    names = {k.checks_filename for k in course.katas}
    (target / "katas" / RECORD_FILE).write_text(
        "".join(line for line in record if line.startswith("#") or line.split()[-1] in names), encoding="utf-8")


@dataclass
class Ran:
    code: int
    out: str
    err: str


_copies: dict[str, tuple[Path, dict[Path, bytes]]] = {}


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory: pytest.TempPathFactory):
    """The course as a learner got it, and every file of it as it was then: one for the whole
    run (each test module that imports this fixture has its own definition of it)."""
    if "course" not in _copies:
        root = tmp_path_factory.mktemp("course")
        cut_course(KATAS, root, CLI_KATAS)
        _copies["course"] = root, {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    yield _copies["course"]
    stop(find(_copies["course"][0]))


def restore(root: Path, original: dict[Path, bytes]) -> None:
    """Every file of the copy back as it was, and nothing else (but the service's own files)."""
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and relative not in original and SERVICE_FOLDER not in relative.parents:
            path.unlink()
    for path in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):  # inner folders first
        relative = path.relative_to(root)
        if not any(path.iterdir()) and relative != SERVICE_FOLDER and relative not in SERVICE_FOLDER.parents:
            path.rmdir()
    for relative, data in original.items():
        path = root / relative
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


@pytest.fixture
def course(course_copy, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's copy of the course (stubs, checks, solutions), as the working folder."""
    root, original = course_copy
    restore(root, original)
    monkeypatch.chdir(root)
    monkeypatch.setenv("KATA_LANG", "en")
    return root


@pytest.fixture
def cli(course: Path, capfd: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    """Run ``autograd-kata ARGS`` in the course copy, with ``stdin`` as its standard input."""
    language = i18n.current_language()

    def run(*args: str, stdin: str = "") -> Ran:
        capfd.readouterr()
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capfd.readouterr()
        return Ran(code, out, err)

    yield run
    i18n.set_language(language)  # the command sets the process's language


def solve(root: Path, kata_id: str) -> Path:
    """Put the reference solution in the learner's file, as a learner who solved it would."""
    kata = FULL_COURSE.get(kata_id)
    return Path(shutil.copy(SOLUTIONS / kata.filename, root / "katas" / kata.filename))
