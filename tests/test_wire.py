"""The wire bounds before it decodes: a reply over a bound of wire.REPLY (its size, its
header's bytes, values and depth, its blobs) is refused before what is over is read or decoded,
so the trusted side never holds what a hostile learner's header would decode into; the largest
replies the course sends still cross; and a kata whose code writes such a frame to its channel
ends its check with a message that names what was refused, while the other checks and katas go on."""
from __future__ import annotations

import inspect
import json
import os
import shutil
import struct
import tempfile
import time
import tracemalloc
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SOLUTIONS, checks_file
from pytest_autograd_kata.course.i18n import t
from pytest_autograd_kata.runner import codec, probes, wire


def frame_file(header: bytes, blobs: list[bytes] = (), *, head: tuple[int, int, int] | None = None) -> int:
    """A descriptor to read a frame from: ``header`` as its raw JSON and ``blobs``, or only a
    head saying (body, header, blob count) and nothing after it."""
    handle = tempfile.TemporaryFile()
    if head is not None:
        handle.write(wire.HEAD.pack(*head))
    else:
        lengths = struct.pack(f">{len(blobs)}Q", *map(len, blobs))
        body = len(header) + len(lengths) + sum(map(len, blobs))
        handle.write(wire.HEAD.pack(body, len(header), len(blobs)) + header + lengths + b"".join(blobs))
    handle.flush()
    fd = os.dup(handle.fileno())
    handle.close()
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def read(fd: int, bounds: wire.Bounds = wire.REPLY) -> tuple[dict, list[bytes]]:
    try:
        return wire.read_frame(fd, time.monotonic() + 30, bounds)
    finally:
        os.close(fd)


def refused(fd: int, bounds: wire.Bounds = wire.REPLY) -> wire.FrameTooLarge:
    with pytest.raises(wire.FrameTooLarge) as caught:
        read(fd, bounds)
    return caught.value


def values_in(value) -> int:
    """How many JSON values ``value`` decoded from: itself, and each item, key and member in it."""
    if isinstance(value, list):
        return 1 + sum(map(values_in, value))
    if isinstance(value, dict):
        return 1 + len(value) + sum(map(values_in, value.values()))
    return 1


def empty_lists(count: int) -> bytes:
    """A header of ``count`` empty lists, ``count + 3`` values with its object, key and list:
    three bytes each, a list object of 56 bytes and more decoded."""
    return b'{"a":[' + b"[]," * (count - 1) + b"[]]}"


def short_strings(count: int) -> bytes:
    """A header of ``count`` two-letter strings, ``count + 3`` values with its object, key and
    list: five bytes each, a string object of 51 bytes decoded."""
    return b'{"a":[' + b'"ab",' * (count - 1) + b'"ab"]}'


def nested(depth: int) -> bytes:
    """A header whose lists nest ``depth`` deep, its object the first level."""
    return b'{"a":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


# ---------------------------------------------------------------- refused from the head

@pytest.mark.parametrize("head, reason, sent, limit", [
    ((wire.REPLY.frame_bytes + 1, 10, 0), wire.FRAME_BYTES, wire.REPLY.frame_bytes + 1, wire.REPLY.frame_bytes),
    ((wire.REPLY.header_bytes + 1, wire.REPLY.header_bytes + 1, 0), wire.HEADER_BYTES,
     wire.REPLY.header_bytes + 1, wire.REPLY.header_bytes),
    ((2**20, 2, wire.REPLY.blobs + 1), wire.BLOBS, wire.REPLY.blobs + 1, wire.REPLY.blobs),
])
def test_sizes_over_a_bound_are_refused_before_the_body_is_read(head, reason, sent, limit) -> None:
    # Only the head is there: reading the body would meet the end of the file (ChannelClosed).
    error = refused(frame_file(b"", head=head))
    assert (error.reason, error.sent, error.limit) == (reason, sent, limit)


def test_a_head_whose_lengths_do_not_add_up_is_refused() -> None:
    assert refused(frame_file(b"", head=(10, 4, 2))).reason == wire.LENGTHS


# ---------------------------------------------------------------- refused before decoding

@pytest.mark.parametrize("make", [empty_lists, short_strings])
def test_a_header_one_value_over_the_bound_is_refused_without_decoding_it(make) -> None:
    header = make(wire.REPLY.values - 2)  # with its object, key and list: one value too many
    fd = frame_file(header)
    tracemalloc.start()
    try:
        error = refused(fd)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (error.reason, error.limit) == (wire.VALUES, wire.REPLY.values)
    # Its bytes and its structure, a few times over: no list or string of it was made
    # (json.loads would have made a million, of 50 bytes and more each).
    assert peak < 8 * len(header), peak


@pytest.mark.parametrize("make", [empty_lists, short_strings])
def test_a_header_at_its_bounds_is_decoded(make) -> None:
    header = make(997)
    bounds = wire.Bounds(frame_bytes=2**20, header_bytes=len(header), values=1000, depth=3)
    assert values_in(json.loads(header)) == 997 + 3
    assert len(read(frame_file(header), bounds)[0]["a"]) == 997
    assert refused(frame_file(make(998)), bounds).reason == wire.HEADER_BYTES
    assert refused(frame_file(b'{"a":[' + b"0," * 997 + b"0]}"), bounds).reason == wire.VALUES
    assert refused(frame_file(b'{"a":[[[]]]}'), bounds).reason == wire.DEPTH


@pytest.mark.parametrize("depth", [wire.REPLY.depth + 1, 200_000])
def test_a_header_nested_too_deep_is_refused_without_decoding_it(depth: int) -> None:
    error = refused(frame_file(nested(depth)))
    assert (error.reason, error.sent, error.limit) == (wire.DEPTH, depth, wire.REPLY.depth)


def test_a_trusted_writers_deep_header_is_refused_not_a_recursion_error() -> None:
    # Without a depth bound, the JSON decoder's own recursion limit stops it: that is a frame
    # that does not parse, as the readers of FrameTooLarge expect, never a RecursionError.
    assert refused(frame_file(nested(200_000)), wire.TRUSTED).reason == wire.NOT_JSON


@pytest.mark.parametrize("header, reason", [
    (b'{"a": [1, 2', wire.NOT_JSON), (b'{"a": "\xff"}', wire.NOT_JSON), (b"[1, 2]", wire.NOT_OBJECT),
])
def test_a_header_that_is_not_a_json_object_is_refused(header: bytes, reason: str) -> None:
    assert refused(frame_file(header)).reason == reason


def depth_of(value) -> int:
    if isinstance(value, (list, dict)):
        return 1 + max(map(depth_of, value.values() if isinstance(value, dict) else value), default=0)
    return 0


#: JSON values, with strings full of what JSON's structure is made of
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text('"\\[]{},: \n\u00e9\U0001f600ab'),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text('"\\[]{}:, a'), inner, max_size=4),
    max_leaves=25)


@settings(max_examples=100, deadline=None)
@given(value=json_values, part=st.integers(1, 9), indent=st.sampled_from([None, 0, 2]), ascii=st.booleans())
def test_values_and_depth_are_counted_exactly_without_decoding(value, part, indent, ascii) -> None:
    # Cut at its quotes a few bytes at a time (not 64 KiB), so that cuts fall inside strings.
    header = json.dumps({"v": value}, indent=indent, ensure_ascii=ascii).encode()
    values, depth = values_in({"v": value}), depth_of({"v": value})
    with mock.patch.object(wire, "_PART", part):
        assert read(frame_file(header), wire.Bounds(2**20, values=values, depth=depth))[0] == {"v": value}
        error = refused(frame_file(header), wire.Bounds(2**20, values=values - 1))
        assert (error.reason, error.sent) == (wire.VALUES, values)
        error = refused(frame_file(header), wire.Bounds(2**20, depth=depth - 1))
        assert (error.reason, error.sent) == (wire.DEPTH, depth)


def test_a_header_far_within_its_bounds_is_decoded_without_reading_its_structure_first() -> None:
    """Fewer bytes than the bound on values, fewer brackets than the bound on depth: nothing to
    count (a reply of the course's, most of them)."""
    header = json.dumps({"tensors": {str(h): {"shape": [2, 3], "grad": None} for h in range(20)}}).encode()
    with mock.patch.object(wire, "_structure", side_effect=AssertionError("read")):
        assert read(frame_file(header))[0]["tensors"]["19"]["shape"] == [2, 3]
        with pytest.raises(AssertionError, match="read"):  # one bracket over: counted
            brackets = header.count(b"{") + header.count(b"[")
            read(frame_file(header), wire.Bounds(2**20, values=10**6, depth=brackets - 1))


def test_brackets_commas_and_quotes_inside_strings_are_not_structure() -> None:
    text = '[{,:"\\' * wire.REPLY.values  # as structure, four times over the bound on values
    header = json.dumps({"s": text, "t": ["[" * (wire.REPLY.depth + 1), "\\", '"{']}).encode()
    assert read(frame_file(header))[0]["s"] == text


# ---------------------------------------------------------------- what the course sends still crosses

def reply(value, blobs: list[bytes]) -> tuple[bytes, dict]:
    """A call's reply carrying ``value``, as the learner's process writes it, and as data."""

    def no_special(obj):
        raise AssertionError(obj)

    data = {"value": codec.encode(value, blobs, no_special, no_special), "observed": {}, "tensors": {}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), data


def test_the_largest_figure_description_crosses() -> None:
    # Lines of more than MAX_POINTS points, every number as long as JSON writes one (24
    # characters): the description carries FIGURE_POINTS of them, and no more.
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy

    figure, axes = plt.subplots()
    points = numpy.full(probes.MAX_POINTS + 10, -1.2345678901234567e+100)
    for _ in range(6):
        axes.plot(points, points)
    described = probes.describe_figure(figure)
    plt.close(figure)
    sizes = [len(xs) for xs, ys in described["axes"][0]["lines"]]
    assert sizes == [probes.MAX_POINTS] * 4 + [0, 0] and sum(sizes) == probes.FIGURE_POINTS
    header, data = reply(described, [])
    assert read(frame_file(header))[0] == data


def test_the_deepest_value_the_codec_sends_crosses() -> None:
    # Dicts nest deepest in JSON ({"t": "dict", "items": [[key, value]]}: three levels each),
    # and an empty one can sit one level deeper than anything in it could.
    value = {}
    for _ in range(codec.MAX_DEPTH):
        value = {"key": value}
    with pytest.raises(codec.CodecError):
        reply({"key": value}, [])
    header, data = reply(value, [])
    assert read(frame_file(header))[0] == data


def test_a_reply_with_as_many_blobs_as_may_cross_crosses() -> None:
    blobs: list[bytes] = []
    header, _ = reply([bytes([i % 256]) * (i % 7) for i in range(wire.REPLY.blobs)], blobs)
    assert read(frame_file(header, blobs))[1] == blobs


# ---------------------------------------------------------------- what the learner reads

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("reason", wire.REASONS)
def test_every_refusal_has_its_words_in_each_language(reason: str, lang: str) -> None:
    detail = t(f"reply_{reason}", lang, sent=2**21, limit=2**20, detail="Expecting value")
    assert ("2,097,152" in detail and "1,048,576" in detail) or reason in (wire.LENGTHS, wire.NOT_JSON, wire.NOT_OBJECT)
    assert "Expecting value" in detail or reason != wire.NOT_JSON


# ---------------------------------------------------------------- a hostile learner, black box

#: k12's reference sin_derivative, and a plot function that writes a frame of its own to the
#: channel the runner reads its replies from: the header that HEADER (a call of one of this
#: file's functions, which come with it) makes
HOSTILE_PLOT = '''

import os, struct, sys


def _channel():
    """The descriptor the learner process answers the checks on: the server running this call holds it."""
    frame = sys._getframe()
    while not hasattr(frame.f_locals.get("self"), "write_fd"):
        frame = frame.f_back
    return frame.f_locals["self"].write_fd


def plot_sin_and_derivative(path, device="cpu"):
    header = HEADER
    payload = memoryview(struct.pack(">QII", len(header), len(header), 0) + header)
    fd = _channel()
    while payload:
        payload = payload[os.write(fd, payload):]
    return None
'''


@pytest.mark.parametrize("make, reason, sent, limit", [
    (f"empty_lists({wire.REPLY.values - 2})", "reply_values", wire.REPLY.values + 1, wire.REPLY.values),
    ("nested(10_000)", "reply_depth", 10_000, wire.REPLY.depth),
])
def test_a_learner_that_writes_a_hostile_frame_ends_its_check_with_what_was_refused(
        pytester: pytest.Pytester, make: str, reason: str, sent: int, limit: int) -> None:
    target = pytester.path / "target"
    target.mkdir()
    shutil.copy(SOLUTIONS / "k01_grad_storage.py", target)
    solution = (SOLUTIONS / "k12_sin_without_cos.py").read_text(encoding="utf-8")
    (target / "k12_sin_without_cos.py").write_text(
        solution[:solution.index("def plot_sin_and_derivative")] + inspect.getsource(empty_lists)
        + inspect.getsource(nested) + HOSTILE_PLOT.replace("HEADER", make), encoding="utf-8")
    report = pytester.path / "report.json"
    pytester.runpytest_inprocess(str(checks_file("k01")), str(checks_file("k12")), f"--kata-target={target}",
                                 f"--kata-report={report}", "--kata-lang=en", "-p", "no:cacheprovider")
    katas = {k["id"]: k for k in json.loads(report.read_text(encoding="utf-8"))["katas"]}
    # Its code reaches its channel through frames and os.write: the kata is also marked for review.
    assert (katas["k01"]["status"], katas["k12"]["status"]) == ("passed", "review"), katas
    assert {"sys._getframe", "os.write"} <= {flag["what"] for flag in katas["k12"]["flags"]}, katas["k12"]["flags"]
    checks = {c["name"].split("[")[0]: c for c in katas["k12"]["checks"]}
    detail = t(reason, "en", sent=sent, limit=limit)
    # every check that calls plot_sin_and_derivative (on the device, again on the same path, and on
    # the meta device) meets its frame
    for name in ("test_plot_shows_sin_and_its_derivative", "test_each_call_writes_the_plot_again",
                 "test_plot_is_computed_on_the_device_it_is_given"):
        plot = checks.pop(name)
        assert plot["status"] == "error", plot
        assert plot["message"] == t("learner_broke", "en", what="plot_sin_and_derivative(...)", detail=detail), plot
    assert {c["status"] for c in checks.values()} == {"passed"}, checks
