"""Tests for mlp_lib.grading.kinds: judging observations from plain values (the checks' own tests are in
test_checks.py; these cover what only the grader does)."""
import numpy as np
import pytest

from mlp_lib.grading.kinds import judge
from mlp_lib.grading.record import REFERENCE, Unreadable

SPEC = {"expected": REFERENCE, "atol": 1e-7, "rtol": 1e-5, "hint": None}


def test_reference_values_are_judged_only_with_a_reference():
    assert judge("array", "z", np.array([9.0]), SPEC) is None  # the student's own check: not judged
    assert judge("array", "z", np.array([1.0]), SPEC, reference=np.array([1.0])) is None
    assert judge("array", "z", np.array([9.0]), SPEC, reference=np.array([1.0])) == (
        "z is wrong at index (0,): got 9, expected 1 (largest difference 8)")
    assert judge("array", "z", np.zeros(2), SPEC, reference=np.zeros(3)) == "z has shape (2,), expected (3,)"
    # a check that was handed REFERENCE as the student's value (e.g. by a wrapper) holds no numbers
    assert judge("array", "z", REFERENCE, SPEC, reference=np.array([1.0])).startswith("z should be an array of numbers")


def test_stable_hint_and_unreadable_values():
    spec = {**SPEC, "stable_hint": "use a numerically stable form"}
    assert judge("array", "f(1000)", np.array([np.nan]), spec, reference=np.array([1.0])) == (
        "f(1000) returned nan — use a numerically stable form")
    assert judge("array", "z", Unreadable("Gadget", "TypeError: nope"), SPEC, reference=np.ones(1)) == (
        "z should be an array of numbers, got Gadget (TypeError: nope)")


def test_mistakes_are_named_only_when_the_value_is_wrong():
    spec = {"expected": np.array([1.0, 2.0]), "mistakes": [["it is negated", np.array([-1.0, -2.0])]]}
    assert judge("array", "v", np.array([1.0, 2.0]), spec) is None
    assert judge("array", "v", np.array([-1.0, -2.0]), spec) == "v is wrong: it is negated"


def test_relational_kinds_compare_the_students_own_results():
    batches = [(np.ones((2, 1)), np.arange(2.0))]
    assert judge("same", "twice", (batches, [tuple(b) for b in batches]), {}) is None
    assert judge("differs", "seeds", (batches, batches), {}) == "seeds: both results are the same"
    assert judge("same", "rows", (np.ones((1, 3)), np.ones((4, 3))), {"prefix": True}) is None
    assert judge("same", "pair", np.ones(2), {}) == "pair: could not compare the two results"


def test_not_imported_and_no_warning():
    assert judge("not_imported", "relu", None, {}) is None
    assert "(it uses mlp_lib.activations.relu)" in judge("not_imported", "relu", "mlp_lib.activations.relu", {})
    assert judge("no_warning", "f(1)", "overflow", {"hint": "h"}) == "f(1) triggered the numpy warning 'overflow': h"


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        judge("anything", "x", None, {})
