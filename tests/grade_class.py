"""Helpers for the grading tests: a private copy of the course (k01-k03, whose checks use the
remote API), classes of submission folders, a grading run as a teacher starts it, what it
wrote, and what it left behind. Imported by tests/test_grade_*.py."""
from __future__ import annotations

import csv
import ctypes
import hashlib
import json
import os
import shutil
import signal
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.cli import main

#: the katas graded: those whose checks are written on the remote API
GRADED = ("k01", "k02", "k03")
FILES = {k: COURSE.get(k).filename for k in GRADED}
SOLUTION = {k: (SOLUTIONS / FILES[k]).read_text(encoding="utf-8") for k in GRADED}
STUB = {k: (KATAS / FILES[k]).read_text(encoding="utf-8") for k in GRADED}
PR_SET_CHILD_SUBREAPER = 36


def private_course(root: Path) -> tuple[Path, Path]:
    """A course folder (course.toml and the graded katas' checks and stubs) and a solutions
    folder, both where only this user can read them, as a teacher keeps them."""
    course, solutions = root / "course", root / "solutions"
    course.mkdir(parents=True)
    solutions.mkdir()
    shutil.copy(KATAS / "course.toml", course)
    for kata_id in GRADED:
        shutil.copy(KATAS / f"test_{COURSE.get(kata_id).module}.py", course)
        shutil.copy(KATAS / FILES[kata_id], course)
        shutil.copy(SOLUTIONS / FILES[kata_id], solutions)
    root.chmod(0o700)
    return course, solutions


@dataclass
class Sub:
    """A submission: the solutions, with some katas' files replaced (``None``: the file is
    missing) and other files beside them (``extra``: name -> text)."""
    files: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def build(self, folder: Path) -> Path:
        folder.mkdir(parents=True)
        for kata_id in GRADED:
            text = self.files.get(kata_id, SOLUTION[kata_id])
            if text is not None:
                (folder / FILES[kata_id]).write_text(text, encoding="utf-8")
        for name, text in self.extra.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return folder


def grade(folders: list[Path], out: Path, course: Path, *options: str, timeout: float = 10.0, jobs: int = 2) -> int:
    """Graded as a class is, two workers side by side unless ``jobs`` says otherwise (a test of
    the reports rather than of neighbours saves a cold worker with one)."""
    return main(["--lang", "en", "grade", *map(str, folders), "--out", str(out), "--course", str(course),
                 "--katas", ",".join(GRADED), "--jobs", str(jobs), "--timeout", f"{timeout:g}", *options])


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as book:
        return {row["submission"]: row for row in csv.DictReader(book)}


def report(out: Path, name: str) -> dict:
    return json.loads((out / "submissions" / name / "report.json").read_text(encoding="utf-8"))


def kata(out: Path, name: str, kata_id: str) -> dict:
    return next(k for k in report(out, name)["katas"] if k["id"] == kata_id)


def messages(found: dict) -> str:
    """What a kata's report says: its message, its checks', and where its code was flagged."""
    flags = [f"{flag['file']}, line {flag['line']}: {flag['what']}" for flag in found.get("flags", [])]
    return "\n".join([found["message"], *(c["message"] for c in found["checks"]), *flags])


def tree(root: Path) -> dict[str, tuple]:
    """Every entry under ``root`` (links and special files as themselves), with its mode and
    its bytes' hash: two equal trees hold the same files, byte for byte."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder, name)
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            else:
                content = ""
            found[str(path.relative_to(root))] = (info.st_mode, content)
    return found


class Adopter:
    """Makes this process the subreaper of everything it starts, so that a process a grading run
    left behind — even one that double-forked and called setsid — is found among its children."""

    def __enter__(self) -> Adopter:
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.before = children()
        return self

    def left_behind(self, seconds: float = 3.0) -> set[int]:
        """Processes still alive among those adopted (a killed worker's zygote and learner
        processes come here to be reaped as they die: the dead are reaped, not counted)."""
        deadline = time.monotonic() + seconds
        while True:
            alive = set()
            for pid in children() - self.before:
                try:
                    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue
                if state == "Z":
                    os.waitpid(pid, 0)
                else:
                    alive.add(pid)
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def children(pid: int | None = None) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid or os.getpid()}/task").iterdir():
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return found


#: the file the code of a learner process makes in its working folder (its own scratch folder)
#: to ask the :class:`Disturber` for a signal from outside: name -> (whose process, signal, how
#: many times). A file, not a process name: naming one's process takes ctypes, which is flagged.
DISTURBANCES = {
    "kata-kill-once": ("learner", signal.SIGKILL, 1),
    "kata-kill-wkr": ("worker", signal.SIGKILL, 1),
    "kata-kill-wkrs": ("worker", signal.SIGKILL, 4),
    "kata-stop-wkr": ("worker", signal.SIGSTOP, 1),
    "kata-kill-zyg": ("zygote", signal.SIGKILL, 1),
}


def asks_for(name: str) -> str:
    """Learner code that leaves the file ``name`` in its working folder at import, then gives the
    disturber time."""
    return ("import time\n"
            f"open({name!r}, 'w').close()\n"
            "time.sleep(1.5)\n")


def processes_asking(name: str) -> list[int]:
    """The processes whose working folder holds the file ``name`` (see :func:`asks_for`)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cwd" / name).exists():
                found.append(int(entry.name))
        except OSError:  # a process whose folders this one may not see (init's, a kernel thread's)
            continue
    return found


class Disturber(threading.Thread):
    """What happens to a grader in the wild, from outside its sandboxes: the OOM killer or an
    operator ends a learner process, a worker dies or is stopped. It watches for learner
    processes asking as in :data:`DISTURBANCES` and signals them, or their grading worker."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.done: dict[str, list[int]] = {name: [] for name in DISTURBANCES}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.05):
            for name, (whose, signum, times) in DISTURBANCES.items():
                for pid in processes_asking(name):
                    if len(self.done[name]) < times and pid not in self.done[name]:
                        target = pid if whose == "learner" else grader_process_of(pid, whose)
                        if target is not None:
                            self.done[name].append(pid)
                            os.kill(target, signum)

    def __enter__(self) -> Disturber:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.halt.set()
        self.join()


def grader_process_of(pid: int, whose: str) -> int | None:
    """The grading worker (``whose="worker"``) or its runner's zygote (``"zygote"``) a learner
    process belongs to: learner <- keeper <- zygote, a branch of the grader's zygote named after
    the worker it serves (``zygote:wPID``), or the worker's own zygote <- worker."""
    below = None
    while pid > 1:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            if name.startswith("zygote:w"):
                return int(name.removeprefix("zygote:w")) if whose == "worker" else pid
            if b"grading.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid if whose == "worker" else below
            below, pid = pid, int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            return None
    return None


def wait_for_no_process_named(prefix: str, seconds: float) -> list[str]:
    """Names of living processes starting with ``prefix`` still there after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                name = (entry / "comm").read_text().strip() if entry.name.isdigit() else ""
                dead = name and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
            except OSError:
                continue
            if name.startswith(prefix) and not dead:
                found.append(name)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
