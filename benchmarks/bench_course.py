"""The whole course against the reference solutions, with the default learner profile (every
Hypothesis check runs at least 25 examples) and the default ``--kata-jobs auto`` (the kata
modules side by side, one forked pytest process per core), vs the floor: the imports any such
run pays.
Goal: ≤ 2.0×. ``python benchmarks/bench_course.py`` runs it alone."""
from __future__ import annotations

import sys

from run import REPO, interleaved_medians, ratio_lines

#: the course takes seconds: a few interleaved runs give a stable median
REPEAT = 5
COURSE = [sys.executable, "-m", "pytest", "katas", "--kata-target", "solutions", "-q", "-p", "no:cacheprovider"]
FLOOR = [sys.executable, "-c", "import torch, hypothesis, pytest"]


def measure() -> None:
    medians = interleaved_medians({"course": COURSE, "floor": FLOOR}, REPEAT, REPO)
    print(f"course run vs import floor (median of {REPEAT} interleaved runs each)")
    print("\n".join(ratio_lines("pytest katas --kata-target solutions vs python -c 'import torch, hypothesis, pytest'",
                                medians["course"], medians["floor"], goal=2.0)))


if __name__ == "__main__":
    measure()
