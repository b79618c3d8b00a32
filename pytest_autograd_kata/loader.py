"""Loading the learner's module for one kata from the target folder.

Only the kata's own file is executed: the folder is never put on ``sys.path``, so nothing
else in it (tests, conftest.py, a file named torch.py) can be imported by accident. Every
problem becomes a named error of that kata alone.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from .i18n import t
from .timeout import KataTimeout

#: prefix of the names the learner's modules get in ``sys.modules``
MODULE_PREFIX = "_kata_target."


class KataLoadError(Exception):
    """The kata's module is missing, cannot be imported, or lacks a function."""


class MissingFunction(KataLoadError, AttributeError):
    """An AttributeError too, so ``hasattr`` (and Hypothesis probing a fixture) still works."""


class LearnerExit(Exception):
    """Learner code raised SystemExit or KeyboardInterrupt; caught so that one kata's
    ``sys.exit()`` does not end the whole run."""


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when it is below it, as a learner typed it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class KataModule:
    """The learner's module, as handed to a check by the ``kata`` fixture.

    A missing function is a named failure, and a function that calls ``sys.exit()`` or
    raises ``KeyboardInterrupt`` fails its check instead of stopping pytest."""

    def __init__(self, module: ModuleType, path: Path, kata_id: str) -> None:
        self.__dict__.update(_module=module, _path=path, _kata_id=kata_id)

    def __getattr__(self, name: str) -> Any:
        try:
            value = getattr(self._module, name)
        except AttributeError:
            if name.startswith("_") or name.startswith("hypothesis_"):
                raise
            raise MissingFunction(t("missing_function", path=display_path(self._path), function=name)) from None
        return _guard_exits(value) if callable(value) and not isinstance(value, type) else value

    def __repr__(self) -> str:
        return f"<kata {self._kata_id} from {display_path(self._path)}>"


def _guard_exits(function: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        try:
            return function(*args, **kwargs)
        except (SystemExit, KeyboardInterrupt) as stop:
            raise LearnerExit(f"{getattr(function, '__name__', function)} raised "
                              f"{type(stop).__name__}({stop}) instead of returning") from None

    call.__wrapped__ = function
    call.__name__ = getattr(function, "__name__", "function")
    return call


_cache: dict[tuple[Path, int, int], ModuleType] = {}


def load(target: Path, module_name: str, kata_id: str) -> KataModule:
    """Import ``target/module_name.py`` once per file version and wrap it."""
    path = (Path(target) / f"{module_name}.py").absolute()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise KataLoadError(t("missing_file", path=display_path(path), kata=kata_id)) from None
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache[key] = _execute(path, module_name)
    return KataModule(_cache[key], path, kata_id)


def _execute(path: Path, module_name: str) -> ModuleType:
    name = MODULE_PREFIX + module_name
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except KataTimeout:
        sys.modules.pop(name, None)
        raise
    except BaseException as err:  # a syntax error, an exception or sys.exit() at import
        sys.modules.pop(name, None)
        if isinstance(err, SyntaxError):
            detail = f"SyntaxError at line {err.lineno}: {err.msg}"
        else:
            frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)]
            where = f" (line {frames[-1].lineno})" if frames else ""
            detail = f"{type(err).__name__}: {err}{where}"
        raise KataLoadError(t("import_error", path=display_path(path), error=detail)) from None
    return module
