"""The course, and a learner's copy of it: what every other room reads, standard library only.

- :mod:`.data`: the course file (``course.toml``: every kata's id, module, points, title,
  statement and hints, in English and Chinese); :mod:`.i18n`: the message catalog and the
  run's language, and :class:`~.i18n.Text` (a wording in both languages);
- :mod:`.outcomes`: what happened to a check and a kata, in the words every report uses;
  :mod:`.summary`, :mod:`.columns`, :mod:`.feedback`: how they read in a terminal;
  :mod:`.inert`: learner-made text with its control characters shown, never obeyed;
- :mod:`.checksums`: the course's record of its checks; :mod:`.stubs`: stubs made from the
  solutions;
- :mod:`.workspace`: a learner's working copy (the folder around ``katas/course.toml``);
  :mod:`.sources`: reading the learner's kata files as text; :mod:`.state`: what the copy
  remembers between runs; :mod:`.paths`: how files are named to a learner.

May use: the standard library only (no torch, NumPy, pytest or Hypothesis: the board, the
plugin's load and a notebook's setup read it), and no other room of the package.
"""
