"""Functions a check may run in the learner's process, beside the learner's code, on objects
only that process holds: ``kata.call(probes.values_and_slopes, kata.g, xs)``.

They are the runner's (:mod:`.runner.probes`): a learner process can run only code its warm
zygote already holds, never code a check sends. This is their name in the toolkit.
"""
from .runner.probes import (FIGURE_POINTS, MAX_POINTS, call, describe_figure, grad_detached, png_files, read_file,
                            value, values_and_slopes, vjp, vjp_of_vjp, write_file, written_in_place)

__all__ = ["FIGURE_POINTS", "MAX_POINTS", "call", "describe_figure", "grad_detached", "png_files", "read_file", "value",
           "values_and_slopes", "vjp", "vjp_of_vjp", "write_file", "written_in_place"]
