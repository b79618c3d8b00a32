"""`autograd-kata watch`: a save of the kata's file is rechecked at once, and watch moves on
to the next kata only when the learner asks (Enter)."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli_course import COURSE_KATAS, K01, course, course_copy  # noqa: F401  (fixtures)

#: generous: the first answer waits for torch and every kata's checks to import
STARTUP = 120
ANSWER = 60


class Watch:
    """``autograd-kata watch`` in a child process, its output read line by line."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "KATA_LANG": "en", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "pytest_autograd_kata.cli", "watch", *args],
                                        cwd=root, env=env, text=True, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout],
                         daemon=True).start()

    def wait_for(self, text: str, timeout: float) -> str:
        """Read until a line holding ``text``; fail, showing the output, after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"watch never printed {text!r} in {timeout} s; it printed:\n{''.join(self.seen)}")
            self.seen.append(line)
            if text in line:
                return line

    def press(self, keys: str) -> None:
        self.process.stdin.write(keys)
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def save(path: Path, text: str) -> None:
    """Save as many editors do: write a new file beside it, then rename it over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.parametrize("how", ["polling", "events"])
def test_watch_rechecks_on_save_and_moves_on_only_when_asked(course, how) -> None:
    if how == "events":
        pytest.importorskip("watchdog", reason="file events need the optional watchdog package")
    watch = Watch(course, "k01", *(["--poll"] if how == "polling" else []))
    try:
        waiting = watch.wait_for(f"Watching katas/{K01.filename} ({'file events' if how == 'events' else how})",
                                 STARTUP)
        assert "Enter checks again" in waiting and "q then Enter quits" in waiting  # not only Ctrl-C
        assert any("k01" in line and "not started" in line for line in watch.seen)
        save(course / "katas" / K01.filename, (course / "solutions" / K01.filename).read_text(encoding="utf-8"))
        watch.wait_for("k01 passes!", ANSWER)
        waiting = watch.wait_for("Watching katas/k01", ANSWER)  # still on k01: it does not move on by itself
        assert "Enter goes on to the next kata" in waiting
        watch.press("\n")
        second = COURSE_KATAS[1]
        watch.wait_for(f"Watching katas/{second.filename}", ANSWER)
        watch.press("q\n")
        assert watch.process.wait(timeout=ANSWER) == 0
    finally:
        watch.stop()
