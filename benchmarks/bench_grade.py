"""Grading, measured against the anchor ``python -c "import torch"`` in the same run (issue 23):

- ``autograd-kata grade --no-reuse --jobs 2`` on 20 submissions made from solutions/ with a mix
  of broken katas (kata-grade profile: derandomized, 25 examples), every file of every
  submission different from every other (a learner's own comment line), as a real class's
  are: the grader's reuse of byte-identical files never applies. Wall per submission ÷
  ``import torch``; goal ≤ 0.5× (a class of 300 in about 5 minutes on a 2-core laptop).
- one submission cold, as a per-submission platform runs it (the Gradescope bundle's
  ``run_autograder``: fresh processes, every kata, results written, every core) ÷ ``import
  torch``; goal ≤ 2.5×.

The grader is also measured with ``--no-sandbox``: the difference, per kata run, is what the
sandbox costs. The scores must be the same in every run. Peak memory is the largest sum of
proportional set sizes (PSS) over the grader's processes, sampled every 2 s (see PSS_EVERY). The grader's CPU
is split into what the kata runs' learner processes used (read from the runner's zygotes, which
reap them), the zygotes' own, and the rest; ``bench_breakdown`` splits a kata run's CPU by
part. Only the katas whose checks pass against solutions/ are graded (a course being rewritten
still measures). ``python benchmarks/bench_grade.py`` runs it alone.
"""
from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from run import REPO, clean_environment, interleaved_medians

sys.path.insert(0, str(REPO))  # this checkout's package, not an installed one

SUBMISSIONS = 20
JOBS = 2
#: issue 23's goals, as ratios to `python -c "import torch"` on the same machine in the same run
GRADE_GOAL, COLD_GOAL = 0.5, 2.5
COLD_REPEAT = 3
COURSE = REPO / "katas"
SOLUTIONS = REPO / "solutions"
CORPUS = REPO / "tests" / "corpus"


def _katas() -> list:
    """The katas whose checks collect and pass against the reference solutions."""
    from pytest_autograd_kata.course.data import load_course

    course = load_course(COURSE)
    present = [k for k in course.katas
               if (COURSE / f"test_{k.module}.py").is_file() and (SOLUTIONS / k.filename).is_file()]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        subprocess.run([sys.executable, "-m", "pytest", *(str(_checks(k)) for k in present),
                        "--kata-target", str(SOLUTIONS), f"--kata-report={report}", "-p", "no:cacheprovider",
                        "--hypothesis-profile", "kata-grade", "--continue-on-collection-errors", "-q"],
                       cwd=REPO, env=clean_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        passing = {k["id"] for k in json.loads(report.read_text(encoding="utf-8"))["katas"] if k["status"] == "passed"}
    return [k for k in present if k.id in passing]


def _checks(kata) -> Path:
    return COURSE / f"test_{kata.module}.py"


def make_class(root: Path, katas: list) -> list[Path]:
    """Submission i: every fourth all right; the others with one or two katas replaced by a
    learner's typical mistake (tests/corpus) or left as the untouched stub. Each file ends with
    a comment naming its learner, so no two submissions share a file."""
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
        for kata in katas:
            with (folder / kata.filename).open("a", encoding="utf-8") as handed_in:
                handed_in.write(f"\n# handed in by {folder.name}\n")
        folders.append(folder)
    return folders


#: seconds between two looks at the grader's processes (their /proc/PID/stat: about 4 ms for
#: the whole machine) and between two readings of their memory. Reading a process's PSS makes
#: the kernel walk its page tables: 9 ms for each process that imported torch, about 60 ms for
#: the grader's processes together. Read every 50 ms (until stop 28), that took half of one of
#: this machine's two cores away from the grader it measured.
LOOK_EVERY, PSS_EVERY = 0.25, 2.0


class ProcessTree:
    """Samples a process and all its descendants (Linux /proc) every LOOK_EVERY seconds (their
    memory every PSS_EVERY: a grader's memory stays level while it grades), for two figures:
    the largest sum of their proportional set sizes (PSS, so pages a forked child shares with
    its parent count once), and the CPU time of the runner's zygotes, their own and their
    children's. A zygote's children are the keepers of the kata runs, each with its learner
    process (the keeper reaps it): from fork to exit, everything the learner's side of a kata
    run costs. A zygote's last sample falls between its last kata run and its end (its
    worker's session closing); a kata run reaped after that sample would be left out, so the
    learner processes' figure can come out low, never high."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        #: zygote pid -> (its own CPU seconds, its reaped children's CPU seconds), as last seen
        self.zygotes: dict[int, tuple[float, float]] = {}
        #: zygotes seen with a branch of theirs
        self.branched: set[int] = set()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> dict[int, list[str]]:
        """Each process of the tree, with the fields of its /proc/PID/stat after the name
        (the parent's pid is the second)."""
        stats = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                stats[int(stat.parent.name)] = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, ValueError, IndexError):
                continue
        parents = {pid: int(fields[1]) for pid, fields in stats.items()}
        tree, grew = {self.pid}, True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= found
            grew = bool(found)
        return {pid: stats[pid] for pid in tree if pid in stats}

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _is_zygote(pid: int) -> bool:
        """The grader's zygote, a worker's branch of it (``zygote:wPID``) or a worker's own: not
        a keeper, a learner process or a grading worker (forks of a zygote too, with its command
        line, named ``keeper`` and ``grading.worker``)."""
        try:
            return (b"\0zygote\0" in Path(f"/proc/{pid}/cmdline").read_bytes()
                    and Path(f"/proc/{pid}/comm").read_text().strip() not in ("keeper", "grading.worker"))
        except OSError:
            return False

    def _sample_zygotes(self, tree: dict[int, list[str]]) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        zygotes = {pid for pid in tree if self._is_zygote(pid)}
        # The grader's zygote reaps its branches: their figures, counted apart, are not its
        # children's (once it has had a branch: it reaps them all at its end).
        self.branched |= {int(tree[pid][1]) for pid in zygotes} & zygotes
        for pid in zygotes:
            fields = tree[pid]
            self.zygotes[pid] = ((int(fields[11]) + int(fields[12])) / tick,
                                 0.0 if pid in self.branched else (int(fields[13]) + int(fields[14])) / tick)

    def _run(self) -> None:
        last_pss = -PSS_EVERY
        while not self._stop.wait(LOOK_EVERY):
            tree = self._tree()
            if time.monotonic() - last_pss >= PSS_EVERY:
                last_pss = time.monotonic()
                self.peak = max(self.peak, sum(self._pss(pid) for pid in tree))
            self._sample_zygotes(tree)

    def stop(self) -> ProcessTree:
        self._stop.set()
        self._thread.join()
        return self


@dataclass(frozen=True)
class GraderRun:
    seconds: float
    peak: int
    #: CPU seconds: the grader and all its processes; the zygotes' own; the kata runs' learner processes
    cpu: float
    zygotes: float
    learner_processes: float


def run_grader(folders: list[Path], out: Path, katas: list, *options: str) -> GraderRun:
    command = [sys.executable, "-c", "import sys; from pytest_autograd_kata.cli import main; sys.exit(main())",
               "--lang", "en", "grade", *map(str, folders), "--out", str(out), "--course", str(COURSE),
               "--katas", ",".join(k.id for k in katas), "--jobs", str(JOBS), *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=clean_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tree = ProcessTree(process.pid)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    tree.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"the grader failed:\n{stderr}")
    return GraderRun(elapsed, tree.peak, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
                     sum(own for own, _ in tree.zygotes.values()),
                     sum(children for _, children in tree.zygotes.values()))


def gradebook_scores(out: Path) -> dict[tuple[str, str], float]:
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        rows = list(csv.DictReader(book))
    katas = [name for name in rows[0] if name not in ("submission", "total", "max_total", "status", "sandbox")]
    return {(row["submission"], k): float(row[k]) for row in rows for k in katas}


def gradebook_sandboxes(out: Path) -> set[str]:
    with (out / "gradebook.csv").open(encoding="utf-8") as book:
        return {row["sandbox"] for row in csv.DictReader(book)}


def import_torch_seconds(repeat: int = 3) -> float:
    """The anchor every row is measured against: ``python -c "import torch"``, median wall seconds."""
    return interleaved_medians({"import torch": [sys.executable, "-c", "import torch"]}, repeat, REPO)["import torch"].wall


def cold_submission(folder: Path, out: Path, katas: list) -> tuple[float, dict[tuple[str, str], float]]:
    """One submission graded as a per-submission platform runs it (the Gradescope bundle's
    run_autograder): fresh processes, every kata, results written, every core."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest_autograd_kata.cli", "--lang", "en", "grade", str(folder),
                           "--out", str(out), "--course", str(COURSE), "--katas", ",".join(k.id for k in katas),
                           "--jobs", str(len(os.sched_getaffinity(0)))],
                          cwd=REPO, env=clean_environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"grading one submission failed:\n{done.stderr[-3000:]}")
    return seconds, gradebook_scores(out)


def measure() -> list[str]:
    measure_sandbox()
    katas = _katas()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = make_class(root / "class", katas)
        anchor_before = import_torch_seconds()
        graded = run_grader(folders, root / "out", katas, "--no-reuse")
        bare = run_grader(folders, root / "out-no-sandbox", katas, "--no-reuse", "--no-sandbox")
        colds = [cold_submission(folders[0], root / f"cold{i}", katas) for i in range(COLD_REPEAT)]
        anchor = statistics.median([anchor_before, import_torch_seconds()])
        class_scores = gradebook_scores(root / "out")
        same = (class_scores == gradebook_scores(root / "out-no-sandbox")
                and all(scores == {key: score for key, score in class_scores.items() if key[0] == folders[0].name}
                        for _, scores in colds))
        level = next(iter(gradebook_sandboxes(root / "out")))
    mib, runs, cores = 2**20, SUBMISSIONS * len(katas), len(os.sched_getaffinity(0))
    per_submission = graded.seconds / SUBMISSIONS
    cold = statistics.median(seconds for seconds, _ in colds)
    lines = [
        f"grading {SUBMISSIONS} submissions x {len(katas)} katas, no two files alike "
        f"({', '.join(k.id for k in katas)}; kata-grade profile, 25 examples per check); "
        f"python -c 'import torch': {anchor:.2f} s",
        f"  autograd-kata grade --no-reuse --jobs {JOBS}: {graded.seconds:.1f} s, {per_submission:.2f} s a submission "
        f"-> {per_submission / anchor:.2f}x import torch ({'meets' if per_submission / anchor <= GRADE_GOAL else 'MISSES'} "
        f"the goal <= {GRADE_GOAL}x); peak memory {graded.peak / mib:.0f} MiB",
        f"  one submission cold (fresh processes, every kata, results written; median of {COLD_REPEAT}): {cold:.1f} s "
        f"-> {cold / anchor:.2f}x import torch ({'meets' if cold / anchor <= COLD_GOAL else 'MISSES'} the goal <= {COLD_GOAL}x)",
        f"  same, --no-sandbox:                      {bare.seconds:.1f} s, peak memory {bare.peak / mib:.0f} MiB",
        f"  with the sandbox ({level}) minus without, one run each (a busy machine moves this by tens of seconds; "
        f"the sandbox's own cost is the lifecycle rows' difference, measured in turns): "
        f"{graded.seconds - bare.seconds:+.1f} s, {(graded.cpu - bare.cpu) / runs * 1000:+.0f} ms of CPU a kata run",
        f"  the grader's CPU: {graded.cpu:.1f} s = {graded.cpu / runs * 1000:.0f} ms a kata run; of it the kata runs' "
        f"learner processes (fork, the learner's code, the learner's side of the protocol, exit) "
        f"{graded.learner_processes:.1f} s = {graded.learner_processes / runs * 1000:.0f} ms a kata run, the zygotes "
        f"{graded.zygotes:.1f} s, the workers and the grader (checks, Hypothesis, reports) "
        f"{graded.cpu - graded.learner_processes - graded.zygotes:.1f} s ({cores} cores; bench_breakdown splits it further)",
        f"  same scores with and without the sandbox, and for the cold submission: {'yes' if same else 'NO'}",
    ]
    print("\n".join(lines))
    if not same:
        sys.exit("the grader's runs disagree on the scores")
    return lines


def learner_process_costs(levels: list[str], count: int = 40) -> dict[str, float]:
    """Median seconds, per level, to start a learner process, load a kata module in it, call one
    of its functions and see it end: what each kata run pays for its sandbox, without the
    checks. The levels take turns, so a busy moment slows them alike."""
    from pytest_autograd_kata.runner.client import Runner

    runners = {level: Runner(level) for level in levels}
    times: dict[str, list[float]] = {level: [] for level in levels}
    try:
        for runner in runners.values():
            runner.start()
            runner.spawn().close()  # the zygote is ready: only the learner processes are timed
        for _ in range(count):
            for level, runner in runners.items():
                start = time.perf_counter()
                process = runner.spawn()
                process.request({"op": "load", "sources": {"k": "def f():\n    return 1\n"},
                                 "paths": {"k": "k.py"}, "main": "k"}, [], None)
                process.request({"op": "call", "fn": {"t": "learner", "name": "f"}}, [], None)
                process.close()
                times[level].append(time.perf_counter() - start)
    finally:
        for runner in runners.values():
            runner.close()
    return {level: statistics.median(found) for level, found in times.items()}


def measure_sandbox() -> list[str]:
    from pytest_autograd_kata.grading import isolation
    from pytest_autograd_kata.runner import sandbox

    costs = learner_process_costs([level for level in sandbox.LEVELS if isolation.available(level)])
    lines = ["a learner process per kata run: start, load a module, one call, end (median of 40, levels in turn)"]
    lines += [f"  {level:<10} {cost * 1000:6.1f} ms  ({(cost - costs[sandbox.PROCESS]) * 1000:+.1f} ms vs process)"
              for level, cost in costs.items()]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    measure()
