"""The course in Jupyter and Colab (the ``[notebook]`` extra), one job per module:

- :mod:`.cells`: a kata's module gathered from a notebook's cells (standard library only; the
  grader uses it too);
- :mod:`.document`: the course written as a notebook, and a notebook file's code cells;
- :mod:`.course`: which course a kernel works in, and each kata's stub (Colab: the one the
  package ships);
- :mod:`.session`, :mod:`.magics`, :mod:`.display`: ``%kata`` in a kernel, shown as rich output
  (the PNGs the learner's code saved come back through :mod:`..trusted.figures`);
- :mod:`.wording`: what the checks' messages say about a notebook's cells.

``%load_ext pytest_autograd_kata`` loads the magic; importing this package imports nothing heavy.

May use: the trusted side (``%kata`` asks the course's check service, as ``run`` does) and every
room below it. Never the grader, the authoring tools or the command line.
"""
from __future__ import annotations

_magics: dict[int, object] = {}


def load_ipython_extension(shell) -> None:
    """Register ``%kata`` in the kernel ``shell``."""
    from .magics import KataMagic

    magic = KataMagic(shell)
    _magics[id(shell)] = magic
    shell.register_magic_function(magic, magic_kind="line", magic_name="kata")


def unload_ipython_extension(shell) -> None:
    magic = _magics.pop(id(shell), None)
    if magic is not None:
        magic.close()
