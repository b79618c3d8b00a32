"""The PNG files the learner's code saved during a kata's checks, for a notebook to show.

A pytest plugin of the course's check session (:func:`.course_session.serve`): when a request
asks for figures, after each check it reads the PNG files in the learner process's scratch
folder (where k12's checks have the plot saved) through a probe, and the service adds them to
the kata's result. The checks never see this, and nothing it finds changes a verdict.
"""
from __future__ import annotations

import base64

import pytest


class FigureKeeper:
    def __init__(self) -> None:
        #: whether the request being served asked for figures
        self.wanted = False
        self.found: dict[str, bytes] = {}

    def take(self) -> dict:
        """What the current request's checks left, as the kata result's ``figures`` entry
        (nothing when there is none), and forget it."""
        found, self.found = self.found, {}
        return {"figures": {name: base64.b64encode(data).decode() for name, data in found.items()}} if found else {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        from ..remote import KataLoadError, LearnerStopped

        try:
            result = yield
        except (LearnerStopped, KataLoadError):
            raise  # the learner's process is gone, or never loaded: nothing to read
        except BaseException:
            self._keep(item)
            raise
        self._keep(item)
        return result

    def _keep(self, item: pytest.Item) -> None:
        from ..runner import probes
        from ..remote import LearnerStopped, RemoteKata

        kata = item.funcargs.get("kata")
        if not self.wanted or not isinstance(kata, RemoteKata):
            return
        try:
            self.found.update(kata.call(probes.png_files, kata.scratch))
        except (Exception, LearnerStopped):
            pass  # the time was up, the process ended: the verdict stands, there is just no picture
