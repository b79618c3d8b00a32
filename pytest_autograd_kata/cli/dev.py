"""``autograd-kata dev stubs|checks|translations``: course-author tools (see pytest_autograd_kata.dev
and pytest_autograd_kata.checksums)."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dev", help="course authors: regenerate stubs, record the checks, list stale translations")
    parser.add_argument("action", choices=["stubs", "checks", "translations"],
                        help="stubs: write katas/ from solutions/ and course.toml; "
                             "checks: record each check file's checksum in katas/checks.sha256 (after changing checks); "
                             "translations: list Chinese texts whose English changed since")
    parser.add_argument("--course", default="katas", help="folder with course.toml (default: katas)")
    parser.add_argument("--solutions", default="solutions", help="reference solutions (default: solutions)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import dev
    from ..course import load_course

    course = load_course(Path(args.course))
    if args.action == "stubs":
        for path in dev.write_stubs(course, Path(args.solutions), course.root):
            print(f"wrote {path}")
        return 0
    if args.action == "checks":
        from ..checksums import write_record

        print(f"wrote {write_record(course)}")
        return 0
    stale = dev.stale_translations(course)
    print("\n".join(stale) or "every translation is up to date")
    return 1 if stale else 0
