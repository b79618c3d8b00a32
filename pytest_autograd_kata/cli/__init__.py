"""The ``autograd-kata`` command. Each subcommand lives in its own module of this package,
listed in :data:`COMMANDS`, and exposes ``add_parser(subparsers)`` (which sets
``func=run`` on its parser) and ``run(args) -> int``.

Like the plugin, this module imports no torch: each subcommand imports what it needs.

The top room: it may use every other room (the learner's commands the trusted side and the
course, ``grade`` the grader, ``dev`` the authoring tools, ``notebook`` the notebook room), and
none of them uses it.
"""
from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

#: subcommand modules, in the order ``--help`` lists them
COMMANDS = ("board", "run", "hint", "watch", "reset", "solution", "list", "notebook", "dev", "grade",
            "grade-merge", "gradescope-bundle")
#: what plain ``autograd-kata`` does
DEFAULT_COMMAND = "board"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-kata",
        description="Learn PyTorch autograd one kata at a time; grade a class with the same checks.")
    parser.add_argument("--lang", choices=("en", "zh"),
                        help="language (default: the pytest ini key kata_lang, then KATA_LANG, then the locale, then en)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"{__name__}.{name.replace('-', '_')}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), DEFAULT_COMMAND])
    from ..course.data import CourseError
    from ..course.i18n import LanguageError, resolve_lang, set_language
    from ..course.workspace import CliError, ini_language

    try:
        args.lang = resolve_lang(args.lang, ini_language())
        set_language(args.lang)
        return args.func(args)
    except (CliError, CourseError, LanguageError) as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C while the checks run: the learner knows why it stopped
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `autograd-kata | head`: the reader left; say nothing more (the Python docs' recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
