"""``autograd-kata gradescope-bundle OUT.zip``: the autograder zip a teacher uploads to Gradescope."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("gradescope-bundle", help="teachers: write the Gradescope autograder zip",
                            description="Write the zip to upload as a Gradescope programming "
                                        "assignment's autograder: setup.sh, run_autograder, the checks.")
    parser.add_argument("zip", metavar="OUT.zip", help="the zip file to write")
    parser.add_argument("--course", default="katas", metavar="DIR",
                        help="the folder with course.toml and the checks (default: katas)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..course import i18n
    from ..course.data import CourseError, load_course
    from ..grading.bundle import write_bundle
    from ..grading.plan import GradeError

    i18n.set_language(i18n.resolve_lang(args.lang))
    try:
        path = write_bundle(load_course(Path(args.course).resolve()), Path(args.zip))
    except (CourseError, GradeError) as err:
        print(f"autograd-kata gradescope-bundle: {err}", file=sys.stderr)
        return 2
    print(i18n.t("bundle_wrote", path=path))
    return 0
