"""The course data: one TOML file (``course.toml``) holds every kata's id, order, module,
points, title, statement and hints, in English and Chinese.

Read by the pytest plugin (titles and points in summaries and reports) and by the
``autograd-kata`` command. Standard library only, so loading it costs no heavy import.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COURSE_FILE = "course.toml"
LANGS = ("en", "zh")
#: The fields a kata has in each language; a test holds the two languages to the same set.
TEXT_FIELDS = ("title", "statement", "hints")


class CourseError(Exception):
    """The course file is missing or malformed; the message names the file and the fix."""


def fingerprint(english: object) -> str:
    """A short hash of English text, stored beside its translation (``zh_source``) so a
    test notices when the English changed after the Chinese was written."""
    return hashlib.sha256(repr(english).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Kata:
    id: str
    module: str
    points: float
    title: dict[str, str]
    statement: dict[str, str]
    hints: dict[str, tuple[str, ...]]
    #: fingerprint of the English fields the Chinese translation was made from
    zh_source: str

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    @property
    def checks_filename(self) -> str:
        """The file beside ``course.toml`` that holds the kata's checks."""
        return f"test_{self.module}.py"

    def text(self, field: str, lang: str):
        """``title``, ``statement`` or ``hints`` in ``lang``, falling back to English."""
        values = getattr(self, field)
        return values.get(lang) or values["en"]

    def english_fingerprint(self) -> str:
        return fingerprint([self.title["en"], self.statement["en"], list(self.hints["en"])])


@dataclass(frozen=True)
class Course:
    path: Path
    katas: tuple[Kata, ...]

    @property
    def root(self) -> Path:
        """The folder that holds ``course.toml`` (and the checks beside it)."""
        return self.path.parent

    def get(self, kata_id: str) -> Kata:
        for kata in self.katas:
            if kata.id == kata_id:
                return kata
        known = ", ".join(k.id for k in self.katas)
        raise CourseError(f"no kata {kata_id!r} in {self.path}; the course has: {known}")

    def find(self, kata_id: str) -> Kata | None:
        return next((k for k in self.katas if k.id == kata_id), None)


def _kata_from_table(table: dict, path: Path) -> Kata:
    where = f"{path}: kata {table.get('id', '?')!r}"
    try:
        text = {
            field: {lang: table[field][lang] for lang in LANGS if lang in table[field]}
            for field in TEXT_FIELDS
        }
        kata = Kata(
            id=table["id"],
            module=table["module"],
            points=float(table.get("points", 1)),
            title=text["title"],
            statement=text["statement"],
            hints={lang: tuple(h) for lang, h in text["hints"].items()},
            zh_source=table.get("zh_source", ""),
        )
    except KeyError as missing:
        raise CourseError(f"{where} lacks the key {missing}; every kata needs id, module, "
                          f"title.en, statement.en and hints.en") from None
    if "en" not in kata.title or "en" not in kata.statement or "en" not in kata.hints:
        raise CourseError(f"{where} has no English text; add title.en, statement.en, hints.en")
    if not kata.module.startswith(kata.id):
        raise CourseError(f"{where}: module {kata.module!r} must start with the id {kata.id!r}")
    return kata


@lru_cache(maxsize=None)
def load_course(path: Path) -> Course:
    """Parse ``course.toml`` (a file, or a folder that holds one)."""
    path = Path(path)
    if path.is_dir():
        path = path / COURSE_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"no course file at {path}; run from the course's folder "
                          f"or pass --course DIR") from None
    except tomllib.TOMLDecodeError as err:
        raise CourseError(f"{path} is not valid TOML: {err}") from None
    katas = tuple(_kata_from_table(t, path) for t in data.get("kata", []))
    ids = [k.id for k in katas]
    if len(set(ids)) != len(ids):
        raise CourseError(f"{path}: kata ids repeat: {ids}")
    return Course(path=path.resolve(), katas=katas)


def find_course_file(start: Path) -> Path | None:
    """``course.toml`` in ``start`` or the nearest parent folder that has one."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        candidate = folder / COURSE_FILE
        if candidate.is_file():
            return candidate
    return None
