"""A kata file is read as Python reads it — a UTF-8 BOM (Windows Notepad), a PEP 263 coding line,
CRLF or CR line ends — by `autograd-kata run`, the board, `reset` and `grade`; one Python cannot
read gets a message that names the file and the fix; line numbers stay the file's own."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_course import K01, cli, course, course_copy  # noqa: F401  (fixtures)
from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.course import i18n

BOM = b"\xef\xbb\xbf"
CORPUS = Path(__file__).with_name("corpus")
#: k01 as the course's reference solves it, and a plausible wrong answer (int64, not float32)
RIGHT_K01 = (SOLUTIONS / K01.filename).read_text(encoding="utf-8")
WRONG_K01 = (CORPUS / "k01" / "int_dtype.py").read_text(encoding="utf-8")
#: words in a Latin-1 file's comment: bytes that are not UTF-8
FRENCH = "# x, c'est le tenseur des abscisses (é, è, à)\n"


def notepad(text: str) -> bytes:
    """``text`` as Windows Notepad saves it: a BOM, then UTF-8 with CRLF line ends."""
    return BOM + text.replace("\n", "\r\n").encode("utf-8")


def old_mac(text: str) -> bytes:
    return text.replace("\n", "\r").encode("utf-8")


def latin1(text: str) -> bytes:
    """``text`` saved in Latin-1, with the coding line that says so."""
    return ("# -*- coding: latin-1 -*-\n" + FRENCH + text).encode("latin-1")


SAVED_AS = {"notepad": notepad, "cr": old_mac, "latin1": latin1,
            "bom_crlf_latin1_words": lambda text: notepad(FRENCH + text)}


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_right_answer_saved_any_way_python_reads_passes(cli, course, saved_as: str) -> None:
    (course / "katas" / K01.filename).write_bytes(SAVED_AS[saved_as](RIGHT_K01))
    ran = cli("run", "k01")
    assert ran.code == 0, ran.out
    assert "k01 passes every check" in ran.out


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_wrong_answer_saved_any_way_python_reads_fails_for_its_mistake(cli, course, saved_as: str) -> None:
    (course / "katas" / K01.filename).write_bytes(SAVED_AS[saved_as](WRONG_K01))
    ran = cli("run", "k01")
    assert ran.code == 1 and "failing" in ran.out.splitlines()[0], ran.out
    assert "x has dtype torch.int64" in ran.out
    assert "U+FEFF" not in ran.out and "could not be imported" not in ran.out


#: a k01 that raises; the line of the raise, as the learner's editor numbers it, is in the message
RAISES = '''"""Pas encore fini."""
import torch


def make_x(n, device="cpu"):
    raise ValueError("pas encore : café")
'''


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_raise_is_shown_at_its_own_line_with_its_own_words(cli, course, saved_as: str) -> None:
    data = SAVED_AS[saved_as](RAISES)
    (course / "katas" / K01.filename).write_bytes(data)
    lines = data.removeprefix(BOM).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    line = next(n for n, text in enumerate(lines, 1) if b"raise ValueError" in text)
    ran = cli("run", "k01")
    assert ran.code == 1
    assert f"katas/{K01.filename}, line {line}: raise ValueError(\"pas encore : café\")" in ran.out, ran.out


@pytest.mark.parametrize("data, line", [
    ((RIGHT_K01 + FRENCH).encode("cp1252"), RIGHT_K01.count("\n") + 1),  # saved in Windows' "ANSI"
    (("# 练习一：梯度存在哪里\n" + RIGHT_K01).encode("gbk"), 1),  # in Chinese Windows' "ANSI"
    (BOM + FRENCH.encode("latin-1") + RIGHT_K01.encode("utf-8"), 1),
], ids=["cp1252", "gbk_first_line", "bom_then_latin1"])
def test_a_file_python_cannot_read_says_which_line_and_how_to_save_it(cli, course, data: bytes, line: int) -> None:
    (course / "katas" / K01.filename).write_bytes(data)
    ran = cli("run", "k01")
    assert ran.code == 1
    assert f"katas/{K01.filename}" in ran.out and f"line {line}" in ran.out, ran.out
    assert "UTF-8" in ran.out and "# -*- coding:" in ran.out  # the fix, both ways
    assert "Traceback" not in ran.out + ran.err
    board = cli()
    assert board.code == 1 and "Traceback" not in board.out + board.err


@pytest.mark.parametrize("first_bytes, says", [
    (b"# -*- coding: klingon -*-\n", "unknown encoding: klingon"),
    (BOM + b"# -*- coding: latin-1 -*-\n", "byte order mark (BOM), yet its coding line names another encoding"),
], ids=["unknown", "bom_and_latin1"])
def test_a_coding_line_python_refuses_is_named(cli, course, first_bytes: bytes, says: str) -> None:
    (course / "katas" / K01.filename).write_bytes(first_bytes + RIGHT_K01.encode("utf-8"))
    ran = cli("run", "k01")
    assert ran.code == 1
    assert f"katas/{K01.filename} cannot be read as Python code" in ran.out and says in ran.out, ran.out
    assert "Traceback" not in ran.out + ran.err


def test_an_untouched_stub_saved_by_notepad_is_still_not_started(cli, course) -> None:
    stub = course / "katas" / K01.filename
    stub.write_bytes(notepad(stub.read_text(encoding="utf-8")))
    board = cli()
    k01 = next(line for line in board.out.splitlines() if " k01 " in line)
    assert "not started" in k01, board.out


@pytest.mark.parametrize("data", [notepad(RIGHT_K01), (RIGHT_K01 + FRENCH).encode("cp1252"), latin1(WRONG_K01)],
                         ids=["notepad", "cp1252", "latin1"])
def test_reset_keeps_every_byte_of_the_learners_file(cli, course, data: bytes) -> None:
    learner = course / "katas" / K01.filename
    learner.write_bytes(data)
    ran = cli("reset", "k01", "--yes")
    assert ran.code == 0, ran.err
    (backup,) = (course / ".kata" / "backups").glob("k01-*.py")
    assert backup.read_bytes() == data
    assert learner.read_bytes() != data and "NotImplementedError" in learner.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the grader
GRADED = ("k01", "k02")
K02 = COURSE.get("k02")
RIGHT_K02 = (SOLUTIONS / K02.filename).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    """A class whose files are saved every way Python reads (and one way it cannot), graded
    once: each submission's katas as its report gives them."""
    root = tmp_path_factory.mktemp("encodings")
    submissions = {
        "notepad": (notepad(RIGHT_K01), notepad(RIGHT_K02)),
        "notepad_wrong": (notepad(WRONG_K01), notepad(RIGHT_K02)),
        "latin1": (latin1(RIGHT_K01), old_mac(RIGHT_K02)),
        "ansi": ((RIGHT_K01 + FRENCH).encode("cp1252"), RIGHT_K02.encode("utf-8")),
    }
    for name, (k01, k02) in submissions.items():
        (root / "class" / name).mkdir(parents=True)
        (root / "class" / name / K01.filename).write_bytes(k01)
        (root / "class" / name / K02.filename).write_bytes(k02)
    language = i18n.current_language()
    code = main(["--lang", "en", "grade", *(str(root / "class" / n) for n in submissions), "--out", str(root / "out"),
                 "--course", str(KATAS), "--katas", ",".join(GRADED), "--jobs", "1", "--timeout", "60"])
    i18n.set_language(language)
    assert code == 0
    reports = {n: json.loads((root / "out" / "submissions" / n / "report.json").read_text(encoding="utf-8"))
               for n in submissions}
    return {name: {k["id"]: k for k in report["katas"]} for name, report in reports.items()}


def test_the_grader_passes_right_answers_saved_any_way_python_reads(graded) -> None:
    assert {k: graded["notepad"][k]["status"] for k in GRADED} == {"k01": "passed", "k02": "passed"}
    assert {k: graded["latin1"][k]["status"] for k in GRADED} == {"k01": "passed", "k02": "passed"}


def test_the_grader_fails_a_wrong_answer_in_a_bom_file_for_its_mistake(graded) -> None:
    k01 = graded["notepad_wrong"]["k01"]
    assert k01["status"] == "failed" and k01["score"] == 0
    messages = " ".join(c["message"] for c in k01["checks"])
    assert "x has dtype torch.int64" in messages and "U+FEFF" not in messages
    assert graded["notepad_wrong"]["k02"]["status"] == "passed"


def test_the_grader_names_a_file_python_cannot_read_and_the_fix(graded) -> None:
    k01 = graded["ansi"]["k01"]
    assert k01["score"] == 0
    message = k01["message"] + " ".join(c["message"] for c in k01["checks"])
    assert K01.filename in message and f"line {RIGHT_K01.count(chr(10)) + 1}" in message, k01
    assert "UTF-8" in message and "# -*- coding:" in message
    assert graded["ansi"]["k02"]["status"] == "passed"


def test_pytest_reads_a_kata_file_as_python_does(run_kata, tmp_path: Path) -> None:
    saved = tmp_path / "notepad.py"
    saved.write_bytes(notepad(RIGHT_K01))
    assert run_kata("k01", saved, "--kata-lang=en")["status"] == "passed"
    saved.write_bytes((RIGHT_K01 + FRENCH).encode("cp1252"))
    result = run_kata("k01", saved, "--kata-lang=en")
    assert result["status"] == "error"
    messages = {c["message"] for c in result["checks"]}
    line = RIGHT_K01.count("\n") + 1
    assert len(messages) == 1 and f"cannot be read as Python code: line {line} holds bytes that are not UTF-8" in \
        messages.pop(), result
