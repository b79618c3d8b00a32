"""``autograd-kata grade`` as a teacher uses it: the gradebook, the per-submission reports,
the class summary, the sandbox recorded everywhere, progress, determinism, exit status, and
clear errors for bad input."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.course import i18n, outcomes
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.grading import class_summary, gradebook, isolation, pool
from pytest_autograd_kata.grading.grade import ClassResult, SubmissionResult
from pytest_autograd_kata.runner import sandbox

CORPUS = Path(__file__).with_name("corpus")
#: graded in this order on the command line; the gradebook lists them in course order
GRADED = ("k02", "k01")


@pytest.fixture(autouse=True)
def keep_language():
    """The command sets the process's language (--lang): put it back for the next test."""
    language = i18n.current_language()
    yield
    i18n.set_language(language)


def _submission(folder: Path, modules: dict[str, Path]) -> str:
    folder.mkdir(parents=True)
    for kata_id, source in modules.items():
        shutil.copy(source, folder / COURSE.get(kata_id).filename)
    return str(folder)


@pytest.fixture(scope="module")
def a_class(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """alice: both right; bob: untouched stubs; carol: k01 wrong (int64), k02 right."""
    root = tmp_path_factory.mktemp("class")
    solution = {k: SOLUTIONS / COURSE.get(k).filename for k in GRADED}
    return {
        "alice": _submission(root / "alice", solution),
        "bob": _submission(root / "bob", {k: KATAS / COURSE.get(k).filename for k in GRADED}),
        "carol": _submission(root / "carol", {**solution, "k01": CORPUS / "k01" / "int_dtype.py"}),
    }


def grade(folders, out: Path, *options: str) -> int:
    return main(["--lang", "en", "grade", *folders, "--out", str(out), "--course", str(KATAS),
                 "--katas", ",".join(GRADED), "--jobs", "1", "--timeout", "30", *options])


@pytest.fixture(scope="module")
def graded_twice(a_class, tmp_path_factory: pytest.TempPathFactory):
    """The class graded three times: twice as by default, once running every file, even those
    identical to one already graded (no reuse). Returns the output folders and what each run
    printed."""
    root = tmp_path_factory.mktemp("graded")
    outs = [root / "first", root / "no-reuse", root / "again"]
    printed = []
    for out, options in zip(outs, [(), ("--no-reuse",), ()]):
        stdout, stderr = StringIO(), StringIO()
        with redirect_stdout(stdout), redirect_stderr(stderr):
            code = grade(a_class.values(), out, "--require-pass", *options)
        printed.append((code, stdout.getvalue(), stderr.getvalue()))
    return outs, printed


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        return {row["submission"]: row for row in csv.DictReader(book)}


def test_gradebook_has_a_column_per_kata_in_course_order(graded_twice) -> None:
    out = graded_twice[0][0]
    header = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()[0]
    in_course_order = [k.id for k in COURSE.katas if k.id in GRADED]
    assert header == ",".join(["submission", *in_course_order, "total", "max_total", "status", "sandbox"])
    rows = _rows(out)
    assert [rows[name]["total"] for name in ("alice", "bob", "carol")] == ["2", "0", "1"]
    assert (rows["carol"]["k01"], rows["carol"]["k02"]) == ("0", "1")
    assert [rows[name]["status"] for name in ("alice", "bob", "carol")] == ["complete", "incomplete", "incomplete"]
    assert {row["max_total"] for row in rows.values()} == {"2"}


def _written(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_grading_again_writes_the_same_bytes_with_or_without_reuse(graded_twice) -> None:
    first, no_reuse, again = (_written(out) for out in graded_twice[0])
    assert first == again  # the gradebook, the summary and its chart, every report
    assert {name: data for name, data in no_reuse.items() if name != "summary.png"} == \
           {name: data for name, data in first.items() if name != "summary.png"}
    assert sorted(first) == ["gradebook.csv", "grading.json",  # the record grade-merge reads
                             *(f"submissions/{n}/{f}" for n in ("alice", "bob", "carol")
                               for f in ("report.json", "results.json")),
                             "summary.png", "summary.txt"]  # and no .work left


def test_where_there_is_no_fork_workers_started_as_new_pythons_write_the_same_bytes(
        a_class, graded_twice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Linux the workers are forked from the grader's zygote; on macOS each is a new Python
    (and starts learner processes of its own): the same verdicts either way."""
    monkeypatch.setattr(pool, "USE_FORK", False)
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        assert grade(a_class.values(), tmp_path / "out", "--no-reuse") == 0
    assert {name: data for name, data in _written(tmp_path / "out").items() if name != "summary.png"} == \
           {name: data for name, data in _written(graded_twice[0][0]).items() if name != "summary.png"}


def test_each_submission_gets_a_report_and_gradescope_results(graded_twice) -> None:
    out = graded_twice[0][0]
    carol = json.loads((out / "submissions" / "carol" / "report.json").read_text(encoding="utf-8"))
    assert (carol["score"], carol["max_score"], carol["target"], carol["status"]) == (1, 2, "carol", "incomplete")
    assert {k["id"]: k["status"] for k in carol["katas"]} == {"k01": "failed", "k02": "passed"}
    bob = json.loads((out / "submissions" / "bob" / "results.json").read_text(encoding="utf-8"))
    assert bob["score"] == 0 and [t["status"] for t in bob["tests"]] == ["failed", "failed"]
    assert "not started" in bob["tests"][0]["output"]
    assert "k01_grad_storage.py" in bob["tests"][0]["output"]  # the learner's file as they know it
    assert str(Path(graded_twice[0][0]).parent) not in json.dumps(bob)  # no path of the machine


def test_every_output_records_the_sandbox_used(graded_twice) -> None:
    out, level = graded_twice[0][0], sandbox.best_level()
    assert {row["sandbox"] for row in _rows(out).values()} == {level}
    for name in ("alice", "bob", "carol"):
        assert json.loads((out / "submissions" / name / "report.json").read_text(encoding="utf-8"))["sandbox"] == level
        results = json.loads((out / "submissions" / name / "results.json").read_text(encoding="utf-8"))
        assert results["extra_data"]["sandbox"] == level
    summary = (out / class_summary.SUMMARY_TEXT).read_text(encoding="utf-8")
    assert f"sandbox: {level} ({isolation.describe(level, 'en')})" in summary


def test_progress_goes_to_stderr_and_the_summary_ends_the_run(graded_twice) -> None:
    code, stdout, stderr = graded_twice[1][0]
    assert code == 1  # --require-pass: bob and carol lost points
    assert "graded 3/3 submissions" in stderr
    summary = (graded_twice[0][0] / class_summary.SUMMARY_TEXT).read_text(encoding="utf-8")
    assert summary in stdout
    k01 = next(line for line in summary.splitlines() if line.startswith("k01"))
    assert "1/3" in k01 and "33%" in k01
    assert "1× x has dtype torch.int64" in summary  # carol's mistake, counted once


def test_require_pass_exits_zero_when_everyone_passed(a_class, tmp_path: Path, capsys) -> None:
    assert grade([a_class["alice"]], tmp_path / "out", "--require-pass") == 0


@pytest.mark.parametrize("problem, says", [
    ("missing", "does not exist"),
    ("out_inside", "inside the submission"),
    ("same_name", "share the folder name"),
    ("unknown_kata", "no kata k99"),
    ("no_course", "no course file"),
    ("jobs", "--jobs must be a positive number"),
])
def test_bad_input_is_a_clear_error(a_class, tmp_path: Path, capsys, problem: str, says: str) -> None:
    alice = a_class["alice"]
    (tmp_path / "other" / "alice").mkdir(parents=True)
    args = {
        "missing": [str(tmp_path / "nobody"), "--out", str(tmp_path / "out")],
        "out_inside": [alice, "--out", str(Path(alice) / "out")],
        "same_name": [alice, str(tmp_path / "other" / "alice"), "--out", str(tmp_path / "out")],
        "unknown_kata": [alice, "--out", str(tmp_path / "out"), "--katas", "k99"],
        "no_course": [alice, "--out", str(tmp_path / "out"), "--course", str(tmp_path)],
        "jobs": [alice, "--out", str(tmp_path / "out"), "--jobs", "0"],
    }[problem]
    assert main(["--lang", "en", "grade", *args]) == 2
    assert says in capsys.readouterr().err
    assert not (Path(alice) / "out").exists()


def test_contradicting_sandbox_options_are_refused(a_class, tmp_path: Path, capsys) -> None:
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"),
                 "--sandbox", "uid", "--no-sandbox"]) == 2
    assert "--no-sandbox and --sandbox uid ask for different things" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_unknown_sandbox_level_is_refused(a_class, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"), "--sandbox", "nowhere"])
    assert "invalid choice: 'nowhere'" in capsys.readouterr().err


def pretend_machine(monkeypatch: pytest.MonkeyPatch, **refusals: sandbox.Refusal) -> None:
    """A machine where each level named is refused as given, and the others can be had."""
    monkeypatch.setattr(sandbox, "problem", lambda level: refusals.get(level))
    monkeypatch.setattr(sandbox, "best_level", lambda: next(level for level in sandbox.LEVELS if level not in refusals))


def test_without_a_sandbox_grading_stops_before_it_starts_unless_told(a_class, tmp_path: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_machine(monkeypatch, namespaces=sandbox.Refusal("namespaces", sandbox.NEEDS_LINUX),  # a Mac
                    uid=sandbox.Refusal("uid", sandbox.NEEDS_LINUX))
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "allows no sandbox" in err and "the namespaces sandbox needs Linux" in err and "--no-sandbox" in err
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"), "--sandbox", "namespaces"]) == 2
    assert "allows no sandbox" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert isolation.choose(None, no_sandbox=True) == sandbox.PROCESS


def test_as_root_where_namespaces_are_refused_the_level_is_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gradescope and Docker: the grader runs as root, and unshare() is refused."""
    pretend_machine(monkeypatch, namespaces=sandbox.Refusal("namespaces", sandbox.CANNOT_ENTER,
                                                            detail="unshare: Operation not permitted"))
    assert isolation.choose(None, no_sandbox=False) == sandbox.UID
    assert isolation.choose("uid", no_sandbox=False) == sandbox.UID


def test_a_level_whose_learner_cannot_read_python_is_refused_naming_the_folder_and_the_fix(
        a_class, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """A container whose Python lives in root's home (pyenv, conda): at the uid level the learner's
    user cannot import what the zygote did not, so a correct answer would score 0. Refused instead."""
    pretend_machine(monkeypatch, uid=sandbox.Refusal("uid", sandbox.CANNOT_READ, "/root/.pyenv/versions/3.11.7",
                                                     "/root", 0o700))
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"), "--sandbox", "uid"]) == 2
    err = capsys.readouterr().err
    assert "a learner process at the uid level cannot read /root/.pyenv/versions/3.11.7" in err
    assert "/root is mode 0700" in err and "chmod o+x /root" in err and "strongest level it allows is namespaces" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(getattr(sandbox.problem(sandbox.UID), "reason", None) != sandbox.CANNOT_READ,
                    reason="this machine's Python can be read at the uid level")
def test_on_this_machine_the_uid_level_is_refused_with_its_own_folder(a_class, tmp_path: Path, capsys) -> None:
    refusal = sandbox.problem(sandbox.UID)
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"), "--sandbox", "uid"]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {refusal.folder}" in err and f"{refusal.blocker} is mode {refusal.mode:04o}" in err


def test_checks_that_do_not_collect_stop_grading_with_the_reason(a_class, tmp_path: Path, capsys) -> None:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(KATAS / "course.toml", course)
    (course / "test_k01_grad_storage.py").write_text("def test_k01(:\n    pass\n", encoding="utf-8")
    assert main(["--lang", "en", "grade", a_class["alice"], "--out", str(tmp_path / "out"),
                 "--course", str(course), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "could not run the course's checks" in err and "test_k01_grad_storage.py" in err
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_errors_speak_the_chosen_language(tmp_path: Path, capsys) -> None:
    assert main(["--lang", "zh", "grade", str(tmp_path / "nobody"), "--out", str(tmp_path / "out")]) == 2
    assert "不存在" in capsys.readouterr().err


def _class_result() -> ClassResult:
    def kata(kata_id: str, status: str, message: str = "") -> outcomes.KataResult:
        return outcomes.KataResult(kata_id, kata_id, 1.0, [outcomes.CheckResult(kata_id, "test", status, message)])

    wrong = "x.grad is not what it should be.\n  expected: 4·x"
    katas = [COURSE.get("k01"), COURSE.get("k02")]
    submissions = [SubmissionResult(name, [kata("k01", status), kata("k02", "failed", message)])
                   for name, status, message in [("a", "passed", wrong), ("b", "passed", wrong),
                                                 ("c", "not_started", "y is None")]]
    review = outcomes.KataResult("k02", "k02", 1.0, forced_status="review", forced_message="worker ended")
    submissions.append(SubmissionResult("d", [kata("k01", "passed"), review]))
    return ClassResult(katas, submissions, [], "uid")


def test_summary_counts_statuses_and_ranks_failures() -> None:
    summaries = class_summary.summarize(_class_result(), "en")
    assert summaries[0].counts == Counter({"passed": 3, "not_started": 1})
    assert summaries[1].common_failures() == [("x.grad is not what it should be.", 2), ("worker ended", 1),
                                              ("y is None", 1)]
    table = class_summary.table(summaries, _class_result())
    lines = table.splitlines()
    assert lines[1].startswith("sandbox: uid (")
    assert "3/4" in lines[4] and "75%" in lines[4]
    assert lines[3].split()[-1] == "review" and lines[5].split()[-1] == "1"  # k02: one to review
    assert "    2× x.grad is not what it should be." in table
    assert lines[-2:] == ["to review (each submission's report.json says more):",
                          "  d  k02: could not be graded for sure: worker ended"]


def test_a_flagged_kata_is_scored_and_listed_for_review_with_where_its_code_reached() -> None:
    flag = outcomes.Flag("k01_grad_storage.py", 4, "sys._getframe", "frames and the stack", "f = sys._getframe(1)")
    flagged = outcomes.KataResult("k01", "k01", 1.0, [outcomes.CheckResult("k01", "test_x", "passed")], flags=[flag])
    graded = ClassResult([COURSE.get("k01")], [SubmissionResult("e", [flagged])], [], "uid")
    assert flagged.status == "review" and flagged.score == 1.0  # scored, for the teacher to confirm
    assert graded.submissions[0].status == "review"
    table = class_summary.table(class_summary.summarize(graded, "en"), graded)
    assert table.splitlines()[-1] == ("  e  k01: its code reaches for the machinery around the checks: "
                                      "k01_grad_storage.py, line 4: sys._getframe (frames and the stack)")


def test_without_matplotlib_there_is_no_chart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    assert class_summary.write_chart(class_summary.summarize(_class_result(), "en"), tmp_path / "c.png") is False
    assert not (tmp_path / "c.png").exists()


def test_the_chart_library_is_imported_while_the_grade_runs() -> None:
    # in a Python of its own, where nothing imported matplotlib before: the grader's thread does,
    # for the chart at the end, with the backend that needs no display
    pytest.importorskip("matplotlib")
    done = subprocess.run([sys.executable, "-c", (
        "import sys, threading; from pytest_autograd_kata.grading import class_summary; "
        "before = 'matplotlib' in sys.modules; class_summary.import_chart_library_meanwhile(); "
        "[t.join() for t in threading.enumerate() if t is not threading.current_thread()]; "
        "import matplotlib; print(before, 'matplotlib.pyplot' in sys.modules, matplotlib.get_backend().lower())")],
        capture_output=True, text=True, env={**os.environ, "MPLBACKEND": ""}, check=True)
    assert done.stdout.split() == ["False", "True", "agg"]


def test_with_matplotlib_the_chart_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert class_summary.write_chart(class_summary.summarize(_class_result(), "en"), tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("text, shown", [
    ("=2+5", "'=2+5"), ("+cmd", "'+cmd"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("alice", "alice"), ("a=b", "a=b"), ("1.5", "1.5"),
])
def test_gradebook_cells_that_a_spreadsheet_would_run_are_made_text(text: str, shown: str) -> None:
    assert gradebook.cell(text) == shown
