"""``autograd-kata dev check``: everything a course promises, checked in one command.

For the course in ``--course`` (default ``katas``) with its reference solutions and its corpora
of answers, one folder per kata (``tests/corpus/kNN/*.py``: wrong answers the checks must
reject; ``tests/right/kNN/*.py``: right answers in other styles they must accept):

1. at once, from the files: every translation is fresh (:func:`.dev.stale_translations`),
   every stub is what ``dev stubs`` writes from its solution, every kata has its checks and
   they are the ones ``katas/checks.sha256`` records, and every Hypothesis profile of the
   toolkit runs explicit examples;
2. the reference solutions, in one pytest session on every device present, under the grading
   profile, with :mod:`.examples_seen` counting each check's ``@example`` inputs and those
   Hypothesis reports it ran: every solution passes and every explicit example ran;
3. every stub, wrong answer and right answer, as the grader checks a submission
   (:mod:`.answers`): each stub is *not started*, each wrong answer is rejected with a message,
   each right answer passes.

Every problem is a line that names the file and what to do; any problem makes the exit status 1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..course import checksums, outcomes
from . import dev
from .answers import Answer, AnswerChecker, Verdict
from ..course.columns import table
from ..course.data import Course, CourseError, Kata
from ..course.i18n import t
from ..course.paths import display_path
from ..course.summary import status_word

#: the Hypothesis profile every verdict here is given under: the grader's, derandomized
PROFILE = "kata-grade"
#: environment variables that would change what the solutions' session does
DROPPED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
#: how much of the solutions' session's output a problem shows when it gave no report
OUTPUT_TAIL = 3000


@dataclass
class KataCheck:
    """One kata's line of the table."""
    kata: Kata
    #: the reference solution's status in the session on every device ("" when it did not run)
    solution: str = ""
    #: the untouched stub's status as the grader checks it
    stub: str = ""
    #: (rejected, total) wrong answers, (accepted, total) right answers
    wrong: tuple[int, int] = (0, 0)
    right: tuple[int, int] = (0, 0)
    #: (ran, total) explicit examples of its checks, over every device
    examples: tuple[int, int] = (0, 0)


@dataclass
class CourseCheck:
    course: Course
    katas: list[KataCheck]
    problems: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    sandbox: str = ""
    answers: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def check(course: Course, solutions: Path, wrong: Path, right: Path, jobs: int | None = None) -> CourseCheck:
    start = time.monotonic()
    result = CourseCheck(course, [KataCheck(k) for k in course.katas])
    result.problems += static_problems(course, solutions)
    checked = [row for row in result.katas if (course.root / row.kata.checks_filename).is_file()]
    if checked:
        run_solutions(result, [row.kata for row in checked], solutions)
        stale_drawn(result, [row.kata for row in checked], solutions)
        run_answers(result, checked, solutions, wrong, right, jobs)
    result.seconds = time.monotonic() - start
    return result


def static_problems(course: Course, solutions: Path) -> list[str]:
    """What the files alone show: stale translations, stubs, check records, profiles."""
    from hypothesis import Phase, settings

    from ..plugin.profiles import CI, GRADE, LEARN

    problems = list(dev.stale_translations(course))
    record = checksums.recorded(course)
    record_file = display_path(checksums.record_path(course))
    for kata in course.katas:
        checks = course.root / kata.checks_filename
        if not checks.is_file():
            problems.append(t("dev_check_no_checks", kata=kata.id, path=display_path(checks)))
        elif kata.checks_filename not in record:
            problems.append(t("dev_check_not_recorded", path=display_path(checks), record=record_file))
        elif checksums.state(course, kata, record) != checksums.INTACT:
            problems.append(t("dev_check_record_differs", path=display_path(checks), record=record_file))
        stub = course.root / kata.filename
        try:
            pristine = dev.stub_for(kata, solutions)
        except CourseError:
            problems.append(t("dev_check_no_solution", kata=kata.id, path=display_path(solutions / kata.filename)))
            continue
        if not stub.is_file() or stub.read_text(encoding="utf-8") != pristine:
            problems.append(t("dev_check_stub_differs", path=display_path(stub),
                              solution=display_path(solutions / kata.filename)))
    problems += [t("dev_check_profile_skips_examples", profile=name) for name in (LEARN, CI, GRADE)
                 if Phase.explicit not in settings.get_profile(name).phases]
    return problems


def present_devices() -> list[str]:
    """The devices ``--kata-devices auto`` checks on here."""
    from ..plugin.devices import AUTO, resolve

    return [device.name for device in resolve(AUTO)]


def solutions_session(course: Course, katas: list[Kata], solutions: Path, devices: list[str], folder: str,
                      options: list[str]) -> subprocess.CompletedProcess:
    """The reference solutions of ``katas`` in one pytest session on ``devices``, under the
    grading profile, with ``options`` (the plugins it loads and their files), run in ``folder``."""
    from ..runner.client import code_paths

    ini = course.root / "pytest.ini"
    command = [sys.executable, "-m", "pytest", *(str(course.root / k.checks_filename) for k in katas),
               "--rootdir", str(course.root), "--confcutdir", str(course.root),
               "-c", str(ini if ini.is_file() else os.devnull), "-p", "no:cacheprovider",
               "-p", "pytest_autograd_kata.plugin", "-p", "_hypothesis_pytestplugin", *options,
               "--hypothesis-profile", PROFILE, "--kata-target", str(solutions.resolve()),
               "--kata-devices", ",".join(devices), "--kata-lang", "en", "-q"]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("KATA_") and name not in DROPPED_ENV}
    env["PYTHONPATH"] = os.pathsep.join([*code_paths(), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the plugins above, by name: this package's copy
    # In a folder of its own: Hypothesis keeps its files in the working folder.
    return subprocess.run(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)


def run_solutions(result: CourseCheck, katas: list[Kata], solutions: Path) -> None:
    """The reference solutions in one pytest session on every device present, counting the
    explicit examples that ran; fills in each kata's solution status and examples."""
    course = result.course
    result.devices = present_devices()
    print(t("dev_check_step_solutions", count=len(katas), devices=", ".join(result.devices)), file=sys.stderr, flush=True)
    rows = {row.kata.id: row for row in result.katas}
    with tempfile.TemporaryDirectory(prefix="autograd-kata-dev-check-") as folder:
        report, examples = Path(folder, "report.json"), Path(folder, "examples.json")
        done = solutions_session(course, katas, solutions, result.devices, folder, [
            "-p", "pytest_autograd_kata.authoring.examples_seen", "--kata-report", str(report),
            "--kata-examples-report", str(examples)])
        if not report.is_file():
            result.problems.append(t("dev_check_session_failed", code=done.returncode,
                                     output=(done.stdout + done.stderr)[-OUTPUT_TAIL:].strip()))
            return
        for kata in json.loads(report.read_text(encoding="utf-8"))["katas"]:
            found = outcomes.KataResult.from_json(kata)
            row = rows[found.id]
            row.solution = found.status
            if found.status != outcomes.PASSED:
                failing = next((c.name for c in found.checks if c.status != outcomes.PASSED), found.id)
                path = display_path(solutions / row.kata.filename)
                result.problems.append(t("dev_check_solution_fails", path=path, kata=found.id, check=failing,
                                         said=Verdict(Answer(row.kata, "", path), found).said()))
        counted = json.loads(examples.read_text(encoding="utf-8"))
    by_file = {k.checks_filename: rows[k.id] for k in katas}
    for node, counts in sorted(counted.items()):
        row = by_file[Path(node.split("::")[0]).name]
        ran = counts["ran"] + counts["gave_up"]
        row.examples = (row.examples[0] + ran, row.examples[1] + counts["explicit"])
        if ran < counts["explicit"]:
            result.problems.append(t("dev_check_examples_not_run", check=node, ran=ran, explicit=counts["explicit"]))


def draw(course: Course, katas: list[Kata], solutions: Path, out: Path) -> subprocess.CompletedProcess:
    """The inputs the grading profile's engine draws for every check of ``katas`` that passes,
    written into ``out`` as :mod:`..plugin.drawn` files (see :mod:`.drawn_kept`)."""
    with tempfile.TemporaryDirectory(prefix="autograd-kata-draw-") as folder:
        return solutions_session(course, katas, solutions, present_devices(), folder, [
            "-p", "pytest_autograd_kata.authoring.drawn_kept", "--kata-drawn-out", str(out.resolve())])


def stale_drawn(result: CourseCheck, katas: list[Kata], solutions: Path) -> None:
    """A problem for each check file whose kept inputs (``drawn/``) are not what its checks draw now."""
    from ..plugin import drawn

    with tempfile.TemporaryDirectory(prefix="autograd-kata-drawn-") as folder:
        done = draw(result.course, katas, solutions, Path(folder))
        if done.returncode not in (0, 1):  # 1: a solution fails, which run_solutions reports
            result.problems.append(t("dev_check_session_failed", code=done.returncode,
                                     output=(done.stdout + done.stderr)[-OUTPUT_TAIL:].strip()))
            return
        for kata in katas:
            check_file = result.course.root / kata.checks_filename
            fresh = Path(folder, f"{check_file.stem}.json")
            kept = drawn.path_for(check_file)
            now = fresh.read_text(encoding="utf-8") if fresh.is_file() else None
            if now != (kept.read_text(encoding="utf-8") if kept.is_file() else None):
                result.problems.append(t("dev_check_drawn_stale", path=display_path(kept)))


def corpus(folder: Path, kata: Kata) -> list[Path]:
    return sorted((folder / kata.id).glob("*.py"))


def run_answers(result: CourseCheck, rows: list[KataCheck], solutions: Path, wrong: Path, right: Path,
                jobs: int | None) -> None:
    """Every stub, wrong and right answer of ``rows``' katas, as the grader checks a submission."""
    course = result.course
    answers: list[tuple[str, KataCheck, Answer]] = []
    for row in rows:
        stub = course.root / row.kata.filename
        if stub.is_file():
            answers.append(("stub", row, Answer(row.kata, stub.read_text(encoding="utf-8"), display_path(stub))))
        wrong_answers = corpus(wrong, row.kata)
        if not wrong_answers:
            result.problems.append(t("dev_check_no_wrong_answers", kata=row.kata.id,
                                     folder=display_path(wrong / row.kata.id)))
        answers += [(kind, row, Answer(row.kata, path.read_text(encoding="utf-8"), display_path(path)))
                    for kind, paths in (("wrong", wrong_answers), ("right", corpus(right, row.kata)))
                    for path in paths]
    print(t("dev_check_step_answers", count=len(answers)), file=sys.stderr, flush=True)
    with AnswerChecker(course, solutions, [row.kata for row in rows], jobs) as checker:
        result.sandbox = checker.sandbox
        verdicts = checker.check([answer for _, _, answer in answers])
    result.answers = len(answers)
    for (kind, row, answer), verdict in zip(answers, verdicts):
        result.problems += judge(kind, row, verdict)


def judge(kind: str, row: KataCheck, verdict: Verdict) -> list[str]:
    """Count ``verdict`` in ``row``; the problem it shows, if any."""
    label, said = verdict.answer.label, verdict.said()
    if verdict.result is None:
        return [t("dev_check_undecided", path=label, said=said)]
    stand_ins = verdict.stand_ins()
    if stand_ins:
        return [t("dev_check_stand_in", path=label, names=", ".join(stand_ins), said=said)]
    if kind == "stub":
        row.stub = verdict.status
        return [] if verdict.status == outcomes.NOT_STARTED else [t("dev_check_stub_started", path=label, said=said)]
    if kind == "wrong":
        row.wrong = (row.wrong[0] + verdict.rejected, row.wrong[1] + 1)
        return [] if verdict.rejected else [t("dev_check_wrong_accepted", path=label, said=said)]
    row.right = (row.right[0] + verdict.passed, row.right[1] + 1)
    return [] if verdict.passed else [t("dev_check_right_rejected", path=label, said=said)]


def report(result: CourseCheck) -> str:
    header = t("dev_check_header").split("|")
    rows = [[row.kata.id, status_word(row.solution) if row.solution else "-", status_word(row.stub) if row.stub else "-",
             _fraction(row.wrong), _fraction(row.right), _fraction(row.examples)] for row in result.katas]
    lines = [t("dev_check_title", course=display_path(result.course.path), count=len(result.katas)), "",
             table([header, *rows]), ""]
    if result.devices:
        lines.append(t("dev_check_how", devices=", ".join(result.devices), profile=PROFILE,
                       answers=result.answers, sandbox=result.sandbox or "-", seconds=result.seconds))
    if result.problems:
        lines += ["", t("dev_check_problems", count=len(result.problems))]
        lines += [f"  - {problem}" for problem in result.problems]
    else:
        lines += ["", t("dev_check_ok")]
    return "\n".join(lines) + "\n"


def _fraction(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"

