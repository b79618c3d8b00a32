"""Calls in a row: the learner's functions called again on the same tensors, on equal ones and on
others, with new values written in between, as a training loop calls them. A function that keeps
something from an earlier call (a cache keyed by the tensor, a module-level variable, a buffer it
reuses) answers the first call right and a later one wrong; these helpers say so alike in every
kata."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from . import probes
from .assertions import fail
from .course.i18n import Text

#: A step of a sequence that writes new values into a tensor (its last item) instead of calling
#: one of the learner's functions.
NEW_VALUES = "new values"
#: The same, after clearing that tensor's grad in place, as a training step leaves it.
CLEARED_AND_NEW_VALUES = "grad cleared and new values"


def later_call(own: Text) -> Text:
    """The nudge for a later call that went wrong after the first went right; ``own`` names what
    each call must work from, as the kata's functions take it ("its own x", "它自己的 x")."""
    return Text(f"the first call was right, this later one was not. Each call must work from {own.en} alone, as it "
                "is at that call: keep nothing from an earlier call (no cache, no module-level variable, no buffer "
                "reused).",
                f"第一次调用是对的，后面这次却不对。每次调用都只能依据调用那一刻{own.zh}：不要保留之前调用留下的任何东西"
                "（不要缓存，不要用模块级变量，也不要重复使用同一块缓冲区）。")


def written_in_place(kata: Any, tensor: Any, values: torch.Tensor, *, clear_grad: bool = False) -> None:
    """New values written into the learner's tensor where it is (its memory, its identity and its
    place in autograd unchanged), as an optimizer's step does between two calls; with
    ``clear_grad``, its ``.grad`` (if any) zeroed in place first, as ``zero_grad()`` does. One
    request to the learner's process."""
    kata.call(*writing(tensor, values, clear_grad=clear_grad))


def writing(tensor: Any, values: torch.Tensor, *, clear_grad: bool = False) -> tuple:
    """The step of a run (``kata.in_a_row``) that does what :func:`written_in_place` does."""
    return probes.written_in_place, tensor, values, clear_grad


def one_minus_half(x: torch.Tensor) -> torch.Tensor:
    """New values for a tensor of values ``x``: 1 - x/2, in x's dtype (other values, of the same
    size, none of them 0 where x had none above 2)."""
    return (1 - x / 2).to(x.dtype)


def steps_of(kata: Any, sequence: Sequence[tuple[str, str]], learner: dict[str, Any], values: dict[str, torch.Tensor],
             new_values: Callable[[torch.Tensor], torch.Tensor]) -> list[tuple]:
    """The steps of one request (``kata.in_a_row``) for a ``sequence`` of ``(function, who)``:
    the learner's ``function`` called on ``learner[who]``; at a NEW_VALUES or CLEARED_AND_NEW_VALUES
    step, ``new_values`` of what ``who`` held then written into it (its grad cleared first for
    the latter). ``values`` (who's values at the start) is left as it is."""
    values, steps = dict(values), []
    for function, who in sequence:
        if function in (NEW_VALUES, CLEARED_AND_NEW_VALUES):
            values[who] = new_values(values[who])
            steps.append(writing(learner[who], values[who], clear_grad=function == CLEARED_AND_NEW_VALUES))
        else:
            steps.append((getattr(kata, function), learner[who]))
    return steps


def called_before(steps: Sequence[Sequence[Any]], step: int) -> bool:
    """Whether the function of ``steps[step]`` (each step's first item) was called at an earlier
    step: only then has a first call of it gone right, as :func:`later_call` says."""
    return any(earlier[0] == steps[step][0] for earlier in steps[:step])


def _call_shown(step: Sequence[Any]) -> str:
    return f"{step[0]}({', '.join(step[1:])})"


def calls_so_far(steps: Sequence[Sequence[Any]], cast: Text,
                 call: Callable[[Sequence[Any]], str] = _call_shown) -> Text:
    """"after f(x), (new values written into x, in place), g(x2) (cast)": the steps of a sequence
    up to the one that went wrong, each call as ``call`` shows it (a step ``(function, *arguments)``
    as ``function(arguments)`` unless told); ``cast`` says who is who."""
    def words(step: Sequence[Any]) -> tuple[str, str]:
        who = step[-1]
        if step[0] == NEW_VALUES:
            return f"(new values written into {who}, in place)", f"（就地向 {who} 写入新值）"
        if step[0] == CLEARED_AND_NEW_VALUES:
            return (f"({who}.grad cleared and new values written into {who}, in place)",
                    f"（就地清除 {who}.grad 并向 {who} 写入新值）")
        return call(step), call(step)
    english, chinese = zip(*map(words, steps))
    return Text(f"after {', '.join(english)} ({cast.en})", f"在依次执行 {'、'.join(chinese)} 之后（{cast.zh}）")


def which_call(said: Text | None, nudge: Text | None) -> Text | None:
    """For a check whose own message cannot say which call of a run it was (a count of backward
    passes): the calls so far, then the nudge (None outside a run)."""
    if said is None:
        return None
    return Text(f"{said.en}: {nudge.en}" if nudge else f"{said.en}.",
                f"{said.zh}：{nudge.zh}" if nudge else f"{said.zh}。")


def assert_passes_in_a_run(tensor: Any, name: str, expected: int, said: Text, nudge: Text | None,
                           each_call: Text) -> None:
    """``expected`` backward passes reached the learner's leaf ``tensor`` in a run so far;
    ``each_call`` says how many each call runs, and into what."""
    __tracebackhide__ = True
    if tensor.passes != expected:
        fail(with_nudge(Text(f"{tensor.passes} backward passes reached {name} {said.en}, where {expected} should "
                             f"have: {each_call.en}",
                             f"{said.zh}，到达 {name} 的反向传播有 {tensor.passes} 次，应当是 {expected} 次："
                             f"{each_call.zh}"), nudge), name=f"{name}.grad")


def with_nudge(text: Text, nudge: Text | None) -> Text:
    """``text`` followed by ``nudge``, when there is one."""
    return Text(f"{text.en} {nudge.en}", f"{text.zh}{nudge.zh}") if nudge else text
