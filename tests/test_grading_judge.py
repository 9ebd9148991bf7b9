"""Tests for mlp_lib.grading.judge: a test cell passes only on its full, untampered record."""
import copy

from mlp_lib.grading import record
from mlp_lib.grading.judge import hidden_lines, judge_cell, source_sha256
from mlp_lib.grading.record import REFERENCE

SOURCE = "\n".join([
    "check_array('z', z, [1.0])",                      # 1
    "### BEGIN HIDDEN TESTS",                          # 2
    "check_array('hidden z', z_hidden, REFERENCE)",    # 3
    "### END HIDDEN TESTS",                            # 4
    "print('done')",                                   # 5
])


def observations(*calls):
    """Observations of ``(label, got, expected, line)`` calls, as the runtime records them."""
    recorder = record.Recorder()
    record._active[0] = recorder
    try:
        for label, got, expected, _ in calls:
            record.observe("array", label, got, {"expected": expected, "atol": 1e-7, "rtol": 1e-5})
    finally:
        record._active[0] = None
    for obs, (*_, line) in zip(recorder.observations, calls):
        obs["line"] = line
    return recorder.observations


def cell_record(obs, error=None, changed=(), source=SOURCE):
    return {"version": 1, "source_sha256": source_sha256(source), "observations": obs, "error": error,
            "changed": list(changed)}


REFERENCE_RECORD = cell_record(observations(("z", [1.0], [1.0], 1), ("hidden z", [4.0, 5.0], REFERENCE, 3)))


def verdict(student_record, **kwargs):
    return judge_cell(SOURCE, [student_record], reference=kwargs.pop("reference", REFERENCE_RECORD), **kwargs)


def test_hidden_lines_include_the_markers():
    assert hidden_lines(SOURCE) == {2, 3, 4}
    assert hidden_lines("a\nb") == frozenset()


def test_a_full_record_that_matches_passes():
    assert verdict(cell_record(observations(("z", [1.0], [1.0], 1), ("hidden z", [4.0, 5.0], REFERENCE, 3)))).passed
    # the student's own check, without a reference run: hidden REFERENCE checks are not judged
    assert judge_cell(SOURCE, [cell_record(observations(("z", [1.0], [1.0], 1)))]).passed


def test_a_wrong_hidden_value_fails_at_its_line():
    v = verdict(cell_record(observations(("z", [1.0], [1.0], 1), ("hidden z", [4.0, 6.0], REFERENCE, 3))))
    assert not v.passed and v.reason == "check" and v.line == 3 and v.hidden
    assert v.message.startswith("hidden z is wrong at index (1,): got 6, expected 5")


def test_the_references_expectations_count_not_the_students():
    forged = observations(("z", [9.0], [9.0], 1), ("hidden z", [4.0, 5.0], REFERENCE, 3))
    forged[0]["spec"]["atol"] = record.encode(1e9)  # a student's record cannot loosen the test
    v = verdict(cell_record(forged))
    assert not v.passed and not v.hidden and v.message.startswith("z is wrong at index (0,): got 9, expected 1")


def test_missing_duplicate_or_foreign_records_fail():
    full = cell_record(observations(("z", [1.0], [1.0], 1), ("hidden z", [4.0, 5.0], REFERENCE, 3)))
    assert judge_cell(SOURCE, [], reference=REFERENCE_RECORD).message == (
        "this test cell reported no results: its checks did not run")
    assert judge_cell(SOURCE, [], reference=REFERENCE_RECORD, error="CellTimeoutError: too slow").message == (
        "CellTimeoutError: too slow")
    assert "reported its results 2 times" in judge_cell(SOURCE, [full, full], reference=REFERENCE_RECORD).message
    assert verdict(cell_record(full["observations"], source="print('tests passed')")).message == (
        "the code that ran in this test cell is not the test cell's code")
    assert verdict({"version": 1, "source_sha256": source_sha256(SOURCE)}).reason == "record"


def test_skipped_or_reordered_checks_fail():
    visible_only = verdict(cell_record(observations(("z", [1.0], [1.0], 1))))
    assert not visible_only.passed and visible_only.message == "this test cell stopped before making all its checks"
    swapped = copy.deepcopy(REFERENCE_RECORD)
    swapped["observations"].reverse()
    assert verdict(swapped).reason == "order"


def test_an_error_fails_after_the_checks_made_before_it():
    error = {"type": "NameError", "message": "name 'z_hidden' is not defined", "line": 3}
    v = verdict(cell_record(observations(("z", [1.0], [1.0], 1)), error=error))
    assert (v.passed, v.reason, v.line, v.hidden) == (False, "error", 3, True)
    assert v.message == "NameError: name 'z_hidden' is not defined"
    earlier = verdict(cell_record(observations(("z", [2.0], [1.0], 1)), error=error))
    assert earlier.reason == "check" and earlier.line == 1 and not earlier.hidden


def test_changes_to_what_the_tests_rely_on_fail_every_later_test():
    v = verdict(cell_record(REFERENCE_RECORD["observations"], changed=["numpy.allclose", "builtins.abs"]))
    assert not v.passed and v.reason == "changed"
    assert v.message.startswith("the notebook replaced numpy.allclose, builtins.abs, which the tests rely on")

