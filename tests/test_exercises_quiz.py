"""mlp_lib.exercises.quiz: one question, one right choice, an explanation for every choice."""
import pytest

from mlp_lib.exercises.quiz import Quiz

CHOICES = [("sigmoid", "It flattens out at 1."), ("ReLU", "Its slope is 1 for x > 0."), ("tanh", "It flattens at ±1.")]


def make():
    return Quiz("Which one does not saturate for large x?", CHOICES, answer=1)


def test_check_without_a_choice():
    assert make().check() == (False, "Pick an answer first.")


@pytest.mark.parametrize("index, correct, message", [
    (0, False, "✗ Not quite. It flattens out at 1."),
    (1, True, "✓ Right. Its slope is 1 for x > 0."),
    (2, False, "✗ Not quite. It flattens at ±1."),
])
def test_each_choice_gets_its_explanation(index, correct, message):
    quiz = make()
    quiz.select(index)
    assert quiz.check() == (correct, message)


def test_widget_clicks_show_the_feedback():
    quiz = make()
    box = quiz.widget()
    radio, button, feedback = quiz._radio, quiz._button, quiz._feedback
    assert list(radio.options) == ["sigmoid", "ReLU", "tanh"] and radio.value is None
    radio.value = "tanh"  # what clicking the choice does
    assert quiz.selected == 2
    button.click()
    assert "✗ Not quite. It flattens at ±1." in feedback.value and "#b42318" in feedback.value
    quiz.select(1)
    assert radio.value == "ReLU"
    button.click()
    assert "✓ Right." in feedback.value
    assert quiz.widget() is box  # built once


def test_a_choice_made_before_the_widget_is_shown():
    quiz = make()
    quiz.select(0)
    quiz.widget()
    assert quiz._radio.value == "sigmoid"


def test_display_bundle_has_the_widget_and_a_static_fallback():
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<li>ReLU</li>" in bundle["text/html"] and "Which one" in bundle["text/html"]
    assert bundle["text/plain"].splitlines()[2] == "  (b) ReLU"


@pytest.mark.parametrize("args, match", [
    (("", CHOICES, 0), "question must be a non-empty string"),
    (("Q?", CHOICES[:1], 0), "at least 2"),
    (("Q?", [("a", "")] + CHOICES, 0), r"choices\[0\] must be a pair of non-empty strings"),
    (("Q?", [("a", "x"), ("a", "y")], 0), "different texts"),
    (("Q?", CHOICES, 3), "answer must be the index of the right choice, 0 to 2, got 3"),
    (("Q?", CHOICES, True), "answer must be the index"),
])
def test_bad_quizzes_are_refused(args, match):
    with pytest.raises(ValueError, match=match):
        Quiz(*args)


def test_select_checks_its_index():
    with pytest.raises(ValueError, match="index must be 0 to 2 or None"):
        make().select(5)
