"""Which language the learner reads, and the message catalog (``messages.toml``).

Every message exists in English and Chinese. Beside each Chinese text is ``zh_source``,
the fingerprint of the English it was translated from, so a test can tell when the English
moved on without its translation.
"""
from __future__ import annotations

import locale
import os
import tomllib
from functools import lru_cache
from pathlib import Path

from .course import LANGS

MESSAGES_FILE = Path(__file__).with_name("messages.toml")
ENV_LANG = "KATA_LANG"

_current = "en"


class LanguageError(ValueError):
    pass


def check_lang(value: str, source: str) -> str:
    value = value.strip().lower()
    if value not in LANGS:
        raise LanguageError(f"{source}: unknown language {value!r}; use one of: {', '.join(LANGS)}")
    return value


def resolve_lang(option: str | None = None, ini: str | None = None) -> str:
    """The command-line option, then the ini key, then ``KATA_LANG``, then the locale, then en."""
    if option:
        return check_lang(option, "--kata-lang")
    if ini:
        return check_lang(ini, "ini kata_lang")
    if os.environ.get(ENV_LANG):
        return check_lang(os.environ[ENV_LANG], ENV_LANG)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return "zh" if os.environ[name].lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def set_language(lang: str) -> None:
    """Messages raised from now on (assertion helpers, summaries) use ``lang``."""
    global _current
    _current = check_lang(lang, "language")


def current_language() -> str:
    return _current


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    return tomllib.loads(MESSAGES_FILE.read_text(encoding="utf-8"))


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``fields``."""
    entry = catalog()[key]
    return entry.get(lang or _current, entry["en"]).format(**fields)


class Text:
    """A short text a check supplies in both languages (what was expected, in words).

    Both are required, so a check cannot carry a message in one language only."""

    __slots__ = ("en", "zh")

    def __init__(self, en: str, zh: str) -> None:
        if not en or not zh:
            raise LanguageError("Text needs both an English and a Chinese wording")
        self.en, self.zh = en, zh

    def __str__(self) -> str:
        return self.zh if _current == "zh" else self.en

    def __repr__(self) -> str:
        return f"Text(en={self.en!r}, zh={self.zh!r})"
