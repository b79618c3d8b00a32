"""Fixtures for the `autograd-kata` tests: a throwaway copy of the course to work in, and the
command run as a learner runs it. Imported by the tests/test_cli_*.py modules."""
from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata import i18n
from pytest_autograd_kata.cli import main

KATA_COUNT = len(COURSE.katas)
K01 = COURSE.get("k01")
COPY_IGNORE = shutil.ignore_patterns("__pycache__", ".hypothesis")


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's copy of the course (stubs, checks, solutions), as the working folder."""
    root = tmp_path / "course"
    shutil.copytree(KATAS, root / "katas", ignore=COPY_IGNORE)
    shutil.copytree(SOLUTIONS, root / "solutions", ignore=COPY_IGNORE)
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
    kata = COURSE.get(kata_id)
    return Path(shutil.copy(SOLUTIONS / kata.filename, root / "katas" / kata.filename))
