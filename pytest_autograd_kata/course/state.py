"""What the learner's working copy remembers between runs, without any server: the hint level
reached per kata, and each kata's last result with a digest of the files it was checked on.

One small JSON file, ``.kata/state.json`` (``.kata/`` is gitignored), replaced atomically so an
interrupted write never leaves half a file. A file that cannot be read is set aside, not lost.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from .i18n import t
from .outcomes import KataResult

STATE_FILE = "state.json"
VERSION = 1


class State:
    def __init__(self, path: Path, data: dict | None = None, warning: str = "") -> None:
        self.path = path
        self.data = data or {"version": VERSION, "hints": {}, "results": {}}
        #: set when an unreadable file was set aside; the command shows it to the learner
        self.warning = warning

    @classmethod
    def load(cls, folder: Path) -> State:
        path = folder / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not (isinstance(data, dict) and data.get("version") == VERSION
                    and isinstance(data.get("hints"), dict) and isinstance(data.get("results"), dict)):
                raise ValueError(f"not a version {VERSION} state file")
            return cls(path, data)
        except FileNotFoundError:
            return cls(path)
        except (ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
            kept = path.with_name(f"{STATE_FILE}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(path, kept)
            return cls(path, warning=t("state_unreadable", path=path, error=err, kept=kept))

    def reload(self) -> None:
        """Read the file again: another command (a hint in a second terminal, say) may have
        written it while this one was running checks."""
        self.data = State.load(self.path.parent).data

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.data, out, indent=1, ensure_ascii=False)
            os.replace(temporary, self.path)
        except BaseException:
            os.unlink(temporary)
            raise

    # ------------------------------------------------------------ hints

    def hints_seen(self, kata_id: str) -> int:
        return self.data["hints"].get(kata_id, 0)

    def see_hint(self, kata_id: str, level: int) -> None:
        self.data["hints"][kata_id] = max(level, self.hints_seen(kata_id))

    # ------------------------------------------------------------ results

    def result(self, kata_id: str, digest: str) -> KataResult | None:
        """The kata's last result, if it was checked on files with this digest."""
        entry = self.data["results"].get(kata_id)
        if entry is None or entry["digest"] != digest:
            return None
        return KataResult.from_json(entry["result"])

    def remember(self, result: KataResult, digest: str) -> None:
        self.data["results"][result.id] = {"digest": digest, "result": result.to_json()}

    def forget(self, kata_id: str) -> None:
        self.data["results"].pop(kata_id, None)
