"""The runner: the one way learner code is run, for ``pytest katas``, ``run``, ``watch``,
notebooks and ``grade``.

The learner's code runs in a sandboxed learner process (:mod:`.sandbox`, :mod:`.learner`),
forked from a warm zygote on Linux (:mod:`.zygote`). The checks, and every verdict, run in the
trusted process that started it (:mod:`.client`); values cross as data (:mod:`.wire`,
:mod:`.codec`), never as code.
"""
