"""Progress on stderr while a class is graded: submissions done of all, time, rate."""
from __future__ import annotations

import sys
import time
from typing import TextIO

from ..course.i18n import t


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        # sys.stderr as it is now, not as it was when this module was imported
        self.total, self.stream = total, stream or sys.stderr
        self.done = 0
        self.start = time.monotonic()
        # On a terminal the line is redrawn in place; in a log each update is its own line.
        self.end = "\r" if self.stream.isatty() else "\n"

    def submission_done(self, *_: object) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.start
        line = t("grade_progress", done=self.done, total=self.total, elapsed=elapsed,
                 rate=self.done / elapsed if elapsed else 0.0)
        self.stream.write(line + (self.end if self.done < self.total else "\n"))
        self.stream.flush()
