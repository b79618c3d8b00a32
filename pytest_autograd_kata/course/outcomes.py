"""What happened to each check and each kata, in the words every report uses.

A check's status is one of :data:`STATUSES`; a kata's status is derived from its checks.
The terminal summary, the JSON and Gradescope reports, the board and the grader all read
these records, so they never disagree; and what a record says is inert (:mod:`.inert`), so
none of them passes on a control character of the learner's to a terminal or a reader.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .inert import inert, inert_line

PASSED, FAILED, NOT_STARTED, ERROR, TIMEOUT = "passed", "failed", "not_started", "error", "timeout"
STATUSES = (PASSED, FAILED, NOT_STARTED, ERROR, TIMEOUT)
#: a kata's status (never a check's) when a teacher should look at it: it could not be graded for
#: sure (the grader says why), or the learner's code reached for the machinery (its flags say where)
REVIEW = "review"
#: :attr:`CheckResult.stopped` of a check in which the learner's process ended (a crash, a signal);
#: a timeout records which time ran out instead (runner.client: "cpu", "waited", "busy")
CRASHED = "crashed"
#: how long a check's message may be in a report
MESSAGE_LIMIT = 2000


@dataclass
class CheckResult:
    kata: str
    name: str
    status: str
    message: str = ""
    #: the start of what the learner's code printed during the check
    output: str = ""
    #: how the learner's process was stopped, when it was (see CRASHED)
    stopped: str = ""

    def __post_init__(self) -> None:
        # A message quotes what the learner's code raised or returned; the output is theirs.
        self.message, self.output = inert(self.message), inert(self.output)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Flag:
    """A place in the learner's files that reached for the machinery around the kata (see
    course.machinery; or what the learner's process saw it do): the kata is marked for review."""
    file: str
    line: int
    #: the name it reached through, and what that is for
    what: str
    why: str
    #: the line's code
    code: str = ""

    def __post_init__(self) -> None:
        # the line's code, the names in it and the file's name are the learner's: shown, never obeyed
        for name in ("file", "what", "code"):
            object.__setattr__(self, name, inert_line(getattr(self, name)))

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class KataResult:
    id: str
    title: str
    points: float
    checks: list[CheckResult] = field(default_factory=list)
    #: set when the kata could not be run at all (the grader's timeout or a crash)
    forced_status: str = ""
    forced_message: str = ""
    #: PNG files the learner's code saved during the checks, by name, base64: only a request that
    #: asks for them gets them (a notebook shows them), and no report or state keeps them
    figures: dict[str, str] = field(default_factory=dict)
    #: where the learner's code reached for the machinery: the kata is then marked for review,
    #: and keeps the score its checks gave it for the teacher to confirm
    flags: list[Flag] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """What the checks say (or what made them say nothing: a forced status), flags aside."""
        return self.forced_status or kata_status([c.status for c in self.checks])

    def __post_init__(self) -> None:
        # It may quote the learner's files or notebook cells (a name, a magic left out).
        self.forced_message = inert(self.forced_message)

    @property
    def status(self) -> str:
        return REVIEW if self.flags and not self.forced_status else self.verdict

    @property
    def score(self) -> float:
        return self.points if self.verdict == PASSED else 0.0

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "points": self.points, "score": self.score,
                "status": self.status, "message": self.forced_message,
                "checks": [c.to_json() for c in self.checks], "flags": [f.to_json() for f in self.flags]}

    @classmethod
    def from_json(cls, data: dict) -> KataResult:
        """The inverse of :meth:`to_json`: a kata read back from a report (the command line
        runs the checks in a child pytest and reads its ``--kata-report``)."""
        result = cls(data["id"], data["title"], float(data["points"]),
                     [CheckResult(**check) for check in data["checks"]],
                     forced_message=data.get("message", ""), figures=data.get("figures", {}),
                     flags=[Flag(**flag) for flag in data.get("flags", [])])
        if result.status != data["status"]:  # only a forced status disagrees with the checks
            result.forced_status = data["status"]
        return result


def kata_status(check_statuses: list[str]) -> str:
    """All passed: passed. All not started: not_started. Otherwise the gravest of the rest."""
    if not check_statuses:
        return NOT_STARTED
    distinct = set(check_statuses)
    if distinct == {PASSED}:
        return PASSED
    if distinct == {NOT_STARTED}:
        return NOT_STARTED
    for status in (TIMEOUT, ERROR):
        if status in distinct:
            return status
    return FAILED


def clip(message: str, limit: int = MESSAGE_LIMIT) -> str:
    return message if len(message) <= limit else message[: limit - 15] + "\n… (cut short)"
