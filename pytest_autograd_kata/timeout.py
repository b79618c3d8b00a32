"""A per-check time limit (``--kata-timeout``), so a runaway loop ends one check, not the run.

SIGALRM interrupts the main thread; the alarm repeats every second until the check ends, so
code that swallows the first interruption is interrupted again. Where SIGALRM does not exist
(Windows) checks run without a limit; the grader enforces its own limit by killing a child.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

#: seconds between repeated interruptions once the limit has passed
REPEAT = 1.0


class KataTimeout(BaseException):
    """A check ran past its limit. A BaseException, so neither Hypothesis nor a learner's
    ``except Exception`` treats it as an ordinary failure to shrink or swallow."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def supported() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`KataTimeout` in this thread once ``seconds`` have passed (0: no limit)."""
    if seconds <= 0 or not supported():
        yield
        return

    def interrupt(signum, frame):
        raise KataTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
