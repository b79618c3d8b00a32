"""What the learner's own code did in its process that reaches for the machinery around it, heard
from Python's audit hooks (PEP 578), which no code can remove once added.

The trusted side reads the learner's file before anything runs (course.machinery), which finds
every such reach written out in the file; this hears the ones made by roundabout ways (a name
built at run time, code from a string): the stack and its frames, the garbage collector's view of
objects, raw memory, code compiled from strings, a tracer. An event counts when the code that
caused it is the learner's, directly or through a module of the standard library whose job is to
do that for its caller (``inspect.stack()``, ``ctypes.CDLL``): torch and the runner read frames for
their own ends, and ``dataclasses``, ``collections.namedtuple`` or ``enum`` compile code and read
frames for an honest answer's class.

Each event heard leaves the process at once, as a line on a pipe of its own that only the trusted
side reads (:meth:`Heard.listen`): code that reached the machinery could then edit this process's
records, but not call back a line already sent, and closing the pipe shows on the trusted side.
"""
from __future__ import annotations

import json
import os
import sys
import sysconfig
from typing import Any

#: the events heard, and what each reaches for (the keys of course.machinery's reasons)
EVENTS = {
    "sys._getframe": "frames", "sys._current_frames": "frames",
    "gc.get_referrers": "gc",
    "gc.get_referents": "gc",
    "gc.get_objects": "gc",
    "ctypes.dlopen": "memory", "ctypes.dlsym": "memory",
    "ctypes.cdata": "memory", "ctypes.addressof": "memory",
    "ctypes.string_at": "memory", "ctypes.call_function": "memory",
    "compile": "code_from_strings", "exec": "code_from_strings",
    "sys.settrace": "tracer", "sys.setprofile": "tracer",
    "sys.addaudithook": "audit", "function.__new__": "code_objects",
    "code.__new__": "code_objects", "object.__getattr__": "function_internals",
    "marshal.loads": "code_objects", "pickle.find_class": "unpickling",
}
#: the longest line a pipe takes in one piece (POSIX's PIPE_BUF): a record is never split
RECORD_LIMIT = 4096
#: the modules of the standard library that read frames or raw memory on their caller's behalf
#: (not traceback's: ``traceback.print_exc()`` reads the frames of an error's traceback for
#: honest debugging; its stack-reading functions are named in the file, and flagged there)
ON_BEHALF = tuple(f"{folder}/{name}" for folder in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
                  for name in ("inspect.py", "ctypes/__init__.py"))


class Heard:
    """The audit hook of a learner process: each (event, file, line) heard is sent once, as a
    JSON line [event, what it reaches for, file, line], on the pipe ``fd``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.files: frozenset[str] = frozenset()
        self.heard: set[tuple[str, str, int]] = set()
        self._inside = False
        # never wait on a full pipe: a record that does not fit is one the trusted side already has
        os.set_blocking(fd, False)

    def listen(self, learner_files: frozenset[str]) -> None:
        """Hear from now on, for the learner's ``learner_files``."""
        self.files = learner_files
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if event not in EVENTS or self._inside:
            return
        self._inside = True  # reading frames here is an event too
        try:
            where = self._cause()
            if where is not None and (event, *where) not in self.heard:
                self.heard.add((event, *where))
                self._send([event, EVENTS[event], *where])
        finally:
            self._inside = False

    def _send(self, record: list) -> None:
        line = json.dumps(record).encode()[:RECORD_LIMIT - 1] + b"\n"
        try:
            os.write(self.fd, line)
        except OSError:  # full, or closed by the learner's code: the trusted side sees which
            pass

    def _cause(self) -> tuple[str, int] | None:
        """The file and line of the learner's code that caused the event, if it did."""
        frame: Any = sys._getframe(2)  # past this method and the hook: the code that made the event
        while frame is not None and frame.f_code.co_filename in ON_BEHALF:
            frame = frame.f_back
        if frame is not None and frame.f_code.co_filename in self.files:
            return frame.f_code.co_filename, frame.f_lineno
        return None
