"""``autograd-kata grade-merge OUT_DIR... --out OUT_DIR``: combine the output folders of a class
graded in shares (``grade --shard I/N`` on N machines) into the folder one run would write."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "grade-merge", help="teachers: combine the output folders of grade --shard I/N into one",
        description="Combine the output folders of a class graded in N shares (autograd-kata grade --shard I/N, "
                    "e.g. one per machine of a batch system) into OUT_DIR: the gradebook, reports and class "
                    "summary one run over every submission writes, byte for byte. Shares graded with another "
                    "course, other settings, another sandbox or other versions are refused.")
    parser.add_argument("shares", nargs="+", metavar="SHARD_OUT_DIR", help="the output folder of each share")
    parser.add_argument("--out", required=True, metavar="OUT_DIR", help="where the combined reports go")
    parser.add_argument("--course", default="katas", metavar="DIR",
                        help="the folder with course.toml and the checks the shares were graded with (default: katas)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..course import i18n
    from ..course.data import CourseError, load_course
    from ..grading import shards
    from ..grading.plan import GradeError
    from .grade import write_outputs

    lang = i18n.resolve_lang(args.lang)
    i18n.set_language(lang)
    out = Path(args.out).resolve()
    try:
        try:
            course = load_course(Path(args.course).resolve())
        except CourseError as err:
            raise GradeError(str(err)) from None
        if any(Path(folder).resolve() == out for folder in args.shares):
            raise GradeError(i18n.t("grade_merge_into_share", out=args.out))
        graded, described = shards.merge([Path(folder) for folder in args.shares], course)
    except GradeError as err:
        print(f"autograd-kata grade-merge: {err}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    graded_lang = described["settings"]["lang"]  # the reports speak the language the shares were graded in
    i18n.set_language(graded_lang)
    write_outputs(graded, described, out, graded_lang)
    return 0
