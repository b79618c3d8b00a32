"""The course author's tools (``autograd-kata dev ...``).

- :mod:`.dev`: stubs written from the solutions, translations whose English moved on;
- :mod:`.answers`: many answers to a course's katas checked at once, each as the grader checks
  a submission; :mod:`.devcheck` (``dev check``): everything the course promises, in one
  command, with :mod:`.examples_seen`, the pytest plugin that proves every ``@example`` ran;
- :mod:`.mutants` (``dev mutants``): mutation testing of the checks.

May use: the grader (its warm workers check the answers) and every room below it. Never the
command line, which calls it.
"""
