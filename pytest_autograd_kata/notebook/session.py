"""The course in a running kernel: what ``%kata`` does.

The kernel never runs a check, nor the learner's code: a kata's module is gathered from the
cells the kernel ran (its input history, :mod:`.cells`) and sent as text to the course's check
service, the one that answers ``autograd-kata run`` (:func:`..trusted.checks.check_now`), which
runs the learner's code in a sandboxed process with the time limit of ``run``. A loop that
never ends, a crash or ``os._exit`` in the checked code ends that process, not the kernel, and
the learner's variables are never touched. Results, hints and progress are the course's state
(``.kata/state.json``), shared with the terminal when the course is a clone.
"""
from __future__ import annotations

import hashlib
import sys

from ..course import outcomes
from ..trusted import checks
from ..trusted.checker import open_checker
from ..course.workspace import Workspace, ini_language
from ..course.data import Kata
from ..course.i18n import resolve_lang, set_language, t
from ..course.sources import KataSource
from ..course.state import State
from ..course.summary import next_unfinished, progress_lines
from . import display, wording
from .cells import Cell, Gathered, Notebook
from .course import kata_names, open_course, stub
from .document import answer_code


class KernelCourse:
    """The course seen from a kernel (``shell``: IPython's InteractiveShell)."""

    def __init__(self, shell, ws: Workspace | None = None) -> None:
        self.shell = shell
        self.ws = ws or open_course()
        self.state = State.load(self.ws.state_dir)
        self.names = kata_names(self.ws.course)
        self._checker = None
        self._stubs: dict[str, str] = {}

    def close(self) -> None:
        if self._checker is not None:
            self._checker.close()
            self._checker = None

    # ------------------------------------------------------------ what the kernel ran

    def notebook(self) -> Notebook:
        """The cells this kernel ran, in the order it ran them (``In [n]`` is cell n)."""
        history = self.shell.history_manager.input_hist_raw
        return Notebook([Cell(text, f"In [{n}]") for n, text in enumerate(history) if n and text.strip()],
                        self.names)

    def stub_code(self, kata: Kata) -> str:
        if kata.id not in self._stubs:
            self._stubs[kata.id] = answer_code(stub(self.ws.course, kata))
        return self._stubs[kata.id]

    def untouched(self, kata: Kata, gathered: Gathered) -> bool:
        """Whether the kata's code is its stub as the notebook gives it."""
        pristine = Notebook([Cell(self.stub_code(kata), "stub")], self.names).gather(kata.id)
        return gathered.source == pristine.source

    def shown(self, kata: Kata) -> str:
        """How the checks' messages name the kata's gathered code."""
        return t("notebook_code_name", kata=kata.id)

    # ------------------------------------------------------------ commands

    def language(self, option: str | None) -> str:
        lang = resolve_lang(option, ini_language(self.ws.root))
        set_language(lang)
        self.state.reload()  # a terminal in the same course may have written it meanwhile
        if self.state.warning:
            print(self.state.warning, file=sys.stderr)
        return lang

    def check(self, kata: Kata, lang: str, verbose: bool = False) -> outcomes.KataResult:
        """Check the kata on the notebook's code now, show the result and remember it."""
        gathered = self.notebook().gather(kata.id)
        result = self._checked(kata, gathered, lang)
        lines = []
        if result.status == outcomes.PASSED:
            others = [r for k, r in self.results(lang, run=False).items() if k != kata.id]
            last = all(r is not None and r.status == outcomes.PASSED for r in others)
            lines.append(t("notebook_passed_last" if last else "notebook_passed", kata=kata.id))
        else:
            lines += wording.notes(gathered)
        display.show(*display.result_bundles(kata, result, self.state, verbose), *([display.text(lines)] if lines else []))
        return result

    def _checked(self, kata: Kata, gathered: Gathered, lang: str) -> outcomes.KataResult:
        if not gathered.defined:
            names = ", ".join(f"`{n}`" for n in sorted(self.names[kata.id]))
            return outcomes.KataResult(kata.id, kata.text("title", lang), kata.points,
                                       forced_message=t("notebook_not_defined", functions=names))
        shown = self.shown(kata)
        source = KataSource({kata.module: gathered.source}, {kata.module: shown}, kata.module)
        result = checks.check_now(self.ws, self.checker(), kata, lang, source=source, figures=True)
        self.state.reload()
        self.state.remember(result, self.digest(kata, gathered))
        self.state.save()
        return wording.reworded(checks.review(self.ws, kata, result, lang), gathered, shown)

    def checker(self):
        if self._checker is None:
            self._checker = open_checker(self.ws)
        return self._checker

    def digest(self, kata: Kata, gathered: Gathered) -> str:
        """Changes whenever the kata's gathered code or its checks change."""
        h = hashlib.sha256(b"notebook\0" + gathered.source.encode())
        path = self.ws.checks_file(kata)
        h.update(b"\0" + (path.read_bytes() if path.exists() else b"<missing>"))
        return h.hexdigest()[:16]

    def results(self, lang: str, run: bool = True) -> dict[str, outcomes.KataResult | None]:
        """Each kata's result on the notebook's code: not started when the kernel ran none of
        its code, or only its stub; remembered for the same code and checks; else checked now
        (``run``) or not known (None)."""
        notebook = self.notebook()
        found = {}
        for kata in self.ws.course.katas:
            gathered = notebook.gather(kata.id)
            if not gathered.defined or self.untouched(kata, gathered):
                found[kata.id] = checks.review(self.ws, kata, checks.unchecked(kata, lang), lang)
                continue
            known = self.state.result(kata.id, self.digest(kata, gathered))
            if known is not None:
                found[kata.id] = checks.review(self.ws, kata, known, lang)
            else:
                found[kata.id] = self._checked(kata, gathered, lang) if run else None
        return found

    def board(self, lang: str) -> None:
        found = list(self.results(lang).values())
        lines = progress_lines(found)
        upcoming = next_unfinished(found)
        if upcoming is None:
            lines += ["", t("notebook_all_done")]
        else:
            kata = self.ws.course.get(upcoming.id)
            lines += ["", t("notebook_next", kata=kata.id, title=kata.text("title", lang)), ""]
            lines += [f"  {line}" for line in kata.text("statement", lang).strip().splitlines()]
            hints, level = kata.text("hints", lang), self.state.hints_seen(kata.id)
            lines.append("")
            if level:
                lines.append(t("hint_line", level=level, total=len(hints), text=hints[level - 1]))
            lines.append(t("notebook_commands", kata=kata.id))
        display.show(display.text(lines))

    def hint(self, kata: Kata, lang: str) -> None:
        hints = kata.text("hints", lang)
        seen = self.state.hints_seen(kata.id)
        if seen >= len(hints):
            lines = [t("hint_none_left", kata=kata.id, total=len(hints)),
                     t("hint_line", level=len(hints), total=len(hints), text=hints[-1])]
        else:
            level = seen + 1
            self.state.see_hint(kata.id, level)
            self.state.save()
            lines = [t("hint_line", level=level, total=len(hints), text=hints[level - 1]),
                     t("notebook_hint_more" if level < len(hints) else "hint_was_last", kata=kata.id)]
        display.show(display.text(lines))

    def reset(self, kata: Kata) -> None:
        """The kata's original code in a new cell below (the learner's own cell stays as it
        is, as ``autograd-kata reset`` keeps a backup); where the frontend cannot add a cell
        (Colab), printed to paste."""
        self.state.forget(kata.id)
        self.state.save()
        code = self.stub_code(kata)
        if "google.colab" in sys.modules:
            display.show(display.text([t("notebook_reset_printed", kata=kata.id), "", code]))
        else:
            self.shell.set_next_input(code, replace=False)
            display.show(display.text([t("notebook_reset_below", kata=kata.id)]))

    def source(self, kata: Kata) -> None:
        """The code the kata's checks get, each piece under the cell it came from."""
        gathered = self.notebook().gather(kata.id)
        if not gathered.defined:
            names = ", ".join(f"`{n}`" for n in sorted(self.names[kata.id]))
            display.show(display.text([t("notebook_not_defined", functions=names), *wording.notes(gathered)]))
            return
        lines = [t("notebook_source_header", kata=kata.id), ""]
        code = gathered.source.split("\n")
        for start, count, label, first in gathered.line_map:
            lines.append(f"# {label}, {t('notebook_line', line=first)}")
            lines += code[start - 1:start - 1 + count]
        display.show(display.text(lines + wording.notes(gathered)))
