"""`autograd-kata watch` answering a save of one kata (k01), against a cold
`python -m pytest katas/test_k01_grad_storage.py`. Goal: watch answers within 0.3 s (median).
``python benchmarks/bench_watch.py`` runs it alone.

An answer is timed from the moment the saved file is in place to the moment watch has printed
the whole result; it includes noticing the save (file events with watchdog, else polling) and
the request to the course's check service, which watch starts (or finds) before its first check.
"""
from __future__ import annotations

import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from run import REPO, clean_environment, interleaved_medians

sys.path.insert(0, str(REPO))
from pytest_autograd_kata.trusted.service import stop  # noqa: E402
from pytest_autograd_kata.course.workspace import find  # noqa: E402

SAVES = 10
COLD_REPEAT = 5
GOAL = 0.3
KATA, FILENAME = "k01", "k01_grad_storage.py"
#: what watch prints last for each answer
ANSWERED = "Watching katas/"


def _copy_course(root: Path) -> Path:
    for folder in ("katas", "solutions"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    return root / "katas" / FILENAME


def _save(path: Path, text: str) -> float:
    """Save as editors do (a new file renamed over the old); returns when it was in place."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return time.perf_counter()


def _answer_times(root: Path, kata_file: Path, versions: list[str]) -> tuple[list[float], str]:
    env = {**clean_environment(), "KATA_LANG": "en", "PYTHONUNBUFFERED": "1"}
    watch = subprocess.Popen([sys.executable, "-m", "pytest_autograd_kata.cli", "watch", KATA], cwd=root,
                             env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watch.stdout], daemon=True).start()

    def answered() -> str:
        while True:
            line = lines.get(timeout=120)
            if ANSWERED in line:
                return line

    try:
        how = answered()  # the first check, on the untouched stub
        times = []
        for text in versions:
            saved = _save(kata_file, text)
            answered()
            times.append(time.perf_counter() - saved)
        return times, how[how.index("(") + 1:how.index(")")]  # "file events" or "polling"
    finally:
        watch.kill()
        watch.wait()
        stop(find(root))  # the check service watch used


def measure() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        kata_file = _copy_course(root)
        solution = (root / "solutions" / FILENAME).read_text(encoding="utf-8")
        wrong = solution.replace("requires_grad_(True)", "requires_grad_(False)")
        assert wrong != solution
        # Each save differs from the last (a comment with its number), as a learner's edits do.
        passing = [f"{solution}\n# save {i}\n" for i in range(SAVES)]
        failing = [f"{wrong}\n# save {i}\n" for i in range(SAVES)]
        pass_times, how = _answer_times(root, kata_file, passing)
        fail_times, _ = _answer_times(root, kata_file, failing)
        kata_file.write_text(solution, encoding="utf-8")
        cold = interleaved_medians(
            {"cold": [sys.executable, "-m", "pytest", f"katas/test_{FILENAME}", "-q", "-p", "no:cacheprovider"]},
            COLD_REPEAT, root)["cold"]
    median_pass, median_fail = statistics.median(pass_times), statistics.median(fail_times)
    verdict = "meets" if median_pass <= GOAL else "MISSES"
    print(f"watch answering a save of {KATA} (median of {SAVES} saves each; {how})")
    print(f"  a passing answer:  {median_pass:.3f} s ({verdict} the goal <= {GOAL} s)")
    print(f"  a failing answer:  {median_fail:.3f} s (Hypothesis shrinks the failing example first)")
    print(f"  cold `python -m pytest katas/test_{FILENAME}` (median of {COLD_REPEAT}): {cold.wall:.3f} s wall, "
          f"{cold.cpu:.3f} s cpu -> watch is {cold.wall / median_pass:.0f}x faster")


if __name__ == "__main__":
    measure()
