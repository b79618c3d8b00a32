"""Course-author tools (``autograd-kata dev ...``): write the stubs from the solutions, and
list translations whose English changed since they were made."""
from __future__ import annotations

from pathlib import Path

from ..course.data import Course, fingerprint
from ..course.i18n import catalog
from ..course.stubs import stub_for


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
