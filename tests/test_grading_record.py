"""Tests for mlp_lib.grading.record: values leave the kernel as the plain numbers they hold."""
import json

import numpy as np
import pytest

from mlp_lib.grading import record
from mlp_lib.grading.record import REFERENCE, Unreadable, decode, encode


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))  # as it travels from the kernel to the grader


def test_numbers_arrays_and_structures_round_trip():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    out = roundtrip(arr)
    assert out.shape == (2, 3) and out.dtype == np.float64 and np.array_equal(out, arr.astype(np.float64))
    assert out.source_type == "ndarray"
    assert float(roundtrip(0.25)) == 0.25 and roundtrip(0.25).source_type == "float"
    assert roundtrip(np.arange(3)).dtype == np.int64 and roundtrip(True).dtype == bool
    w, b = roundtrip((np.array([1.0, 2.0]), 3.0))
    assert np.array_equal(w, [1.0, 2.0]) and float(b) == 3.0
    assert [float(v) for v in roundtrip([1.0, 2.5])] == [1.0, 2.5]
    assert roundtrip({"W": np.ones(2)})["W"].tolist() == [1.0, 1.0]
    assert roundtrip("text") == "text" and roundtrip(None) is None and roundtrip(REFERENCE) is REFERENCE
    assert np.isnan(roundtrip(np.array([np.nan]))[0]) and np.isinf(roundtrip(-np.inf))


def test_lying_objects_arrive_as_the_numbers_they_hold():
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return True

        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return np.True_

    class Pretender:
        def __array__(self, dtype=None, copy=None):
            return np.array([7.0, 8.0])

    out = roundtrip(np.array([1.0, 2.0]).view(Agreeable))
    assert type(np.asarray(out)) is np.ndarray and out.tolist() == [1.0, 2.0]
    assert roundtrip(Pretender()).tolist() == [7.0, 8.0]
    assert not np.array_equal(np.asarray(out), [5.0, 6.0])


def test_unreadable_values_say_why():
    class Broken:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("no")

    assert isinstance(roundtrip(Broken()), Unreadable)
    assert "RuntimeError: no" in roundtrip(Broken()).why
    assert "not numbers" in roundtrip(np.array(["a"])).why
    assert "too large" in roundtrip(np.zeros(record.MAX_ITEMS + 1, dtype=bool)).why
    assert roundtrip(object()).source_type == "object"


@pytest.mark.parametrize("plain", [
    {"t": "ndarray", "dtype": "<f8", "shape": [3], "data": "AAAAAAAA8D8="},     # 1 number for shape (3,)
    {"t": "ndarray", "dtype": "object", "shape": [], "data": ""},                # not a dtype encode makes
    {"t": "ndarray", "dtype": "<f8", "shape": [-1], "data": ""},
    {"t": "ndarray", "dtype": "<f8", "shape": [1], "data": "not base64!"},
    [1, 2],
])
def test_decode_refuses_data_encode_cannot_make(plain):
    with pytest.raises(ValueError):
        decode(plain)


def test_observe_records_only_while_a_recorder_is_active():
    assert record.active() is None
    got, spec = record.observe("array", "z", [1.0], {"expected": 2.0})
    assert [float(v) for v in got] == [1.0] and float(spec["expected"]) == 2.0
    recorder = record.Recorder()
    record._active[0] = recorder
    try:
        record.observe("array", "z", np.zeros(2), {"expected": REFERENCE})
    finally:
        record._active[0] = None
    (obs,) = recorder.observations
    assert obs["kind"] == "array" and obs["label"] == "z" and obs["spec"]["expected"] == {"t": "REFERENCE"}
    assert json.loads(json.dumps(obs)) == obs
