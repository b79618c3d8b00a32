"""Telling ``watch`` that a file in a folder was saved: file events through ``watchdog`` when it
is installed (the ``watch`` extra), otherwise a look at every file's modification time and
size a few times a second. Either way, each save calls back with the file's path."""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

#: seconds between two looks when polling: well under a learner's reaction time, and a few
#: stat calls on a dozen files cost nothing
POLL_INTERVAL = 0.05
EVENTS, POLLING = "events", "polling"


def start(folder: Path, on_save: Callable[[Path], None], poll: bool = False) -> str:
    """Start watching ``folder`` in the background; returns how (:data:`EVENTS` or :data:`POLLING`)."""
    if not poll:
        try:
            _start_watchdog(folder, on_save)
            return EVENTS
        except ImportError:
            pass
    threading.Thread(target=_poll, args=(folder, on_save), daemon=True).start()
    return POLLING


def _start_watchdog(folder: Path, on_save: Callable[[Path], None]) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            # An editor saves by writing the file or by renaming a new one onto it.
            if event.event_type in ("modified", "created", "moved") and not event.is_directory:
                on_save(Path(getattr(event, "dest_path", "") or event.src_path))

    observer = Observer()
    observer.daemon = True
    observer.schedule(Saved(), str(folder))
    observer.start()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _poll(folder: Path, on_save: Callable[[Path], None]) -> None:
    seen = {path: _signature(path) for path in folder.glob("*.py")}
    stop = threading.Event()
    while not stop.wait(POLL_INTERVAL):
        for path in folder.glob("*.py"):
            now = _signature(path)
            if now != seen.get(path):
                seen[path] = now
                on_save(path)
