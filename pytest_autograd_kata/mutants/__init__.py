"""Mutation testing of a course's checks (``autograd-kata dev mutants``): :mod:`.operators`
(autograd mistakes, for cosmic-ray's engine), :mod:`.generate` (every mutant of a solution, with
a stable id), :mod:`.records` (the course's equivalent mutants) and :mod:`.run` (checking them
through the grader's workers, and the report)."""
