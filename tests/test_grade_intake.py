"""Reading submissions before anything runs: regular files only, never through a link, never
blocking, size-capped, ``__pycache__`` ignored, each copied once into a private folder; what a
kata's run (and so its reuse key) depends on is exactly the copied text of its file and of the
learner's files it names."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from conftest import COURSE, SOLUTIONS
from pytest_autograd_kata.grading import intake
from pytest_autograd_kata.course.sources import MAX_SIZE, SourceError, kata_source, read_kata_file

K01, K02, K03 = (COURSE.get(k) for k in ("k01", "k02", "k03"))


def refused(path: Path) -> str:
    """The message reading ``path`` is refused with, read in a thread so a hang fails the test."""
    outcome: list[BaseException | str] = []

    def read() -> None:
        try:
            outcome.append(read_kata_file(path, path.name))
        except BaseException as err:  # noqa: BLE001 - the outcome is what the test looks at
            outcome.append(err)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert outcome, f"reading {path.name} did not return"
    assert isinstance(outcome[0], SourceError), outcome[0]
    return str(outcome[0])


@pytest.mark.parametrize("kind, says", [
    ("fifo", "is a special file (a pipe, a device or a folder), not a regular file"),
    ("link_to_dev_zero", "is a symbolic link, not a regular file"),
    ("link_to_a_solution", "is a symbolic link, not a regular file"),
    ("folder", "is a special file"),
    ("device", "is a special file"),
    ("huge", f"is larger than {MAX_SIZE // 1024} KiB"),
])
def test_what_is_not_a_kata_file_is_refused_without_hanging(tmp_path: Path, kind: str, says: str) -> None:
    path = tmp_path / K01.filename
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "link_to_dev_zero":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "link_to_a_solution":
        path.symlink_to(SOLUTIONS / K01.filename)
    elif kind == "folder":
        path.mkdir()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node takes root")
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    else:
        path.write_text("#" * (MAX_SIZE + 1), encoding="utf-8")
    message = refused(path)
    assert message.startswith(f"{K01.filename} {says}")  # named as the learner knows it


def test_a_submission_is_copied_once_regular_kata_files_only(tmp_path: Path) -> None:
    folder, copy = tmp_path / "alice", tmp_path / "copy"
    folder.mkdir()
    copy.mkdir(mode=0o700)
    (folder / K01.filename).write_text("# k01\n", encoding="utf-8")
    os.mkfifo(folder / K02.filename)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / f"{K03.module}.cpython-311.pyc").write_bytes(b"\x00" * 16)
    (folder / "conftest.py").write_text("raise SystemExit\n", encoding="utf-8")
    submission = intake.take_in(folder, COURSE, copy)
    assert sorted(os.listdir(copy)) == [K01.filename]
    assert stat.S_IMODE((copy / K01.filename).stat().st_mode) == 0o600
    assert submission.name == "alice"
    assert list(submission.unreadable) == [K02.module]
    assert submission.unreadable[K02.module].startswith(f"{K02.filename} is a special file")
    assert str(tmp_path) not in submission.unreadable[K02.module]
    unreadable = intake.request(submission, K02, COURSE)
    assert unreadable["sources"] == {} and unreadable["unreadable"] == submission.unreadable[K02.module]
    missing = intake.request(submission, K03, COURSE)
    assert (missing["sources"], missing.get("unreadable")) == ({}, None)
    assert missing["paths"] == {K03.module: K03.filename}


def _class_of(tmp_path: Path, files: dict[str, dict[str, str]]) -> dict[str, intake.Submission]:
    found = {}
    for index, (name, modules) in enumerate(files.items()):
        folder, copy = tmp_path / name, tmp_path / "copies" / str(index)
        folder.mkdir()
        copy.mkdir(parents=True)
        for module, text in modules.items():
            (folder / f"{module}.py").write_text(text, encoding="utf-8")
        found[name] = intake.take_in(folder, COURSE, copy)
    return found


def test_a_run_gets_the_kata_and_the_learner_files_it_names_and_nothing_else(tmp_path: Path) -> None:
    uses_k01 = f"from {K01.module} import make_x\n\ndef two_x_dot_x(x):\n    return 2 * x @ x\n"
    subs = _class_of(tmp_path, {
        "a": {K01.module: "A = 1\n", K02.module: uses_k01, K03.module: "# k03\n"},
        "b": {K01.module: "A = 2\n", K02.module: uses_k01, K03.module: "# k03\n"},
        "c": {K01.module: "A = 3\n", K02.module: "# k02\n", K03.module: "# k03\n"},
    })
    request = intake.request(subs["a"], K02, COURSE)
    assert sorted(request["sources"]) == [K01.module, K02.module]
    assert request["paths"] == {K01.module: K01.filename, K02.module: K02.filename}
    # k02 imports k01: a different k01 is a different run; k03 names no other kata: one run.
    keys = {name: {k.id: intake.reuse_key(intake.request(sub, k, COURSE)) for k in (K02, K03)}
            for name, sub in subs.items()}
    assert keys["a"]["k02"] != keys["b"]["k02"]
    assert keys["a"]["k03"] == keys["b"]["k03"] == keys["c"]["k03"]
    # The learner's own run sends the same modules.
    local = kata_source(COURSE, tmp_path / "a", K02.module, lambda m: f"{m}.py")
    assert local.sources == request["sources"]


def test_the_reuse_key_is_of_the_copy_not_of_the_file_as_it_is_later(tmp_path: Path) -> None:
    subs = _class_of(tmp_path, {"a": {K01.module: "# mine\n"}})
    key = intake.reuse_key(intake.request(subs["a"], K01, COURSE))
    (tmp_path / "a" / K01.filename).write_text("# rewritten after it was read\n", encoding="utf-8")
    again = intake.request(subs["a"], K01, COURSE)
    assert again["sources"][K01.module] == "# mine\n" and intake.reuse_key(again) == key
