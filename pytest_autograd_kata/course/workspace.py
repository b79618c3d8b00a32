"""The learner's working copy of the course: the folder that holds ``katas/course.toml``,
found by walking up from the current folder, as git finds its repository."""
from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .data import COURSE_FILE, Course, CourseError, Kata, load_course
from .stubs import stub_for
from .i18n import t

KATAS_DIR, SOLUTIONS_DIR, STATE_DIR = "katas", "solutions", ".kata"


class CliError(Exception):
    """A problem the learner can fix; the message names it and the fix. Printed without a traceback."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    course: Course

    @property
    def katas(self) -> Path:
        return self.root / KATAS_DIR

    @property
    def solutions(self) -> Path:
        return self.root / SOLUTIONS_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def kata(self, kata_id: str) -> Kata:
        found = self.course.find(kata_id.strip().lower())
        if found is None:
            raise CliError(t("cli_unknown_kata", kata=kata_id, known=", ".join(k.id for k in self.course.katas)))
        return found

    def kata_file(self, kata: Kata) -> Path:
        """The learner's file for ``kata``."""
        return self.katas / kata.filename

    def checks_file(self, kata: Kata) -> Path:
        return self.katas / kata.checks_filename

    def solution_file(self, kata: Kata) -> Path:
        return self.solutions / kata.filename

    def stub(self, kata: Kata) -> str | None:
        """The pristine stub of ``kata``, made from its reference solution (None without one)."""
        if not self.solution_file(kata).exists():
            return None
        return stub_for(kata, self.solutions)


def find(start: Path | None = None) -> Workspace:
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / KATAS_DIR / COURSE_FILE).is_file():
            try:
                return Workspace(folder, load_course(folder / KATAS_DIR))
            except CourseError as err:
                raise CliError(str(err)) from None
    raise CliError(t("cli_no_course", start=start))


#: where pytest reads ini keys, in the order it looks, with the section that holds them
PYTEST_CONFIGS = (("pytest.ini", "pytest"), ("pyproject.toml", None), ("tox.ini", "pytest"),
                  ("setup.cfg", "tool:pytest"))


def ini_language(start: Path | None = None) -> str | None:
    """The ``kata_lang`` ini key of the working copy's pytest configuration, so the command's
    default language is the one ``pytest katas`` uses there."""
    return ini_value("kata_lang", start)


def ini_value(key: str, start: Path | None = None) -> str | None:
    """The ini key ``key`` of the pytest configuration of the working copy around ``start``
    (default: the current folder), read where pytest reads it; None when unset."""
    start = Path(start or Path.cwd()).resolve()
    root = next((f for f in (start, *start.parents) if (f / KATAS_DIR / COURSE_FILE).is_file()), None)
    if root is None:
        return None
    for name, section in PYTEST_CONFIGS:
        path = root / name
        if not path.is_file():
            continue
        if section is None:
            options = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pytest", {})
            if "ini_options" in options:
                value = options["ini_options"].get(key)
                return None if value is None else str(value)
            continue
        parser = configparser.ConfigParser()
        parser.read(path, encoding="utf-8")
        if parser.has_section(section):
            return parser.get(section, key, fallback=None)
    return None
