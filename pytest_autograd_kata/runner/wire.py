"""Frames on the channel between the trusted side and a learner process.

A frame is a JSON header and zero or more binary blobs (tensor values, file contents):
``<body length: 8 bytes><header length: 4 bytes><blob count: 4 bytes>`` then the body,
``<header JSON><blob length: 8 bytes>...<blob>...``, all lengths big-endian: a reader reads it
in two reads, whatever the number of blobs (a call's reply carries one per tensor). JSON and
raw bytes only: nothing read from a learner process is ever unpickled, so what it sends is
data, never code.

The trusted side reads with a deadline and a size limit, so a learner process that stops
answering, or answers with gigabytes, costs a timeout or an error, never a hang or the memory.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time

HEAD = struct.Struct(">QII")
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
    lengths = struct.pack(f">{len(blobs)}Q", *map(len, blobs))
    body = len(data) + len(lengths) + sum(map(len, blobs))
    payload = memoryview(b"".join([HEAD.pack(body, len(data), len(blobs)), data, lengths, *blobs]))
    while payload:
        payload = payload[os.write(fd, payload):]


def _exactly(fd: int, count: int, deadline: float | None) -> bytes:
    """``count`` bytes from ``fd`` before ``deadline`` (``None``: wait forever)."""
    chunks, missing = [], count
    while missing:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise ChannelTimeout()
        chunk = os.read(fd, min(missing, 2**20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        missing -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, limit: int = REPLY_LIMIT) -> tuple[dict, list[bytes]]:
    """The next frame, refused (FrameTooLarge) before it is read when it says it is over ``limit``."""
    body, size, count = HEAD.unpack(_exactly(fd, HEAD.size, deadline))
    if body > limit:
        raise FrameTooLarge(f"a frame of more than {limit // 2**20} MiB")
    table = size + BLOB.size * count
    if table > body:
        raise FrameTooLarge("a frame whose lengths do not add up")
    data = _exactly(fd, body, deadline)
    lengths = struct.unpack_from(f">{count}Q", data, size)
    if sum(lengths) != body - table:
        raise FrameTooLarge("a frame whose lengths do not add up")
    try:
        header = json.loads(data[:size])
    except ValueError as err:
        raise FrameTooLarge(f"a header that is not JSON ({err})") from None
    if not isinstance(header, dict):
        raise FrameTooLarge("a header that is not a JSON object")
    blobs, start = [], table
    for length in lengths:
        blobs.append(data[start:start + length])
        start += length
    return header, blobs
