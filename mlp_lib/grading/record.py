"""Observations: what a test cell saw the student's code produce, as plain data.

Every check of :mod:`mlp_lib.checks` records one or more observations::

    {"kind": "array", "label": "dW", "got": <the student's value>, "spec": {...}, "line": 12}

``got`` holds only values the student's code produced; ``spec`` holds what the test itself
computed (the expected value, tolerances, the inputs). When grading, the judge takes ``spec``
from the *reference solution's* run of the same test cell, so nothing the submission does to the
test's own computations changes how it is judged.

Values are encoded by :func:`encode` into JSON-able plain data — numbers and arrays as raw
float64/int64/bool bytes — so an object whose comparisons lie (an ndarray subclass, an
``__eq__`` that returns True) arrives as the numbers it holds. :func:`decode` turns them back
into numpy arrays, tuples and lists (in the grader: without running any code of the student's).
"""
from __future__ import annotations

import base64
import binascii
import sys

import numpy as np

__all__ = ["MIME", "REFERENCE", "encode", "decode", "Recorder", "observe", "active", "observation_line"]

#: MIME type of the display output that carries a cell's record from the kernel to the grader.
MIME = "application/vnd.mlp-grading.record+json"
MAX_ITEMS = 2_000_000      # numbers per encoded array
MAX_LENGTH = 10_000        # items per encoded tuple or list
MAX_DEPTH = 8
_DTYPES = {"f": "<f8", "i": "<i8", "u": "<i8", "b": "|b1"}  # numpy kind -> encoded dtype

# Bound once, when the kernel loads this module before any student code runs.
_array, _ascontiguousarray, _b64encode = np.array, np.ascontiguousarray, base64.b64encode
_type, _len, _str, _int, _tuple, _list, _dict = type, len, str, int, tuple, list, dict


class _Reference:
    """The sentinel :data:`REFERENCE`: "whatever the reference solution gives here"."""

    def __repr__(self):
        return "REFERENCE"


#: ``check_array(name, got, REFERENCE)``: judged against the value the reference solution produces
#: at the same place of the same test (only in hidden tests: it needs the grader's reference run).
REFERENCE = _Reference()


def _type_name(value):
    return _type(value).__name__


def _encode_array(value, type_name):
    try:
        arr = _array(value, copy=True, subok=False)
    except Exception as error:  # noqa: BLE001 — any failure of the student's object
        return {"t": type_name, "unreadable": f"{_type_name(error)}: {_str(error)[:200]}"}
    kind = arr.dtype.kind
    if kind not in _DTYPES:
        return {"t": type_name, "unreadable": f"not numbers (numpy dtype {arr.dtype})"}
    if arr.size > MAX_ITEMS:
        return {"t": type_name, "unreadable": f"too large ({arr.size} numbers)"}
    data = _ascontiguousarray(arr, dtype=_DTYPES[kind])
    return {"t": type_name, "dtype": _DTYPES[kind], "shape": [_int(n) for n in arr.shape],
            "data": _b64encode(data.tobytes()).decode("ascii")}


def encode(value, _depth=0):
    """``value`` as JSON-able plain data (see the module docstring); never raises."""
    if value is None or value is REFERENCE:
        return None if value is None else {"t": "REFERENCE"}
    kind = _type(value)
    if kind is _str:
        return {"t": "str", "value": value[:500]}
    if kind is _tuple or kind is _list:
        if _depth >= MAX_DEPTH:
            return {"t": kind.__name__, "unreadable": "nested too deeply"}
        if _len(value) > MAX_LENGTH:
            return {"t": kind.__name__, "unreadable": f"too long ({_len(value)} items)"}
        return {"t": kind.__name__, "items": [encode(item, _depth + 1) for item in value]}
    if kind is _dict:
        if _depth >= MAX_DEPTH or _len(value) > MAX_LENGTH:
            return {"t": "dict", "unreadable": "too large or nested too deeply"}
        return {"t": "dict", "items": [[_str(k), encode(v, _depth + 1)] for k, v in value.items()
                                       if _type(k) is _str]}
    return _encode_array(value, kind.__name__)


def decode(plain):
    """The value :func:`encode` made ``plain`` from: arrays (0-d for numbers), tuples, lists, str.

    Unreadable values come back as :class:`Unreadable`. Raises ``ValueError`` for data that
    :func:`encode` cannot have produced.
    """
    if plain is None:
        return None
    if not isinstance(plain, dict) or "t" not in plain:
        raise ValueError(f"not an encoded value: {plain!r:.80}")
    kind = plain["t"]
    if kind == "REFERENCE":
        return REFERENCE
    if "unreadable" in plain:
        return Unreadable(str(kind), str(plain["unreadable"]))
    if kind == "str":
        return str(plain["value"])
    if kind in ("tuple", "list") and "items" in plain:
        items = [decode(item) for item in plain["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict" and "items" in plain:
        return {str(k): decode(v) for k, v in plain["items"]}
    dtype, shape = plain.get("dtype"), plain.get("shape")
    if dtype not in _DTYPES.values() or not isinstance(shape, list):
        raise ValueError(f"bad array encoding: dtype {dtype!r}, shape {shape!r:.40}")
    try:
        data = base64.b64decode(plain["data"], validate=True)
    except (KeyError, TypeError, binascii.Error) as error:
        raise ValueError(f"bad array data: {error}") from None
    arr = np.frombuffer(data, dtype=dtype)
    if any(not isinstance(n, int) or n < 0 for n in shape) or int(np.prod(shape)) != arr.size:
        raise ValueError(f"array data does not fit shape {shape}")
    return Encoded(arr.reshape(shape).copy(), str(kind))


class Encoded(np.ndarray):
    """A decoded array that remembers the type name of the student's value (``.source_type``)."""

    def __new__(cls, arr, source_type):
        obj = np.asarray(arr).view(cls)
        obj.source_type = source_type
        return obj

    def __array_finalize__(self, obj):
        self.source_type = getattr(obj, "source_type", "ndarray")

    def __reduce__(self):  # plain arrays when copied or pickled
        return np.asarray(self).__reduce__()


class Unreadable:
    """A value the encoding could not turn into numbers (``why`` says what went wrong)."""

    def __init__(self, source_type, why):
        self.source_type, self.why = source_type, why

    def __repr__(self):
        return f"<unreadable {self.source_type}: {self.why}>"


# --------------------------------------------------------------------------- recording

class Recorder:
    """The observations of the cell that is running (the runtime starts one per cell)."""

    def __init__(self):
        self.observations = []


_active = [None]  # the Recorder of the current cell while the grading runtime runs, else None


def active():
    """The current cell's :class:`Recorder`, or None (a kernel without the grading runtime)."""
    return _active[0]


def observation_line():
    """Line of the test cell's top-level code that made the current check call (None if unknown)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    return frame.f_lineno if frame is not None else None


def observe(kind, label, got, spec):
    """Record an observation in the current cell (if recording); return ``(got, spec)`` decoded.

    The checks compute their message from the returned plain values, exactly as the judge will.
    """
    plain_got = encode(got)
    plain_spec = {key: encode(value) for key, value in spec.items()}
    recorder = _active[0]
    if recorder is not None:
        recorder.observations.append({"kind": kind, "label": _str(label), "got": plain_got,
                                      "spec": plain_spec, "line": observation_line()})
    return decode(plain_got), {key: decode(value) for key, value in plain_spec.items()}
