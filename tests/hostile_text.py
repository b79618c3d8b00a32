"""A forger's text, for the tests that make sure learner-made text reaches every report and
console inert (tests/test_learner_text_inert.py, tests/test_notebook_kernel.py): what it says,
how a report shows it, a forger's kata files, and the characters no output may hold."""
from __future__ import annotations

import unicodedata

#: what a forger's code says: cursor up, erase the line, back to its start, a verdict of its own
FORGERY = "\x1b[1A\x1b[2K\r  ✔ every kata passed"
#: how every report shows it
FORGERY_SHOWN = "\\x1b[1A\\x1b[2K\\r  ✔ every kata passed"
#: the rest of a terminal's and a reader's tricks: a window title (OSC), a C1 CSI that clears
#: the screen, a right-to-left override and an isolate, a zero-width space, NUL, DEL; and Chinese
TRICKS = "\x1b]0;pwned\x07 \x9b2J \u202egnissap\u202c \u2066x\u2069 a\u200bb \x00\x7f 梯度"
TRICKS_SHOWN = "\\x1b]0;pwned\\x07 \\x9b2J \\u202egnissap\\u202c \\u2066x\\u2069 a\\u200bb \\x00\\x7f 梯度"
#: a type name the learner chose, and as shown
TYPE_NAME, TYPE_NAME_SHOWN = "Shady\x1b[2K", "Shady\\x1b[2K"

#: k01 raises the forgery (and prints it); k02 prints Windows lines and a progress line redrawn
#: with a lone carriage return, then returns the wrong value; k03 is right
HOSTILE = {
    "k01": ("import torch\n\n\n"
            "class Shady(ValueError):\n    pass\n\n\n"
            f"Shady.__qualname__ = {TYPE_NAME!r}\n\n\n"
            "def make_x(n, device='cpu'):\n"
            f"    print({FORGERY!r})\n"
            f"    print({TRICKS!r})\n"
            f"    raise Shady({FORGERY + chr(10) + TRICKS!r})\n"),
    "k02": ("import torch\n\n\n"
            "def two_x_dot_x(x):\n"
            "    print('step 1', end='\\r\\n')\n    print('step 2', end='\\r\\n')\n"
            "    print('50%\\r100%')\n"
            "    return (x * x).sum()  # the kata asks for 2·xᵀx\n"),
}
#: what k02's learner printed, as shown: Windows lines as lines, the lone carriage return as \r
PRINTED_K02_SHOWN = "step 1\nstep 2\n50%\\r100%\n"


def hidden(text: str) -> list[str]:
    """The characters of ``text`` that a terminal obeys or that hide text (newlines and tabs
    are a text's own layout)."""
    return [char for char in text if char not in "\n\t"
            and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn")]
