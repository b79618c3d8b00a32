"""Grading a class: ``autograd-kata grade`` with ``--jobs 2`` against the cold loop a teacher
would otherwise write (one ``python -m pytest katas --kata-target SUB --kata-report …`` per
submission), on 40 copies of solutions/ with a mix of broken katas, both under the kata-grade
Hypothesis profile (derandomized, 25 examples). The scores must be the same. Goal: ≥ 10×.

The grader is measured twice: as it runs by default (a kata module that several submissions
share byte for byte is run once), and with ``--no-reuse`` (warm workers and a fork per kata
only). Peak memory is the largest sum of proportional set sizes (PSS) over each side's
processes, sampled every 50 ms. ``python benchmarks/bench_grade.py`` runs it alone.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from run import REPO, clean_environment

SUBMISSIONS = 40
JOBS = 2
COURSE = REPO / "katas"
SOLUTIONS = REPO / "solutions"
CORPUS = REPO / "tests" / "corpus"


def _katas() -> list:
    sys.path.insert(0, str(REPO))
    from pytest_autograd_kata.course import load_course

    course = load_course(COURSE)
    return [k for k in course.katas
            if (COURSE / f"test_{k.module}.py").is_file() and (SOLUTIONS / k.filename).is_file()]


def make_class(root: Path, katas: list) -> list[Path]:
    """Submission i: every fourth all right; the others with one or two katas replaced by a
    learner's typical mistake (tests/corpus) or left as the untouched stub."""
    folders = []
    for i in range(SUBMISSIONS):
        folder = root / f"learner{i:02d}"
        folder.mkdir(parents=True)
        for kata in katas:
            shutil.copy(SOLUTIONS / kata.filename, folder)
        broken = [] if i % 4 == 0 else [katas[i % len(katas)]] + ([katas[(i * 7) % len(katas)]] if i % 4 == 3 else [])
        for n, kata in enumerate(broken):
            wrong = sorted((CORPUS / kata.id).glob("*.py"))
            source = COURSE / kata.filename if i % 4 == 2 or not wrong else wrong[(i + n) % len(wrong)]
            shutil.copy(source, folder / kata.filename)
        folders.append(folder)
    return folders


class PeakMemory:
    """Samples the memory of a process and all its descendants (Linux /proc): the sum of
    their proportional set sizes, so pages a forked child shares with its worker count once."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> set[int]:
        parents = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        tree, grew = {self.pid}, True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= found
            grew = bool(found)
        return tree

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, sum(self._pss(pid) for pid in self._tree()))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_grader(folders: list[Path], out: Path, *options: str) -> tuple[float, int]:
    command = [sys.executable, "-c", "import sys; from pytest_autograd_kata.cli import main; sys.exit(main())",
               "--lang", "en", "grade", *map(str, folders), "--out", str(out), "--course", str(COURSE),
               "--jobs", str(JOBS), *options]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=clean_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    _, stderr = process.communicate()
    elapsed, peak = time.perf_counter() - start, memory.stop()
    if process.returncode != 0:
        sys.exit(f"the grader failed:\n{stderr}")
    return elapsed, peak


def gradebook_scores(out: Path) -> dict[tuple[str, str], float]:
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        rows = list(csv.DictReader(book))
    katas = [name for name in rows[0] if name not in ("submission", "total", "max_total", "status")]
    return {(row["submission"], k): float(row[k]) for row in rows for k in katas}


def cold_loop(folders: list[Path], reports: Path) -> tuple[float, int, dict[tuple[str, str], float]]:
    scores, peak, start = {}, 0, time.perf_counter()
    for folder in folders:
        report = reports / f"{folder.name}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", str(COURSE), "--kata-target", str(folder), f"--kata-report={report}",
             "-p", "no:cacheprovider", "--hypothesis-profile", "kata-grade", "-q"],
            cwd=REPO, env=clean_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        memory = PeakMemory(process.pid)
        process.wait()
        peak = max(peak, memory.stop())
        for kata in json.loads(report.read_text(encoding="utf-8"))["katas"]:
            scores[(folder.name, kata["id"])] = float(kata["score"])
    return time.perf_counter() - start, peak, scores


def measure() -> list[str]:
    katas = _katas()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = make_class(root / "class", katas)
        (root / "reports").mkdir()
        grader, grader_peak = run_grader(folders, root / "out")
        no_reuse, no_reuse_peak = run_grader(folders, root / "out-no-reuse", "--no-reuse")
        cold, cold_peak, cold_scores = cold_loop(folders, root / "reports")
        same = gradebook_scores(root / "out") == cold_scores == gradebook_scores(root / "out-no-reuse")
    mib = 2**20
    lines = [
        f"grading {SUBMISSIONS} submissions x {len(katas)} katas (kata-grade profile, 25 examples per check)",
        f"  cold loop (one pytest per submission): {cold:.1f} s, peak memory {cold_peak / mib:.0f} MiB",
        f"  autograd-kata grade --jobs {JOBS}:        {grader:.1f} s, peak memory {grader_peak / mib:.0f} MiB "
        f"-> {cold / grader:.1f}x faster ({'meets' if cold / grader >= 10 else 'MISSES'} the goal >= 10x)",
        f"  same, --no-reuse (every file run):    {no_reuse:.1f} s, peak memory {no_reuse_peak / mib:.0f} MiB "
        f"-> {cold / no_reuse:.1f}x faster",
        f"  same scores in all three: {'yes' if same else 'NO'}",
    ]
    print("\n".join(lines))
    if not same:
        sys.exit("the grader and the cold loop disagree on the scores")
    return lines


if __name__ == "__main__":
    measure()
