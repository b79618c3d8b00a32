"""Kata checks draw their inputs without the constants of the modules this process imported.

Hypothesis (6.131 on) makes some of its draws from the constants written in every "local" module
a process has imported: each module outside site-packages and the standard library, scanned as
it appears in ``sys.modules``. The code under test is the learner's, which never runs in this
process; the local modules here are this package (an editable install from a clone), the
course's own files, and whatever the checks before happened to import. A check's inputs, even
derandomized, would then depend on how the package was installed and on what ran before it:
a submission graded first in its worker could meet other inputs than the same submission
graded after one that failed. While a kata session runs, the local constants are none: the
same inputs on every install and in every order (and no scan of sixty-odd modules per process).
"""
from __future__ import annotations

from typing import Any, Callable

#: Hypothesis's own function, while the local constants are pinned
_replaced: list[Callable[[], Any]] = []


def pin() -> bool:
    """From now on, Hypothesis's draws in this process take no constants from local modules;
    whether this call pinned them (not when they already were, nor where Hypothesis keeps no
    local constants, or keeps them elsewhere: then it is left as it is)."""
    if _replaced:
        return False
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:
        return False
    original = getattr(providers, "_get_local_constants", None)
    if original is None or not hasattr(getattr(providers, "CONSTANTS_CACHE", None), "cache"):
        return False
    none = Constants()
    providers._get_local_constants = lambda: none
    _forget_cached(providers)
    _replaced.append(original)
    return True


def pinned() -> bool:
    return bool(_replaced)


def unpin() -> None:
    """Hypothesis's local constants as they were before :func:`pin` (a run nested in another)."""
    if _replaced:
        from hypothesis.internal.conjecture import providers

        providers._get_local_constants = _replaced.pop()
        _forget_cached(providers)


def _forget_cached(providers: Any) -> None:
    """Hypothesis's cache of the constants each kind of draw may take, local ones included (it
    clears it the same way when it finds new local constants)."""
    providers.CONSTANTS_CACHE.cache.clear()
