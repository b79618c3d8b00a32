"""``OUT/.work``: the grader's private folder for one run, removed when the run ends.

- ``copies/N/``: submission N's kata files as read once, before anything ran (see :mod:`.intake`);
- ``workers/N/``: worker N's working folder and temporary folder (``TMPDIR``);
- ``scratch/``: where the runner puts learner processes' output files and, outside a mount
  namespace, their scratch folders.

Only the grader's own user can enter it. At the ``uid`` level a learner process runs as a uid
of its own and must reach its scratch folder by path, and ``OUT`` may lie in a folder others
cannot enter (a ``mktemp -d``, ``/root``): there the scratch folders live in a folder of the
system's temporary folder (one every uid can reach) that others may enter but not list,
removed with the run too.
"""
from __future__ import annotations

import itertools
import os
import shutil
import stat
import tempfile
from pathlib import Path

from ..course.i18n import t
from ..runner import sandbox
from .plan import GradeError

WORK = ".work"
#: where a folder every uid can reach may be made, in order
SHARED_TEMPORARY = ("/tmp", "/var/tmp", "/dev/shm")


class WorkFolder:
    def __init__(self, out: Path, level: str) -> None:
        self.root = out / WORK
        out.mkdir(parents=True, exist_ok=True)
        if self.root.is_symlink() or self.root.exists():
            _remove(self.root)  # a run that was interrupted
        self.root.mkdir(mode=0o700)
        self.copies = self._folder("copies")
        self.workers = self._folder("workers")
        if level == sandbox.UID:
            self.scratch = Path(tempfile.mkdtemp(prefix="autograd-kata-scratch-", dir=reachable_temporary()))
            self.scratch.chmod(0o711)
        else:
            self.scratch = self._folder("scratch")
        self._serials = itertools.count(1)  # next() on it is atomic: workers start from threads

    def _folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700)
        return path

    def copy_folder(self, index: int) -> Path:
        path = self.copies / str(index)
        path.mkdir(mode=0o700)
        return path

    def worker_folder(self) -> Path:
        """A fresh folder for a worker (each replacement gets its own)."""
        path = self.workers / str(next(self._serials))
        path.mkdir(mode=0o700)
        return path

    def remove(self) -> None:
        _remove(self.root)
        if not self.scratch.is_relative_to(self.root):
            _remove(self.scratch)


def _remove(path: Path) -> None:
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def reachable_by_everyone(folder: Path) -> bool:
    """Whether a process of any uid can walk down to ``folder`` (every folder on the way has
    the execute bit for others)."""
    return all(os.stat(part).st_mode & stat.S_IXOTH for part in [folder, *folder.parents])


def reachable_temporary() -> str:
    for candidate in (tempfile.gettempdir(), *SHARED_TEMPORARY):
        if os.path.isdir(candidate) and reachable_by_everyone(Path(candidate).resolve()):
            return candidate
    raise GradeError(t("grade_no_shared_temporary", folder=tempfile.gettempdir()))
