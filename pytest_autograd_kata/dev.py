"""Course-author tools (``autograd-kata dev ...``): write the stubs from the solutions, and
list translations whose English changed since they were made."""
from __future__ import annotations

from pathlib import Path

from .course import Course, Kata, fingerprint
from .i18n import catalog
from .stubgen import make_stub


def stub_for(kata: Kata, solutions: Path) -> str:
    return make_stub(kata, (solutions / kata.filename).read_text(encoding="utf-8"))


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


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .course import load_course

    parser = argparse.ArgumentParser(prog="python -m pytest_autograd_kata.dev")
    parser.add_argument("command", choices=["stubs", "translations"])
    parser.add_argument("--course", default="katas", help="folder with course.toml (default: katas)")
    parser.add_argument("--solutions", default="solutions")
    args = parser.parse_args(argv)
    course = load_course(Path(args.course))
    if args.command == "stubs":
        for path in write_stubs(course, Path(args.solutions), course.root):
            print(f"wrote {path}")
        return 0
    stale = stale_translations(course)
    print("\n".join(stale) or "every translation is up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
