"""The project's benchmark script: ``python benchmarks/run.py``.

It measures, side by side in one run, what the plugin costs a pytest session that has nothing
to do with katas (goal: ≤ 1.05× the same session with ``-p no:autograd_kata``), how fast a
learner's repeated ``autograd-kata run kNN`` answers against a bare ``python -c "import torch"``
(goal: at least 2× faster), then runs ``measure()`` of every other ``benchmarks/bench_*.py`` module. A benchmark module's
``measure()`` prints its own figures; it may use :func:`interleaved_medians` from here.

Timings are medians of interleaved repetitions: a machine that slows down for a while slows
both sides alike, so the ratio stays fair.
"""
from __future__ import annotations

import importlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
#: repetitions of the plugin-overhead measure (each side); at least 10 for a stable median
REPEAT = 15


def clean_environment() -> dict[str, str]:
    """The current environment without KATA_* settings, which would change what is measured."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KATA_")}


@dataclass(frozen=True)
class Timing:
    """Median seconds of one command: wall clock (the goal's measure) and CPU (user + system,
    which another process on the machine disturbs less)."""
    wall: float
    cpu: float


def interleaved_medians(commands: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str, Timing]:
    """Run each command ``repeat`` times, taking turns, and return each one's median timing.

    A command that fails stops the benchmark with its output: a broken run is no measure."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    env = clean_environment()
    for _ in range(repeat):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
            walls[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode != 0:
                sys.exit(f"{name} failed ({' '.join(command)}):\n{done.stdout}\n{done.stderr}")
    return {name: Timing(statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands}


def ratio_lines(what: str, measured: Timing, baseline: Timing, goal: float) -> list[str]:
    ratio = measured.wall / baseline.wall
    verdict = "meets" if ratio <= goal else "MISSES"
    return [f"  {what}",
            f"    wall: {measured.wall:.3f} s vs {baseline.wall:.3f} s -> ratio {ratio:.3f} "
            f"({verdict} the goal <= {goal})",
            f"    cpu:  {measured.cpu:.3f} s vs {baseline.cpu:.3f} s -> ratio {measured.cpu / baseline.cpu:.3f}"]


def measure_plugin_overhead() -> None:
    """A trivial session with the plugin installed vs the same session without it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pytest.ini").write_text("[pytest]\n")  # its own rootdir: no project config
        (root / "test_trivial.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        session = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"]
        medians = interleaved_medians({"with plugin": session,
                                       "without": session + ["-p", "no:autograd_kata"]}, REPEAT, root)
    print(f"plugin overhead (trivial pytest session, median of {REPEAT} interleaved runs each)")
    print("\n".join(ratio_lines("with the plugin vs -p no:autograd_kata", medians["with plugin"],
                                medians["without"], goal=1.05)))


#: the katas whose repeated `run` is measured, solved (a passing run checks every example)
RUN_KATAS = ("k01", "k03")
RUN_GOAL = 2.0


def measure_learner_run() -> None:
    """A repeated ``autograd-kata run kNN`` (the course's check service already warm, as after a
    learner's first run) against ``python -c "import torch"``, which any run that loads torch
    itself would pay."""
    sys.path.insert(0, str(REPO))
    from pytest_autograd_kata.trusted.service import stop
    from pytest_autograd_kata.course.workspace import find
    from pytest_autograd_kata.course.data import load_course

    course = load_course(REPO / "katas")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("katas", "solutions"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        commands = {"import torch": [sys.executable, "-c", "import torch"]}
        for kata_id in RUN_KATAS:
            kata = course.get(kata_id)
            shutil.copy(REPO / "solutions" / kata.filename, root / "katas" / kata.filename)
            commands[f"run {kata_id}"] = [sys.executable, "-m", "pytest_autograd_kata.cli", "run", kata_id]
        try:
            interleaved_medians({"first run": commands[f"run {RUN_KATAS[0]}"]}, 1, root)  # starts the service
            medians = interleaved_medians(commands, REPEAT, root)
        finally:
            stop(find(root))
    print(f"a repeated `autograd-kata run` vs `python -c \"import torch\"` (median of {REPEAT} interleaved runs each)")
    baseline = medians["import torch"]
    for kata_id in RUN_KATAS:
        timing = medians[f"run {kata_id}"]
        speedup = baseline.wall / timing.wall
        verdict = "meets" if speedup >= RUN_GOAL else "MISSES"
        print(f"  run {kata_id} (solved): {timing.wall:.3f} s wall; import torch: {baseline.wall:.3f} s wall "
              f"-> run is {speedup:.2f}x faster ({verdict} the goal >= {RUN_GOAL}x)")
    print(f"  cpu of the command itself: run {medians[f'run {RUN_KATAS[0]}'].cpu:.3f} s, import torch "
          f"{baseline.cpu:.3f} s (the service's own work is not the command's)")


def benchmark_modules() -> list[str]:
    return sorted(p.stem for p in BENCHMARKS.glob("bench_*.py"))


def main() -> int:
    os.chdir(REPO)
    sys.path.insert(0, str(BENCHMARKS))
    measure_plugin_overhead()
    print()
    measure_learner_run()
    for name in benchmark_modules():
        print()
        print(f"{name}")
        importlib.import_module(name).measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
