"""Frames on the channel between the trusted side and a learner process.

A frame is a JSON header and zero or more binary blobs (tensor values, file contents):
``<body length: 8 bytes><header length: 4 bytes><blob count: 4 bytes>`` then the body,
``<header JSON><blob length: 8 bytes>...<blob>...``, all lengths big-endian: a reader reads it
in three reads, whatever the number of blobs (a call's reply carries one per tensor). JSON and
raw bytes only: nothing read from a learner process is ever unpickled, so what it sends is
data, never code.

The trusted side reads a learner process's reply with a deadline and :data:`REPLY`'s bounds,
each checked before what it bounds is read or decoded: a learner process that stops
answering, answers with gigabytes, or with a header that would decode into gigabytes of Python
objects (a few bytes of ``[],`` become a list object of 56 bytes and its slot), costs a timeout
or an error, never a hang or the memory.
"""
from __future__ import annotations

import json
import os
import select
import struct
import time
from dataclasses import dataclass
from itertools import accumulate

HEAD = struct.Struct(">QII")
BLOB = struct.Struct(">Q")


@dataclass(frozen=True)
class Bounds:
    """The most a frame may make its reader hold; ``None``: no bound."""
    #: bytes of the body: header, blob lengths and blobs together
    frame_bytes: int
    #: bytes of the JSON header
    header_bytes: int | None = None
    #: JSON values in the header: the whole, and each item of a list and each key and value of
    #: an object. Each decodes to one Python object of its own, of at most about 90 bytes
    #: besides a string's text or a number's digits.
    values: int | None = None
    #: how deep the header's lists and objects nest (the header itself is the first level)
    depth: int | None = None
    #: blobs in the frame
    blobs: int | None = None


#: the most a reply may carry, header and blobs together: far beyond any value a check asks
#: about (the course's largest reply is 47 kB; a probe's, png_files', 32 MiB), and what the
#: trusted side can afford to hold about twice (its blobs, then the plain tensors it rebuilds
#: from them)
REPLY_LIMIT = 256 * 2**20

#: what a learner process's reply may make the trusted side hold. The course's largest header
#: is k12's figure description: two curves of probes.MAX_POINTS (x, y) points, each number
#: written in at most 25 characters (10 MB, 400,000 values; its other replies stay under 45 kB,
#: 6,400 values, 15 levels and 170 blobs). The bounds leave room for a description of
#: probes.FIGURE_POINTS points in all, four such curves (20 MB, 800,000 values), and little
#: more: a header decodes to at most about 100 MiB of objects, besides its strings' text
#: (which, of 4-byte characters, takes 4 bytes each, as in the header: 100 MiB at most).
#: Depth: a value of the codec nests at most codec.MAX_DEPTH + 1 (33) containers deep, each
#: two or three levels of JSON (a dict's items are [key, value] lists in a list), inside a
#: reply's few levels. Blobs: one per tensor the reply shows (each the trusted side holds a
#: handle to) and per bytes or array value; a check holds a few dozen.
REPLY = Bounds(frame_bytes=REPLY_LIMIT, header_bytes=24 * 2**20, values=2**20, depth=128, blobs=2**16)
#: a frame from another trusted process (a check worker's reports): its size only, against a
#: stray writer
TRUSTED = Bounds(frame_bytes=REPLY_LIMIT)
#: the trusted side's requests, as a learner process reads them: no bound a request reaches
#: (the tensors a check hands over are the check's to size)
REQUEST = Bounds(frame_bytes=2**40)

#: reasons a frame is refused (FrameTooLarge.reason)
REASONS = FRAME_BYTES, HEADER_BYTES, VALUES, DEPTH, BLOBS, LENGTHS, NOT_JSON, NOT_OBJECT = (
    "frame_bytes", "header_bytes", "values", "depth", "blobs", "lengths", "not_json", "not_object")

#: the escapes that could hide a quote, each replaced by two bytes that are no part of JSON's
#: structure: an escaped backslash first (in ``"a\\"`` the quote ends the string), then an
#: escaped quote
_ESCAPES = ((b"\\\\", b"__"), (b'\\"', b"__"))
_SPACE = b" \t\n\r"
#: how much of a header is cut at its quotes at a time
_PART = 2**16
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class ChannelClosed(Exception):
    """The other end closed the channel (a learner process that ended)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class FrameTooLarge(Exception):
    """The other end sent a frame over one of its bounds, or one that does not parse.
    ``reason`` says which (FRAME_BYTES... NOT_OBJECT); ``limit`` is the bound and ``sent`` what
    the frame said or held of it; ``detail`` is the parser's words for a header that does not parse."""

    def __init__(self, reason: str, sent: int | None = None, limit: int | None = None, detail: str = "") -> None:
        super().__init__(f"{reason}: {sent} > {limit}" if limit is not None else f"{reason} {detail}".strip())
        self.reason, self.sent, self.limit, self.detail = reason, sent, limit, detail


def _at_most(reason: str, sent: int, limit: int | None) -> None:
    if limit is not None and sent > limit:
        raise FrameTooLarge(reason, sent, limit)


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


def read_frame(fd: int, deadline: float | None = None, bounds: Bounds = TRUSTED) -> tuple[dict, list[bytes]]:
    """The next frame, refused (FrameTooLarge) as soon as it is seen to be over ``bounds``:
    its sizes before its body is read, its header's structure before it is decoded, and the
    header before the blobs are read."""
    body, size, count = HEAD.unpack(_exactly(fd, HEAD.size, deadline))
    _within_sizes(bounds, body, size, count)
    table = size + BLOB.size * count
    front = _exactly(fd, table, deadline)
    lengths = struct.unpack_from(f">{count}Q", front, size)
    if sum(lengths) != body - table:
        raise FrameTooLarge(LENGTHS)
    header = _header(front[:size], bounds)
    data = _exactly(fd, body - table, deadline)
    blobs, start = [], 0
    for length in lengths:
        blobs.append(data[start:start + length])
        start += length
    return header, blobs


def _within_sizes(bounds: Bounds, body: int, size: int, count: int) -> None:
    """What a frame's first bytes say of its sizes, against ``bounds``, before any more is read."""
    _at_most(FRAME_BYTES, body, bounds.frame_bytes)
    _at_most(HEADER_BYTES, size, bounds.header_bytes)
    _at_most(BLOBS, count, bounds.blobs)
    if size + BLOB.size * count > body:
        raise FrameTooLarge(LENGTHS)


def _header(data: bytes, bounds: Bounds) -> dict:
    _within_structure(bounds, data)
    try:
        header = json.loads(str(data, "utf-8"))
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise FrameTooLarge(NOT_JSON, detail=str(err)) from None
    if not isinstance(header, dict):
        raise FrameTooLarge(NOT_OBJECT)
    return header


def _within_structure(bounds: Bounds, data: bytes) -> None:
    """The values and the depth of the UTF-8 JSON ``data`` against ``bounds``, read from its
    structure without decoding it. For JSON that does not parse they bound what the decoder
    builds before it stops: up to there, it read the same structure."""
    # What can be told without reading the structure first: each value takes at least a byte of
    # it, and each level of nesting a bracket (a bracket inside a string only adds to the count).
    # Most replies are far within both, and are not read twice.
    if (bounds.values is None or len(data) + 1 <= bounds.values) and \
            (bounds.depth is None or data.count(b"[") + data.count(b"{") <= bounds.depth):
        return
    structure = _structure(data)
    _at_most(VALUES, _values(structure), bounds.values)
    if bounds.depth is not None:
        brackets = structure.translate(None, _NOT_BRACKETS)
        _at_most(DEPTH, max(accumulate(map(_NESTING.__getitem__, brackets), initial=0)), bounds.depth)


def _structure(data: bytes) -> bytes:
    """What is outside the strings of UTF-8 JSON ``data``, with one quote in the place of each
    string and no white space: its brackets, commas, colons, numbers and words. (No byte of a
    character that UTF-8 writes in more than one byte is ASCII, so none is a quote or a bracket.)"""
    for escape, plain in _ESCAPES:
        data = data.replace(escape, plain)
    # Now every quote begins or ends a string. The text is cut at them a part at a time: the
    # pieces of a cut are objects of their own, and a header may hold a million strings.
    parts, inside = [], False
    for start in range(0, len(data), _PART):
        pieces = data[start:start + _PART].split(b'"')
        outside = pieces[inside::2]
        # a part that begins inside a string closes it before its first piece outside
        parts.append((b'"' if inside and outside else b"") + b'"'.join(outside))
        inside ^= len(pieces) % 2 == 0  # an odd number of quotes
    return b"".join(parts).translate(None, _SPACE)


def _values(structure: bytes) -> int:
    """The values in JSON whose ``structure`` this is: the whole, and each item of a list, and
    each key and value of an object. A list or object of n items has n - 1 commas (and n colons,
    one per key), so the items of all are the commas, the colons, and one per list or object
    that is not empty."""
    count = structure.count
    return 1 + count(b",") + count(b":") + count(b"[") + count(b"{") - count(b"[]") - count(b"{}")
