"""mlp_lib.exercises: an exercise tells an unanswered cell, a wrong answer and a right one apart,
prints one line in the assignments' message style and never raises for a student's mistake."""
import numpy as np
import pytest

from mlp_lib.checks import check_array
from mlp_lib.exercises import Exercise, exercise, is_unanswered


@exercise("9.1", "twice a vector")
def check_double(v, f):
    """The student's value v must be 2·[1, 2]; the student's function f must double its input."""
    check_array("v", v, [2.0, 4.0], hint="multiply by 2")
    check_array("f([3, -1])", f(np.array([3.0, -1.0])), [6.0, -2.0], hint="f(x) = 2x")
    return "Doubling is linear."


def stub(x):
    ...


def stub_with_docstring(x):
    """Return 2x."""


def doubles(x):
    return 2 * x


def identity(x):
    return x


@pytest.mark.parametrize("value, unanswered", [
    (..., True), (stub, True), (stub_with_docstring, True), (lambda x: ..., True), (lambda x: 0, False),
    (doubles, False), (identity, False), (0, False), (None, False), (np.array([1.0]), False), ("...", False)])
def test_is_unanswered(value, unanswered):
    assert is_unanswered(value) is unanswered


def test_all_unanswered_says_so():
    outcome = check_double.evaluate(..., stub)
    assert outcome.status == "unanswered" and not outcome.correct
    assert outcome.message.startswith("Exercise 9.1 (twice a vector): not answered yet — replace the ... in")


def test_partly_unanswered_names_what_is_left():
    outcome = check_double.evaluate(np.array([2.0, 4.0]), stub)
    assert outcome.status == "unanswered"
    assert "replace the ... of f in the cell above" in outcome.message


def test_wrong_value_gets_the_message_of_checks():
    outcome = check_double.evaluate(np.array([2.0, 5.0]), doubles)
    assert outcome.status == "wrong"
    assert outcome.message == ("✗ Exercise 9.1: not yet — v is wrong at index (1,): got 5, expected 4 "
                               "(largest difference 1): multiply by 2")


def test_wrong_shape_and_wrong_function():
    assert "v has shape (3,), expected (2,)" in check_double.evaluate(np.ones(3), doubles).message
    message = check_double.evaluate([2, 4], identity).message
    assert "f([3, -1]) is wrong at index (0,): got 3, expected 6" in message


def test_a_function_that_raises_is_reported_not_raised():
    def broken(x):
        return int("two")

    outcome = check_double.evaluate([2, 4], broken)
    assert outcome.status == "wrong"
    assert "your code raised ValueError: invalid literal" in outcome.message


def test_right_answer_with_remark():
    outcome = check_double.evaluate([2, 4], doubles)
    assert outcome.correct and outcome.message == "✓ Exercise 9.1: correct. Doubling is linear."


def test_call_prints_one_line_and_returns_nothing(capsys):
    assert check_double([2, 5], doubles) is None
    assert check_double(v=[2, 4], f=doubles) is None
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("✗") and lines[1].startswith("✓")


def test_reference_passes_quietly_or_raises(capsys):
    check_double.reference([2, 4], doubles)
    assert capsys.readouterr().out == ("✓ Exercise 9.1: the solution (collapsed above: click its ⋯ to show it) "
                                       "passes the check.\n")
    with pytest.raises(AssertionError, match="reference solution of exercise 9.1 fails its check: ✗"):
        check_double.reference([2, 5], doubles)
    with pytest.raises(AssertionError, match="not answered yet"):
        check_double.reference(..., doubles)


def test_wrong_number_of_answers_is_a_clear_error():
    with pytest.raises(TypeError, match=r"exercise 9.1 takes \(v, f\)"):
        check_double.evaluate([2, 4])


def test_exercise_keeps_the_test_functions_name_and_doc():
    assert check_double.__name__ == "check_double"
    assert "student's value v" in check_double.__doc__
    assert repr(check_double) == "Exercise('9.1', 'twice a vector')"
    assert check_double.names == ["v", "f"]
    with pytest.raises(TypeError, match="test must be a function"):
        Exercise("1", "x", 3)
