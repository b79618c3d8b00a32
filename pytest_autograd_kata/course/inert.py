"""Learner-made text made inert: what a terminal, a spreadsheet or a browser would obey, shown.

An exception's message and type name, an object's repr, what the learner's code printed, a
notebook's cells, a submission's name: the learner chose every character of them, and a
report, a summary, a console or the gradebook that passed them on raw would let the learner's
text move the cursor, erase the real verdict and print its own ("✔ every kata passed"), set
a terminal's title, or reverse a line's reading order. So every such character is written out
as the escape a Python programmer writes it with, the one ``repr`` shows (``\\x1b``, ``\\x9b``,
``\\u202e``): one notation for every kind of character (control pictures such as ``␛`` exist
for the C0 controls only, not for C1 controls or format characters), plain ASCII that any
terminal, font, CSV reader or web page shows as it is, and the learner's own source spelling.

Shown as escapes: the C0 and C1 controls and DEL (category Cc), the invisible format
characters (Cf: the bidirectional embeddings, overrides and isolates U+202A–U+202E and
U+2066–U+2069, marks such as U+200E, zero-width characters, U+FEFF, tag characters), the line
and paragraph separators (Zl, Zp: :meth:`str.splitlines` breaks at them, so they forge lines),
lone surrogates (Cs: no UTF-8 file can hold them) and unassigned code points (Cn). Everything
else is kept as it is: letters of every script (Chinese included), symbols, emoji, spaces.

:func:`inert` keeps a text's newlines and tabs (messages span lines and indent them); a line
break written as ``\\r\\n`` (Windows code, or ``print(..., end="\\r\\n")``) is a line break,
shown as one; a carriage return alone, which would overwrite its line, is shown as ``\\r``.
:func:`inert_line` is for a name: it shows newlines and tabs as escapes too.

The escapes are printable ASCII, so making a text inert twice changes nothing: text may be made
inert where it enters the trusted side and again where it leaves, and text the trusted side
wrote itself (which holds no such character) passes unchanged. Backslashes are not escaped:
the aim is that nothing is obeyed, not that the text can be read back.
"""
from __future__ import annotations

import unicodedata

#: Unicode categories of the characters shown as escapes (see the module's docstring)
SHOWN_AS_ESCAPES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
#: what a multi-line text keeps: its lines and its indentation
LAYOUT = "\n\t"
#: the controls ``repr`` writes by name, as a Python programmer does
NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def inert(text: str) -> str:
    """``text`` with every character a terminal would obey or hide shown as its escape;
    newlines and tabs kept, ``\\r\\n`` as a newline."""
    text = text.replace("\r\n", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():  # the usual case, at C speed
        return text
    return "".join(char if char in LAYOUT else _shown(char) for char in text)


def inert_line(text: str) -> str:
    """``text`` (a name) on one line: what :func:`inert` shows, with its newlines and tabs
    shown as escapes too."""
    text = text.replace("\r\n", "\n")
    return text if text.isprintable() else "".join(_shown(char) for char in text)


def _shown(char: str) -> str:
    if unicodedata.category(char) not in SHOWN_AS_ESCAPES:
        return char
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
