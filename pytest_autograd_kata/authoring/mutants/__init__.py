"""Mutation testing of a course's checks (``autograd-kata dev mutants``): :mod:`.operators`
(autograd mistakes, for cosmic-ray's engine), :mod:`.generate` (every mutant of a solution, with
a stable id), :mod:`.records` (the course's equivalent mutants) and :mod:`.run` (checking them
through the grader's workers, and the report)."""

#: seconds a mutant's code may run for its whole kata, unless ``--timeout`` says otherwise: a
#: mutant that loops forever (a loop whose step was turned around) is killed by it. Here, where
#: the command line reads it without loading cosmic-ray or the grader.
DEFAULT_TIMEOUT = 10.0
