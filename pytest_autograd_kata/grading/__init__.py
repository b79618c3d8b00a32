"""Grading a whole class: ``autograd-kata grade SUBMISSION_DIR... --out OUT_DIR``.

One module per job: :mod:`.planning` checks the input into a :mod:`.plan`, :mod:`.isolation` decides the sandbox once,
:mod:`.intake` copies each submission's kata files once into :mod:`.workdir` (``OUT/.work``),
:mod:`.pool` runs trusted worker processes (:mod:`.worker`), each a pytest session that
checks one (submission, kata) at a time while the learner's code runs in sandboxed learner
processes (:mod:`..runner`); :mod:`.grade` puts the results together, :mod:`.gradebook` and
:mod:`.class_summary` write them, :mod:`.progress` reports on stderr, and :mod:`.bundle` writes
Gradescope's autograder zip; :mod:`.shards` splits a class over machines and merges the shares.
Only the grader's own process writes files, and only into OUT_DIR.

May use: the notebook room (to read a notebook submission's cells), the trusted side (its
workers serve from the check server) and every room below. Never the authoring tools or the
command line, which call it.
"""
