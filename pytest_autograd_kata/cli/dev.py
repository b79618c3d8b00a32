"""``autograd-kata dev stubs|checks|translations|check|mutants``: course-author tools (see
pytest_autograd_kata.authoring.dev, pytest_autograd_kata.course.checksums, pytest_autograd_kata.authoring.devcheck and
pytest_autograd_kata.authoring.mutants)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ACTIONS = {
    "stubs": "write katas/ from solutions/ and course.toml",
    "checks": "record each check file's checksum in katas/checks.sha256 and the inputs its checks draw for "
              "grading in katas/drawn/ (after changing checks)",
    "translations": "list Chinese texts whose English changed since",
    "check": "check everything the course promises: solutions pass on every device present, stubs are "
             "not started, translations and check records are current, every @example runs, the "
             "wrong answers are rejected and the right ones accepted",
    "mutants": "mutation testing of the checks: mutate the reference solutions and run the checks on "
               "every mutant; every mutant that is not equivalent must be killed",
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("dev", help="course authors: regenerate stubs, record the checks, check the course, "
                                        "mutation-test the checks")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default="katas", help="folder with course.toml and the checks (default: katas)")
    common.add_argument("--solutions", default="solutions", help="reference solutions (default: solutions)")
    for name, help_text in ACTIONS.items():
        action = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        action.set_defaults(func=run)
        if name in ("check", "mutants"):
            action.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per CPU)")
        if name == "check":
            action.add_argument("--wrong", default="tests/corpus", metavar="DIR",
                                help="wrong answers, one folder per kata: DIR/k01/*.py (default: tests/corpus)")
            action.add_argument("--right", default="tests/right", metavar="DIR",
                                help="right answers in other styles, one folder per kata (default: tests/right)")
        if name == "mutants":
            from ..authoring.mutants import DEFAULT_TIMEOUT  # not .run: it loads cosmic-ray and the grader

            action.add_argument("katas", nargs="*", metavar="KATA", help="kata ids (default: every kata)")
            action.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                                help=f"seconds a mutant's code may run for its whole kata (default: {DEFAULT_TIMEOUT:g})")


def run(args: argparse.Namespace) -> int:
    from ..authoring import dev
    from ..course.data import load_course

    # resolved: the course is cached by path, and a relative one means another course elsewhere
    course = load_course(Path(args.course).resolve())
    if args.action == "stubs":
        for path in dev.write_stubs(course, Path(args.solutions), course.root):
            print(f"wrote {path}")
        return 0
    if args.action == "checks":
        return record_checks(args, course)
    if args.action == "translations":
        stale = dev.stale_translations(course)
        print("\n".join(stale) or "every translation is up to date")
        return 1 if stale else 0
    from ..grading.plan import GradeError

    try:
        return check(args, course) if args.action == "check" else mutate(args, course)
    except GradeError as err:  # the checks could not be collected: the workers could not start
        print(f"autograd-kata dev {args.action}: {err}", file=sys.stderr)
        return 2


def record_checks(args: argparse.Namespace, course) -> int:
    from ..authoring.devcheck import draw
    from ..course.checksums import write_record
    from ..plugin.drawn import path_for

    print(f"wrote {write_record(course)}")
    katas = [k for k in course.katas if (course.root / k.checks_filename).is_file()]
    for kata in katas:  # a check file whose checks no longer keep inputs keeps no file
        path_for(course.root / kata.checks_filename).unlink(missing_ok=True)
    folder = path_for(course.root / "checks.py").parent
    done = draw(course, katas, Path(args.solutions), folder)
    for kata in katas:
        if path_for(course.root / kata.checks_filename).is_file():
            print(f"wrote {path_for(course.root / kata.checks_filename)}")
    if done.returncode != 0:  # a failing check keeps no inputs: the grader draws for it
        print(f"autograd-kata dev checks: the reference solutions do not pass every check (run `autograd-kata "
              f"dev check`); no inputs kept for a check that failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}",
              file=sys.stderr)
        return 1
    return 0


def check(args: argparse.Namespace, course) -> int:
    from ..authoring import devcheck

    result = devcheck.check(course, Path(args.solutions), Path(args.wrong), Path(args.right), args.jobs)
    print(devcheck.report(result), end="")
    return 0 if result.ok else 1


def mutate(args: argparse.Namespace, course) -> int:
    from ..authoring.mutants import run as mutation

    katas = [course.get(kata_id) for kata_id in args.katas] if args.katas else list(course.katas)
    result = mutation.run(course, Path(args.solutions), katas, args.jobs, args.timeout)
    print(mutation.report(result), end="")
    return 0 if result.ok else 1
