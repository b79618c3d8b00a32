"""The runner: the one way learner code is run, for ``pytest katas``, ``run``, ``watch``,
notebooks and ``grade``.

The learner's code runs in a sandboxed learner process (:mod:`.sandbox`, :mod:`.learner`),
forked from a warm zygote on Linux (:mod:`.zygote`). The checks, and every verdict, run in the
trusted process that started it (:mod:`.client`); values cross as data (:mod:`.wire`,
:mod:`.codec`), never as code. :mod:`.probes` are the functions a check may run there beside
the learner's, and :mod:`.names` how both sides name a function.

May use: the standard library, torch and NumPy; no other room of the package (a learner process
is forked from the zygote, which must hold all it will ever run) and no pytest or Hypothesis.
"""
