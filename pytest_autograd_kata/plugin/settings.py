"""The plugin's options, ini keys and environment variables, resolved once per run.

Precedence for each: the command-line option, then the ini key, then the environment
variable, then the default. Nothing here imports torch or hypothesis.
"""
from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import devices
from ..course import i18n

#: the Hypothesis profile kata checks run under unless --hypothesis-profile names another; named
#: here, where the header can read it without importing Hypothesis (profiles.py registers it)
DEFAULT_PROFILE = "kata-learn"
DEFAULT_TARGET = "katas"
DEFAULT_TIMEOUT = 20.0

#: name: (environment variable, ini help)
INI = {
    "kata_target": ("KATA_TARGET", "folder whose kata modules the checks import (default: katas)"),
    "kata_devices": ("KATA_DEVICES", "auto, or a comma list of cpu,cuda,mps (default: auto)"),
    "kata_lang": ("KATA_LANG", "language of messages: en or zh (default: the locale, else en)"),
    "kata_timeout": ("KATA_TIMEOUT", f"seconds the learner's code may run in one check, 0 for no limit "
                                     f"(default: {DEFAULT_TIMEOUT:g})"),
    "kata_sandbox": ("KATA_SANDBOX", "how the learner's code is shut in: auto, namespaces, uid or process "
                                     "(default: auto, the strongest this machine allows)"),
    "kata_jobs": ("KATA_JOBS", "pytest processes that run the kata modules' checks side by side: auto "
                               "(one per core) or a number, 1 for none (default: auto)"),
}
SANDBOX_LEVELS = ("auto", "namespaces", "uid", "process")


def sandbox_refusal(refusal) -> str:
    """Why a sandbox level cannot be had here (a :class:`~..runner.sandbox.Refusal`), in the
    run's language, with the fix where there is one."""
    from ..runner import sandbox

    fields = {"level": refusal.level}
    if refusal.reason == sandbox.CANNOT_READ:
        passing = refusal.blocker != refusal.folder  # a folder on the way, not the folder itself
        fields.update(folder=refusal.folder, blocker=refusal.blocker, mode=f"{refusal.mode:04o}",
                      verb=i18n.t("sandbox_verb_enter" if passing else "sandbox_verb_read"),
                      fix=f"chmod o+x {refusal.blocker}" if passing else f"chmod -R o+rX {refusal.folder}")
    elif refusal.reason == sandbox.CANNOT_ENTER:
        fields["detail"] = refusal.detail
    return i18n.t(f"sandbox_{refusal.reason}", **fields)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograd-kata", "autograd katas (pytest-autograd-kata)")
    group.addoption("--kata-target", metavar="DIR",
                    help="folder whose kata modules the checks import, e.g. katas, solutions "
                         "or a learner's folder; only the kata modules in it are loaded. "
                         "Env: KATA_TARGET. Default: katas under the rootdir.")
    group.addoption("--kata-devices", metavar="SPEC",
                    help="auto (every device present) or a comma list of cpu,cuda,mps; "
                         "named devices that are absent are skipped. Env: KATA_DEVICES.")
    group.addoption("--kata-lang", metavar="LANG", choices=i18n.LANGS,
                    help="language of kata messages: en or zh. Default: ini, then KATA_LANG, "
                         "then the locale, then en.")
    group.addoption("--kata-timeout", metavar="SECONDS", type=float,
                    help=f"stop the learner's code once it has run this many seconds in one check "
                         f"(0: no limit). Env: KATA_TIMEOUT. Default: {DEFAULT_TIMEOUT:g}.")
    group.addoption("--kata-sandbox", metavar="LEVEL",
                    help="how the learner's code is shut in: auto (the strongest this machine allows), "
                         "namespaces, uid (root only) or process. Env: KATA_SANDBOX.")
    group.addoption("--kata-jobs", metavar="N",
                    help="run the checks of several kata modules side by side in N forked pytest "
                         "processes (Linux): auto, one per core, or a number; 1 runs them in "
                         "this process. The reports read as one process's. Env: KATA_JOBS.")
    group.addoption("--kata-report", metavar="PATH",
                    help="write a JSON report: score, max_score, and per kata its checks.")
    group.addoption("--kata-gradescope", metavar="PATH",
                    help="write Gradescope's results.json.")
    for name, (env, help_text) in INI.items():
        parser.addini(name, f"{help_text}. Env: {env}.")


def _raw(config: pytest.Config, name: str) -> tuple[str | None, str]:
    """The value of setting ``name`` and where it came from, spelled as the user wrote it
    (``--kata-timeout``, ``ini kata_timeout``, ``KATA_TIMEOUT``; "" for the default), so an
    error message points at the place to fix."""
    option = config.getoption(name)
    if option is not None:
        return str(option), "--" + name.replace("_", "-")
    ini = config.getini(name)
    if ini:
        return ini, f"ini {name}"
    env = INI[name][0]
    if os.environ.get(env):
        return os.environ[env], env
    return None, ""


@dataclass(frozen=True)
class KataSettings:
    target: Path
    devices: str
    lang: str
    timeout: float
    #: the seed Hypothesis uses when --hypothesis-seed was not given, printed so a run can be repeated
    seed: str
    seed_given: bool
    profile: str | None
    report: Path | None
    gradescope: Path | None
    #: the sandbox level asked for, or None for the strongest available
    sandbox: str | None = None
    #: pytest processes for the checks of several kata modules, or None for one per core
    jobs: int | None = None


def resolve(config: pytest.Config) -> KataSettings:
    """Read and check every setting, raising ``pytest.UsageError`` that names the fix."""
    target_value, target_source = _raw(config, "kata_target")
    if target_source.startswith("--"):
        target = Path(config.invocation_params.dir, target_value)
    else:
        target = config.rootpath / (target_value or DEFAULT_TARGET)
    target = target.resolve()
    if target_source and not target.is_dir():
        raise pytest.UsageError(f"{target_source}: the kata target folder {target} does not exist; "
                                f"pass the folder that holds your kata modules, e.g. --kata-target katas")

    device_spec, device_source = _raw(config, "kata_devices")
    try:
        devices.parse_spec(device_spec or devices.AUTO)
    except ValueError as err:
        raise pytest.UsageError(f"{device_source}: {err}") from None
    try:
        lang = i18n.resolve_lang(config.getoption("kata_lang"), config.getini("kata_lang") or None)
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None

    timeout_value, timeout_source = _raw(config, "kata_timeout")
    try:
        timeout = DEFAULT_TIMEOUT if timeout_value is None else float(timeout_value)
    except ValueError:
        timeout = math.nan
    if not 0 <= timeout < math.inf:  # NaN fails this too
        raise pytest.UsageError(f"{timeout_source}: the kata timeout must be a number of seconds "
                                f"(0 for no limit), not {timeout_value!r}")

    sandbox_value, sandbox_source = _raw(config, "kata_sandbox")
    sandbox = (sandbox_value or "auto").strip().lower()
    if sandbox not in SANDBOX_LEVELS:
        raise pytest.UsageError(f"{sandbox_source}: unknown sandbox level {sandbox_value!r}; "
                                f"use one of {', '.join(SANDBOX_LEVELS)}")
    if sandbox != "auto":
        from ..runner.sandbox import problem

        refusal = problem(sandbox)
        if refusal is not None:  # before any learner process runs code that cannot import what it needs
            raise pytest.UsageError(i18n.t("kata_sandbox_refused", source=f"{sandbox_source} {sandbox}",
                                           why=sandbox_refusal(refusal)))

    jobs_value, jobs_source = _raw(config, "kata_jobs")
    jobs = None if (jobs_value or "auto").strip().lower() == "auto" else jobs_value.strip()
    if jobs is not None:
        if not jobs.isdigit() or int(jobs) < 1:
            raise pytest.UsageError(f"{jobs_source}: the number of kata jobs must be auto or a whole "
                                    f"number from 1 (1: every check in this process), not {jobs_value!r}")
        jobs = int(jobs)

    seed_option = config.getoption("hypothesis_seed", None)
    report, gradescope = config.getoption("kata_report"), config.getoption("kata_gradescope")
    return KataSettings(
        target=target, devices=device_spec or devices.AUTO, lang=lang, timeout=timeout,
        seed=str(seed_option) if seed_option is not None else str(random.Random().getrandbits(32)),
        seed_given=seed_option is not None,
        profile=config.getoption("hypothesis_profile", None),
        report=Path(report) if report else None,
        gradescope=Path(gradescope) if gradescope else None,
        sandbox=None if sandbox == "auto" else sandbox,
        jobs=jobs,
    )
