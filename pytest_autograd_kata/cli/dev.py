"""``autograd-kata dev stubs|translations``: course-author tools (see pytest_autograd_kata.dev)."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dev", help="course authors: regenerate stubs, list stale translations")
    parser.add_argument("action", choices=["stubs", "translations"])
    parser.add_argument("--course", default="katas", help="folder with course.toml (default: katas)")
    parser.add_argument("--solutions", default="solutions", help="reference solutions (default: solutions)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import dev

    return dev.main([args.action, "--course", args.course, "--solutions", args.solutions])
