"""Learner-made text made inert (:mod:`pytest_autograd_kata.course.inert`): every character a
terminal obeys or that hides text shown as its escape (``\\x1b``), newlines, tabs and Chinese
text kept."""
from __future__ import annotations

import pytest

from conftest import COURSE
from hostile_text import FORGERY, TRICKS
from pytest_autograd_kata.course.data import LANGS
from pytest_autograd_kata.course.i18n import catalog
from pytest_autograd_kata.course.inert import inert, inert_line


# ------------------------------------------------------------------ the function


@pytest.mark.parametrize("raw, shown", [
    ("\x00 \x07 \x08 \x0b \x0c \x1b \x1f", "\\x00 \\x07 \\x08 \\x0b \\x0c \\x1b \\x1f"),  # C0
    ("\x7f", "\\x7f"),  # DEL
    ("\x80 \x85 \x9b \x9f", "\\x80 \\x85 \\x9b \\x9f"),  # C1
    ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),  # bidi embeddings, overrides
    ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),  # bidi isolates
    ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),  # direction marks
    ("a\u200bb\u200dc\u2060d\ufeff", "a\\u200bb\\u200dc\\u2060d\\ufeff"),  # zero-width, BOM
    ("\U000e0041", "\\U000e0041"),  # a tag character
    ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # line and paragraph separators: no forged lines
    ("\ud800", "\\ud800"),  # a lone surrogate
    ("\U000e0080", "\\U000e0080"),  # unassigned
])
def test_each_kind_of_hidden_character_is_shown_as_its_escape(raw: str, shown: str) -> None:
    assert inert(raw) == shown
    assert inert_line(raw) == shown


def test_newlines_and_tabs_are_kept_and_windows_line_ends_are_newlines() -> None:
    assert inert("first\n\tsecond\n") == "first\n\tsecond\n"
    assert inert("first\r\nsecond\r\n") == "first\nsecond\n"
    assert inert("50%\r100%") == "50%\\r100%"  # a carriage return alone would overwrite the line
    assert inert("a\r\r\nb") == "a\\r\nb"


def test_a_name_shows_its_line_breaks_and_tabs_too() -> None:
    assert inert_line("eve\n✔ all done\r\tx") == "eve\\n✔ all done\\r\\tx"
    assert inert_line("first\r\nsecond") == "first\\nsecond"


def test_printable_text_of_every_script_is_untouched() -> None:
    text = "梯度：∂y/∂x（第 3 行）\u3000x.grad 不对 — é ß Ω 🙂 👍🏽 \xa0 \\x1b C:\\path"
    assert inert(text) == text
    assert inert_line(text) == text


def test_what_the_course_itself_says_passes_unchanged() -> None:
    """Every message and every kata's text, in both languages, is left as it is: where it is
    joined with the learner's text and made inert with it, it reads as written."""
    texts = [text for entry in catalog().values() for text in entry.values() if isinstance(text, str)]
    for kata in COURSE.katas:
        for lang in LANGS:
            texts += [kata.text("title", lang), kata.text("statement", lang), *kata.text("hints", lang)]
    assert [text for text in texts if inert(text) != text] == []


def test_made_inert_twice_is_made_inert_once() -> None:
    text = FORGERY + "\r\n" + TRICKS + "\t\u2028\ud800"
    assert inert(inert(text)) == inert(text)
    assert inert_line(inert_line(text)) == inert_line(text)
    assert inert_line(inert(text)) == inert_line(text)
