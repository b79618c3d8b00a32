"""``autograd-kata grade SUBMISSION_DIR... --out OUT_DIR``: grade a class with the course's checks."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..grading.plan import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT
    from ..runner.sandbox import LEVELS

    parser = sub.add_parser(
        "grade", help="teachers: grade learners' folders; writes gradebook.csv, reports and a class summary",
        description="Grade each submission folder against the course's checks and write OUT_DIR/gradebook.csv, "
                    "OUT_DIR/submissions/<folder>/report.json and results.json (Gradescope), and a class "
                    "summary. The checks decide in trusted worker processes; the learners' code runs in "
                    "sandboxed processes of its own.")
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION_DIR",
                        help="one folder per learner, holding their kata modules, or one notebook "
                             "(.ipynb) per learner, its katas taken from its code cells")
    parser.add_argument("--out", required=True, metavar="OUT_DIR", help="where the reports go (created if missing)")
    parser.add_argument("--course", default="katas", metavar="DIR",
                        help="the folder with course.toml and the checks (default: katas)")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per CPU)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"seconds the learner's code may run for one kata, all its checks together "
                             f"(default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MIB, metavar="MIB",
                        help=f"memory the learner's code may add, in MiB; 0 for no cap (default: {DEFAULT_MEMORY_MIB})")
    parser.add_argument("--katas", metavar="IDS", help="grade only these katas, e.g. k01,k02 (default: all)")
    parser.add_argument("--sandbox", choices=LEVELS, metavar="LEVEL",
                        help="how the learners' code is shut in: namespaces, uid (root only) or process; "
                             "default: the strongest this machine allows")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade even where no sandbox can be had: the learners' code then runs as a "
                             "plain process of your user (verdicts are still decided outside it)")
    parser.add_argument("--no-reuse", action="store_true",
                        help="run every kata of every submission, even a file identical to one "
                             "already graded (by default identical files are run once)")
    parser.add_argument("--require-pass", action="store_true",
                        help="exit with status 1 unless every graded kata of every submission passed "
                             "(for CI, e.g. GitHub Classroom)")
    parser.add_argument("--shard", metavar="I/N",
                        help="grade only share I of N of the submissions (chosen by a hash of each folder's "
                             "name, whatever their order), e.g. one machine of N; combine the N output "
                             "folders with autograd-kata grade-merge")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..course import i18n
    from ..grading import class_summary, shards
    from ..grading.grade import grade
    from ..grading.plan import GradeError
    from ..grading.planning import make_plan
    from ..grading.progress import Progress

    lang = i18n.resolve_lang(args.lang)
    i18n.set_language(lang)
    try:
        plan = make_plan(args.submissions, args.out, args.course, args.jobs, args.timeout, args.memory,
                         lang, args.katas.split(",") if args.katas else None, not args.no_reuse,
                         args.sandbox, args.no_sandbox, shards.parse(args.shard) if args.shard else (1, 1))
        graded = grade(plan, Progress(len(plan.submissions)).submission_done,
                       class_summary.import_chart_library_meanwhile)
    except GradeError as err:
        print(f"autograd-kata grade: {err}", file=sys.stderr)
        return 2
    if graded.left_out:
        print(i18n.t("grade_left_out", katas=", ".join(graded.left_out), folder=plan.course.root), file=sys.stderr)
    write_outputs(graded, shards.describe(plan), plan.out, lang)
    if args.require_pass and any(k.status != "passed" for s in graded.submissions for k in s.katas):
        return 1
    return 0


def write_outputs(graded, described: dict, out: Path, lang: str) -> None:
    """Everything a graded class leaves in ``out``, and the summary on standard output: the
    same for one run over the class as for the merge of its shares."""
    from ..course import i18n
    from ..grading import class_summary, gradebook, shards

    book = gradebook.write(graded, out)
    shards.write(graded, described, out)
    summaries = class_summary.summarize(graded, lang)
    summary = out / class_summary.SUMMARY_TEXT
    summary.write_text(class_summary.table(summaries, graded), encoding="utf-8")
    print(summary.read_text(encoding="utf-8"))
    print(i18n.t("grade_wrote", gradebook=book, summary=summary, reports=out / gradebook.SUBMISSIONS))
    chart = out / class_summary.SUMMARY_CHART
    if class_summary.write_chart(summaries, chart):
        print(i18n.t("grade_chart_wrote", path=chart))
    else:
        print(i18n.t("grade_no_matplotlib"))
