"""Grading a whole class: ``autograd-kata grade SUBMISSION_DIR... --out OUT_DIR``.

One module per job: :mod:`.plan` checks the input, :mod:`.pool` runs warm worker processes
(:mod:`.worker`) that fork one child per (submission, kata) (:mod:`.child`), :mod:`.grade`
puts the results together, :mod:`.gradebook` and :mod:`.class_summary` write them,
:mod:`.progress` reports on stderr, and :mod:`.bundle` writes Gradescope's autograder zip.
Only the grader's own process writes files, and only into OUT_DIR.
"""
