"""`autograd-kata run`: answered by the course's warm check service, never stale, never a hang,
and saying what the learner's code did (looped, printed, stopped at breakpoint(), read input,
ended the process)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_course import K01, cli, course, course_copy, cut_course, solve  # noqa: F401  (fixtures)
from conftest import KATAS
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.plugin import settings
from pytest_autograd_kata.trusted.checker import check_timeout
from pytest_autograd_kata.trusted.course_session import fingerprint
from pytest_autograd_kata.trusted.service import IDLE_ENV, service_files, stop
from pytest_autograd_kata.course.workspace import find

#: a time limit for code that never returns: each of k01's checks spends it, so short; and long
#: enough that a busy machine leaves the loop its share of a core before the clock (4x) runs out
LIMIT = "1"


def write_k01(root: Path, body: str) -> None:
    (root / "katas" / K01.filename).write_text(f"import torch\n\n\ndef make_x(n, device):\n{body}", encoding="utf-8")


def default_ctrl_c() -> None:
    """In a command the test interrupts: Ctrl-C as in a terminal. A CI may run the tests with
    SIGINT ignored (a background job), and children inherit that; Python then never raises
    KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def running(pid: str) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped by this test, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def service_pids(root: Path) -> list[str]:
    """The pids the course's service log names (its first line, written once per start)."""
    log = service_files(find(root)).log.read_text(encoding="utf-8")
    return re.findall(r"^check service for .* \(pid (\d+)\)", log, re.MULTILINE)


def test_a_repeated_run_is_answered_by_the_same_service_without_torch_in_the_command(cli, course) -> None:
    solve(course, "k01")
    assert cli("run", "k01").code == 0
    [first] = service_pids(course)
    # The command itself, as a learner runs it: torch is the service's, never the command's.
    command = ("import sys; from pytest_autograd_kata.cli import main; code = main(['run', 'k01']); "
               "print('torch imported:', 'torch' in sys.modules); sys.exit(code)")
    ran = subprocess.run([sys.executable, "-c", command], cwd=course, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "k01 passes every check" in ran.stdout and "torch imported: False" in ran.stdout
    assert service_pids(course) == [first]  # the same service answered


def test_changed_checks_restart_the_service_and_their_verdict_is_the_new_checks(cli, course) -> None:
    solve(course, "k01")
    assert cli("run", "k01").code == 0
    [before] = service_pids(course)
    checks = course / "katas" / K01.checks_filename
    checks.write_text(checks.read_text(encoding="utf-8") + "\n\ndef test_added_by_hand(kata):\n    assert False\n",
                      encoding="utf-8")
    ran = cli("run", "k01")
    assert ran.code == 1 and "test_added_by_hand" in ran.out  # the checks as they are now ran
    assert f"the checks for k01 (katas/{K01.checks_filename}) were changed" in ran.out
    [after] = service_pids(course)
    assert after != before


def test_the_fingerprint_follows_what_the_service_holds_and_not_the_learners_file(course, monkeypatch) -> None:
    ws = find(course)
    before = fingerprint(ws)
    solve(course, "k01")  # the learner's file travels with each request
    assert fingerprint(ws) == before
    monkeypatch.setenv("KATA_DEVICES", "cpu")
    assert fingerprint(ws) != before
    monkeypatch.delenv("KATA_DEVICES")
    course_file = course / "katas" / "course.toml"
    course_file.write_text(course_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint(ws) != before


def test_run_gives_the_learners_code_the_time_pytest_katas_gives(course, monkeypatch) -> None:
    ws = find(course)
    assert check_timeout(ws) == settings.DEFAULT_TIMEOUT
    monkeypatch.setenv("KATA_TIMEOUT", "7")
    assert check_timeout(ws) == 7.0
    (course / "pytest.ini").write_text("[pytest]\nkata_timeout = 3\n", encoding="utf-8")
    assert check_timeout(ws) == 3.0  # the ini key before the environment, as in pytest


def test_a_loop_that_catches_every_exception_ends_at_the_time_limit(cli, course, monkeypatch) -> None:
    monkeypatch.setenv("KATA_TIMEOUT", LIMIT)
    write_k01(course, "    while True:\n        try:\n            while True:\n                pass\n"
                      "        except BaseException:\n            pass\n")
    ran = cli("run", "k01")
    assert ran.code == 1
    assert "timeout" in ran.out.splitlines()[0]
    assert f"your code used more than {LIMIT} s of processor time in this check and was stopped" in ran.out


def test_ctrl_c_during_a_check_without_time_limit_leaves_no_service_stuck_behind(cli, course) -> None:
    cli("run", "k01")  # the service is up
    [service] = service_pids(course)
    write_k01(course, "    while True:\n        pass\n")
    run = subprocess.Popen([sys.executable, "-m", "pytest_autograd_kata.cli", "run", "k01"], cwd=course,
                           env={**os.environ, "KATA_TIMEOUT": "0"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           preexec_fn=default_ctrl_c)
    time.sleep(3)  # the check is under way, with no limit: only the learner can end it
    run.send_signal(signal.SIGINT)
    assert run.wait(timeout=60) == 130
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and running(service):
        time.sleep(0.05)
    assert not running(service)  # ended with the check no one waits for
    solve(course, "k01")
    assert cli("run", "k01").code == 0  # the next run is answered, by a new service


#: a service that takes a request and never answers: where a command was interrupted just after
#: the service accepted the request, before it read that it did
SILENT_SERVICE = """
import socket, sys, time
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(1)
conn, _ = listener.accept()
conn.recv(1 << 20)
open(sys.argv[2], "w").close()
time.sleep(600)
"""


def test_ctrl_c_before_the_service_accepted_ends_the_service(cli, course, tmp_path) -> None:
    stop(find(course))
    where = service_files(find(course))
    took = tmp_path / "took"
    service = subprocess.Popen([sys.executable, "-c", SILENT_SERVICE, str(where.socket), str(took)],
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not where.socket.exists():
            time.sleep(0.02)
        run = subprocess.Popen([sys.executable, "-m", "pytest_autograd_kata.cli", "run", "k01"], cwd=course,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_ctrl_c)
        while time.monotonic() < deadline and not took.exists():
            time.sleep(0.02)
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 130
        assert service.wait(timeout=30) == -signal.SIGKILL  # it would have run the check with no one waiting
    finally:
        service.kill()
        service.wait()
        where.socket.unlink(missing_ok=True)


def test_what_the_code_printed_is_counted_and_shown_with_v(cli, course) -> None:
    write_k01(course, "    for i in range(2000):\n        print('step', i)\n"
                      "    return torch.arange(n, device=device)  # int64: fails the kata\n")
    ran = cli("run", "k01")
    assert ran.code == 1 and "`autograd-kata run k01 -v` shows it" in ran.out
    assert "step 0" not in ran.out
    ran = cli("run", "k01", "-v")
    assert "what your code printed:" in ran.out and "│ step 0" in ran.out and "│ step 1" in ran.out


@pytest.mark.parametrize("line, says", [
    ("    breakpoint()\n", "breakpoint() cannot stop here"),
    ("    input('n? ')\n", "EOFError"),
    ("    import os\n    os._exit(3)\n", "the process running your code ended (exit code 3)"),
])
def test_code_that_waits_for_a_terminal_or_ends_the_process_is_told_at_once(cli, course, line, says) -> None:
    write_k01(course, line + "    return torch.arange(n, dtype=torch.float32, device=device).requires_grad_()\n")
    started = time.monotonic()
    ran = cli("run", "k01")
    assert ran.code == 1 and says in ran.out
    assert time.monotonic() - started < 60  # nothing waited for the 20 s limit, let alone forever


def test_run_without_a_kata_checks_the_current_one(cli, course) -> None:
    assert "k01" in cli("run").out.splitlines()[0]
    solve(course, "k01")
    assert cli("run").code == 0  # k01, now done
    ran = cli("run")
    assert ran.out.splitlines()[0].split()[1] == "k02"


def test_without_the_service_the_checks_run_in_the_command(course) -> None:
    solve(course, "k01")
    env = {**os.environ, "KATA_SERVICE": "off"}
    log = service_files(find(course)).log
    stamp = log.stat().st_mtime_ns if log.exists() else None
    ran = subprocess.run([sys.executable, "-m", "pytest_autograd_kata.cli", "run", "k01"], cwd=course, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "k01 passes every check" in ran.stdout
    assert (log.stat().st_mtime_ns if log.exists() else None) == stamp  # no service was asked or started


def test_a_service_in_a_deep_folder_listens_elsewhere_and_ends_when_idle(tmp_path, monkeypatch) -> None:
    root = tmp_path / ("a_folder_deep_enough_that_a_socket_path_in_it_would_not_fit" * 2)
    cut_course(KATAS, root, ("k01",))
    monkeypatch.chdir(root)
    monkeypatch.setenv(IDLE_ENV, "1")
    ws = find(root)
    where = service_files(ws)
    assert root not in where.socket.parents  # too long for a socket's path: a private folder instead
    try:
        ran = subprocess.run([sys.executable, "-m", "pytest_autograd_kata.cli", "run", "k01"], cwd=root,
                             capture_output=True, text=True, timeout=300)
        assert ran.returncode == 1 and "not started" in ran.stdout, ran.stdout + ran.stderr
        assert oct(where.socket.parent.stat().st_mode & 0o777) == oct(0o700)
        deadline = time.monotonic() + 60
        while where.socket.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not where.socket.exists()  # idle for a second: it ended, and took its socket along
    finally:
        stop(ws)
        shutil.rmtree(root)


def test_a_session_that_cannot_start_says_why(tmp_path, monkeypatch, capfd) -> None:
    root = tmp_path / "course"
    cut_course(KATAS, root, ("k01",))
    monkeypatch.chdir(root)
    monkeypatch.setenv("KATA_DEVICES", "tpu")
    assert main(["run", "k01"]) == 2
    err = capfd.readouterr().err
    assert "The checks could not start" in err and "KATA_DEVICES: unknown device tpu" in err
    assert not service_files(find(root)).socket.exists()  # and it did not stay
