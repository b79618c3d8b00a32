"""Frames on the channel between the trusted side and a learner process.

A frame is a JSON header and zero or more binary blobs (tensor values, file contents):
``<header length: 4 bytes><blob count: 4 bytes><header JSON><blob length: 8 bytes><blob>...``,
all lengths big-endian. JSON and raw bytes only: nothing read from a learner process is ever
unpickled, so what it sends is data, never code.

The trusted side reads with a deadline and a size limit, so a learner process that stops
answering, or answers with gigabytes, costs a timeout or an error, never a hang or the memory.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time

HEAD = struct.Struct(">II")
BLOB = struct.Struct(">Q")
#: the most a reply may carry, header and blobs together
REPLY_LIMIT = 256 * 2**20


class ChannelClosed(Exception):
    """The other end closed the channel (a learner process that ended)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class FrameTooLarge(Exception):
    """The other end sent more than the limit, or a frame that does not parse."""


def write_frame(fd: int, header: dict, blobs: list[bytes] = ()) -> None:
    data = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    parts = [HEAD.pack(len(data), len(blobs)), data]
    for blob in blobs:
        parts += [BLOB.pack(len(blob)), blob]
    payload = memoryview(b"".join(parts))
    while payload:
        payload = payload[os.write(fd, payload):]


class _Reader:
    """Reads exact byte counts from ``fd`` before ``deadline`` (``None``: wait forever)."""

    def __init__(self, fd: int, deadline: float | None, limit: int) -> None:
        self.fd, self.deadline, self.left = fd, deadline, limit

    def exactly(self, count: int) -> bytes:
        if count > self.left:
            raise FrameTooLarge(f"a frame of more than {REPLY_LIMIT // 2**20} MiB")
        self.left -= count
        chunks, missing = [], count
        while missing:
            if self.deadline is not None:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                    raise ChannelTimeout()
            chunk = os.read(self.fd, min(missing, 2**20))
            if not chunk:
                raise ChannelClosed()
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, limit: int = REPLY_LIMIT) -> tuple[dict, list[bytes]]:
    reader = _Reader(fd, deadline, limit)
    size, count = HEAD.unpack(reader.exactly(HEAD.size))
    try:
        header = json.loads(reader.exactly(size))
    except ValueError as err:
        raise FrameTooLarge(f"a header that is not JSON ({err})") from None
    if not isinstance(header, dict):
        raise FrameTooLarge("a header that is not a JSON object")
    blobs = []
    for _ in range(count):
        (length,) = BLOB.unpack(reader.exactly(BLOB.size))
        blobs.append(reader.exactly(length))
    return header, blobs
