"""Course-author tools (``autograd-kata dev ...``): write the stubs from the solutions, and
list translations whose English changed since they were made."""
from __future__ import annotations

from pathlib import Path

from .course import Course, CourseError, Kata, fingerprint
from .i18n import catalog
from .stubgen import make_stub


def stub_for(kata: Kata, solutions: Path) -> str:
    """The pristine stub of ``kata``, made from its reference solution in ``solutions``."""
    path = solutions / kata.filename
    try:
        return make_stub(kata, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} is missing: every kata in course.toml needs its reference "
                          f"solution there to make its stub from") from None


def write_stubs(course: Course, solutions: Path, katas: Path) -> list[Path]:
    """Write every kata's stub into ``katas``; returns the files that changed."""
    changed = []
    for kata in course.katas:
        path = katas / kata.filename
        text = stub_for(kata, solutions)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_translations(course: Course) -> list[str]:
    """One line per translation whose ``zh_source`` no longer matches its English."""
    stale = [f"{course.path}: kata {k.id}: set zh_source = \"{k.english_fingerprint()}\" "
             f"once the Chinese matches the English" for k in course.katas
             if k.zh_source != k.english_fingerprint()]
    stale += [f"messages.toml: [{key}]: set zh_source = \"{fingerprint(entry['en'])}\" "
              f"once the Chinese matches the English"
              for key, entry in catalog().items() if entry.get("zh_source") != fingerprint(entry["en"])]
    return stale
