"""The inputs Hypothesis draws for a course's checks when its random source is fixed by the
check itself (the derandomized ``kata-grade`` profile), kept beside the checks, so that a grading
process runs them without drawing them again (see :mod:`.replay`, which runs a record).

Derandomized, the engine's inputs for a check depend on nothing but what :func:`digest` reads:
the check file and the toolkit's strategies, the check's settings and parameters, and the
versions of Hypothesis, torch, NumPy and Python (a kata session draws without the constants of
the modules its process imported: see :mod:`.hypothesis_constants`).
``autograd-kata dev checks`` runs every check against the reference solutions and writes, per
check file ``test_kNN_name.py``, ``drawn/test_kNN_name.json``: for each check, that digest and
the inputs the engine drew, each with how it ended. A process that grades takes a check's
record only where the digest it computes is the one written; otherwise the engine draws, as it
always did (a stale file costs time, never a verdict). ``autograd-kata dev check`` draws again
and says when a file is stale.

The file is data: JSON of numbers, strings, lists and tensors as bytes (base64), never pickle.
A value of another type leaves its check out of the file (the engine draws for it).
"""
from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from ..course.checksums import digest as file_digest
from . import replay

FOLDER = "drawn"
#: 2: drawn without Hypothesis's local constants; what format 1 kept was drawn with them (which
#: came from whatever the recording process had imported), and is never taken
FORMAT = 2
#: the toolkit's strategies, which a check draws with (its other modules draw nothing; were one
#: to, ``dev check``, which draws again and compares, would say the files are stale)
STRATEGIES = Path(__file__).resolve().parents[1] / "strategies.py"


class NotKept(Exception):
    """A drawn value the file cannot hold (the check is left out)."""


def path_for(check_file: Path) -> Path:
    return check_file.parent / FOLDER / f"{check_file.stem}.json"


_strategies_digest: str | None = None


def _strategies() -> str:
    global _strategies_digest
    if _strategies_digest is None:
        _strategies_digest = file_digest(STRATEGIES.read_bytes())
    return _strategies_digest


def digest(test: Any, check_file: Path, name: str) -> str:
    """What a derandomized engine run of ``test`` (the check ``name`` of ``check_file``)
    depends on, as one SHA-256."""
    import hypothesis
    import numpy
    import torch

    conftest = check_file.parent / "conftest.py"
    # the files' digests as checks.sha256 takes them: a checkout with \r\n line ends matches
    parts = [FORMAT, hypothesis.__version__, torch.__version__, numpy.__version__, list(sys.version_info[:2]),
             file_digest(check_file.read_bytes()), file_digest(conftest.read_bytes()) if conftest.is_file() else None,
             _strategies(), repr(test._hypothesis_internal_use_settings), name]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


# ---------------------------------------------------------------- values <-> JSON
def encode(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return {"float": value.hex()}  # NaN, infinities and -0.0 kept exactly
    if kind in (tuple, list):
        return {kind.__name__: [encode(v) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        return {"dict": [[k, encode(v)] for k, v in value.items()]}
    import torch

    # as drawn: a plain, contiguous CPU leaf (the file rebuilds one; another layout stays the engine's)
    if kind is torch.Tensor and value.device.type == "cpu" and value.is_leaf and value.layout == torch.strided \
            and value.is_contiguous() and value.storage_offset() == 0:
        from ..runner.codec import tensor_bytes

        return {"tensor": str(value.dtype).removeprefix("torch."), "shape": list(value.shape),
                "requires_grad": value.requires_grad, "data": base64.b64encode(tensor_bytes(value)).decode()}
    if kind is torch.dtype:
        return {"dtype": str(value).removeprefix("torch.")}
    raise NotKept(f"{kind.__module__}.{kind.__qualname__}")


def decode(data: Any) -> Any:
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is not dict or len(data) not in (1, 4):
        raise ValueError(f"not a drawn value: {data!r:.80}")
    if "float" in data:
        return float.fromhex(data["float"])
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    if "list" in data:
        return [decode(v) for v in data["list"]]
    if "dict" in data:
        return {k: decode(v) for k, v in data["dict"]}
    from ..runner.codec import DTYPES, tensor_from_bytes

    if "dtype" in data:
        return DTYPES[data["dtype"]]
    tensor = tensor_from_bytes(data["tensor"], data["shape"], "cpu", base64.b64decode(data["data"], validate=True))
    return tensor.requires_grad_(True) if data["requires_grad"] is True else tensor


# ---------------------------------------------------------------- the files
def entry(record: replay.Record, check_digest: str) -> dict:
    """A check's record as the file holds it; NotKept when a value cannot be held."""
    return {"digest": check_digest, "kinds": list(record.kinds), "inputs": [encode(v) for v in record.inputs]}


def write(path: Path, entries: dict[str, dict]) -> Path:
    """A file of entries (check name -> entry), in a stable order: it changes only where a
    check's inputs do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "checks": dict(sorted(entries.items()))}, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read(check_file: Path) -> dict[str, dict]:
    """The file's entries by check name; empty when there is no file or it does not read as
    one (the engine then draws: a damaged file costs time, never a verdict)."""
    try:
        data = json.loads(path_for(check_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if type(data) is not dict or data.get("format") != FORMAT or type(data.get("checks")) is not dict:
        return {}
    return data["checks"]


def record(found: dict | None, check_digest: str) -> replay.Record | None:
    """The record an entry holds, when the entry was written for this very check (its digest)."""
    if type(found) is not dict or found.get("digest") != check_digest:
        return None
    try:
        kinds, inputs = found["kinds"], [decode(v) for v in found["inputs"]]
    except Exception:  # whatever a damaged entry raises (a codec's refusal, a bad base64...): no record
        return None
    if len(kinds) != len(inputs) or any(k not in (replay.PASSED, replay.INVALID) for k in kinds) \
            or any(type(v) is not tuple for v in inputs):
        return None
    return replay.Record(inputs=inputs, kinds=list(kinds))
