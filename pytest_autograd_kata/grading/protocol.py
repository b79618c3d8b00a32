"""Messages between the grader, its workers and their children: one JSON object per line
on a pipe. Shared by both ends so they cannot disagree on the framing."""
from __future__ import annotations

import json
import os


def send(fd: int, message: dict) -> None:
    data = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


class LineReader:
    """Splits what arrives on a pipe into messages; ``feed`` returns the complete ones."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> list[dict]:
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        messages = []
        for line in lines:
            try:
                messages.append(json.loads(line))
            except ValueError:  # not ours: a child's pipe can be written to by the code it checks
                continue
        return messages
