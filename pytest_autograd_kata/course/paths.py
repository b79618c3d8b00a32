"""How files are named to a learner: relative to the folder they work in."""
from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when it is below it, as a learner typed it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
