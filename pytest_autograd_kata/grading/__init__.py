"""Grading a whole class: ``autograd-kata grade SUBMISSION_DIR... --out OUT_DIR``.

One module per job: :mod:`.plan` checks the input, :mod:`.isolation` decides the sandbox once,
:mod:`.intake` copies each submission's kata files once into :mod:`.workdir` (``OUT/.work``),
:mod:`.pool` runs trusted worker processes (:mod:`.worker`), each a pytest session that
checks one (submission, kata) at a time while the learner's code runs in sandboxed learner
processes (:mod:`..runner`); :mod:`.grade` puts the results together, :mod:`.gradebook` and
:mod:`.class_summary` write them, :mod:`.progress` reports on stderr, and :mod:`.bundle` writes
Gradescope's autograder zip. Only the grader's own process writes files, and only into OUT_DIR.
"""
