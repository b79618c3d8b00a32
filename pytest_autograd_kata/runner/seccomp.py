"""The system calls a learner process may not make (Linux): a seccomp filter, installed last when
it enters its sandbox, that answers them with an error instead of running them.

- **No new processes**: ``fork``, ``vfork``, and ``clone`` without ``CLONE_THREAD`` fail with
  EPERM (threads are still allowed: torch and NumPy use them). A kata needs no process of its
  own, and this makes the sandbox's bounds the kata's bounds: the memory cap (an address-space
  limit, per process) and the process's CPU time cover everything the learner's code runs; a
  fork bomb, or three children each holding the cap, cannot happen. ``clone3``, whose flags
  the filter cannot read, fails with ENOSYS, so the C library creates threads with ``clone``.
- **No keyrings**: ``add_key``, ``request_key`` and ``keyctl`` fail, so the learner's code can
  neither read a key from the session keyring it inherited (the teacher's, at the process
  level) nor leave one for a later kata.
- **Nothing around it**: ``ptrace``, ``process_vm_readv``/``writev`` (other processes' memory),
  ``unshare``, ``setns``, ``mount``, ``umount2``, ``pivot_root``, ``chroot`` (namespaces and
  file systems of its own), ``bpf``, ``perf_event_open``, ``userfaultfd``.
- System calls of another ABI (x86's 32-bit ones, x32) are refused whole: the filter reads the
  numbers of the native one.

The filter needs ``PR_SET_NO_NEW_PRIVS`` (set before) and cannot be removed by the process.
"""
from __future__ import annotations

import ctypes
import errno
import os
import struct

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
# classic BPF: load a word at an absolute offset of seccomp_data, jumps on a constant, return
LOAD, JUMP_EQUAL, JUMP_AT_LEAST, JUMP_SET, RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
# seccomp_data: int nr, u32 arch, u64 instruction_pointer, u64 args[6]
NR, ARCH, FIRST_ARGUMENT = 0, 4, 16
CLONE_THREAD = 0x00010000
X32_SYSCALL_BIT = 0x40000000

#: per machine: the audit arch the kernel reports, and the numbers of the calls refused
#: (EPERM unless given), ``clone`` apart (allowed for threads only)
ABI = {
    "x86_64": {"arch": 0xC000003E, "clone": 56, "x32": True, "refused": {
        "fork": 57, "vfork": 58, "clone3": (435, errno.ENOSYS), "add_key": 248, "request_key": 249,
        "keyctl": 250, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323}},
    "aarch64": {"arch": 0xC00000B7, "clone": 220, "x32": False, "refused": {
        "clone3": (435, errno.ENOSYS), "add_key": 217, "request_key": 218, "keyctl": 219,
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "unshare": 97,
        "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "bpf": 280,
        "perf_event_open": 241, "userfaultfd": 282}},
}


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as (code, jump if true, jump if false, constant) instructions."""
    abi = ABI[machine]
    refuse = lambda code: (RETURN, 0, 0, SECCOMP_RET_ERRNO | code)  # noqa: E731
    steps = [(LOAD, 0, 0, ARCH), (JUMP_EQUAL, 1, 0, abi["arch"]), refuse(errno.EPERM), (LOAD, 0, 0, NR)]
    if abi["x32"]:
        steps += [(JUMP_AT_LEAST, 0, 1, X32_SYSCALL_BIT), refuse(errno.EPERM)]
    for number in abi["refused"].values():
        number, code = number if isinstance(number, tuple) else (number, errno.EPERM)
        steps += [(JUMP_EQUAL, 0, 1, number), refuse(code)]
    # clone: allowed when it makes a thread (CLONE_THREAD in its flags, the first argument)
    steps += [(JUMP_EQUAL, 0, 4, abi["clone"]), (LOAD, 0, 0, FIRST_ARGUMENT), (JUMP_SET, 0, 1, CLONE_THREAD),
              (RETURN, 0, 0, SECCOMP_RET_ALLOW), refuse(errno.EPERM)]
    return steps + [(RETURN, 0, 0, SECCOMP_RET_ALLOW)]


def supported() -> bool:
    return hasattr(os, "uname") and os.uname().sysname == "Linux" and os.uname().machine in ABI \
        and struct.pack("=I", 1) == struct.pack("<I", 1)  # FIRST_ARGUMENT reads the low word


def install(libc: ctypes.CDLL) -> None:
    """Install the filter in this process (and every thread it starts from now on)."""
    steps = program(os.uname().machine)
    instructions = (SockFilter * len(steps))(*[SockFilter(*step) for step in steps])
    fprog = SockFprog(len(steps), instructions)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"seccomp: {os.strerror(number)}")
