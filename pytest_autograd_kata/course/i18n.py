"""Which language the learner reads, and the message catalog (``messages.toml``).

Every message exists in English and Chinese. Beside each Chinese text is ``zh_source``,
the fingerprint of the English it was translated from, so a test can tell when the English
moved on without its translation.
"""
from __future__ import annotations

import locale
import os
import re
import string
import tomllib
from functools import lru_cache
from pathlib import Path

from .data import LANGS

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


#: Chinese characters and punctuation
_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``fields``."""
    lang = lang or _current
    entry = catalog()[key]
    template = entry.get(lang, entry["en"])
    return _format_chinese(template, fields) if lang == "zh" else template.format(**fields)


def _format_chinese(template: str, fields: dict) -> str:
    """``template.format(**fields)``, except that a space the template puts between Chinese text
    and a field is left out where the field's value is Chinese text there too: the spaces set
    off a name like x.grad, and "x.grad 与 原来的 x.grad" reads as a slip. Only the template's
    spaces go; a value (a line of the learner's code) is never changed."""
    pieces: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if pieces and pieces[-1] and _CHINESE.match(pieces[-1][-1:]) and literal[:1] == " " \
                and _CHINESE.match(literal[1:2]):
            literal = literal[1:]
        pieces.append(literal)
        if name is None:
            continue
        value = format(_converted(fields[name], conversion), spec or "")
        if literal[-1:] == " " and _CHINESE.match(literal[-2:-1]) and _CHINESE.match(value[:1]):
            pieces[-1] = literal[:-1]
        pieces.append(value)
    return "".join(pieces)


def _converted(value: object, conversion: str | None) -> object:
    return {"r": repr, "s": str, "a": ascii}[conversion](value) if conversion else value


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
