"""Exercises of lecture 00: right answers pass, typical mistakes get a message that names them."""
import numpy as np
import pytest

from mlp_lib.exercises import neurons as E
from mlp_lib.exercises.quiz import Quiz

X, W, B = E.NEURON["x"], E.NEURON["w"], E.NEURON["b"]


def test_neuron_output():
    z = W @ X + B
    assert E.check_neuron_output.evaluate(z, np.tanh(z)).correct
    assert "z is wrong: got -0.5, expected -0.25" in E.check_neuron_output.evaluate(W @ X, np.tanh(W @ X)).message
    sigmoid_instead = E.check_neuron_output.evaluate(z, 1 / (1 + np.exp(-z))).message
    assert "a is wrong" in sigmoid_instead and "np.tanh(z)" in sigmoid_instead
    assert E.check_neuron_output.evaluate(z, ...).status == "unanswered"


def test_saturation_point():
    s = (1 + np.sqrt(0.96)) / 2
    x = np.log(s / (1 - s))
    assert E.check_saturation_point.evaluate(x).correct
    assert E.check_saturation_point.evaluate(x + 5e-4).correct  # a numerical search is fine
    assert "positive solution" in E.check_saturation_point.evaluate(-x).message
    assert "x_flat is wrong" in E.check_saturation_point.evaluate(np.log(0.99 / 0.01)).message  # sigmoid = 0.99


def test_decision_side():
    w, b = np.array([1.5, -1.0]), 0.5
    positive = E.POINTS @ w + b > 0
    assert list(positive) == [True, True, False, False, False]
    assert E.check_decision_side.evaluate(positive, -b / w[0]).correct
    assert E.check_decision_side.evaluate(list(positive.astype(int)), -1 / 3).correct
    assert "positive is wrong at index (0,)" in E.check_decision_side.evaluate(~positive, -1 / 3).message
    assert "x1_crossing is wrong" in E.check_decision_side.evaluate(positive, b / w[0]).message
    assert "positive has shape (4,)" in E.check_decision_side.evaluate(positive[:4], -1 / 3).message


@pytest.mark.parametrize("make", [E.quiz_zero_centred, E.quiz_bias])
def test_quizzes_have_one_right_answer(make):
    quiz = make()
    assert isinstance(quiz, Quiz)
    quiz.select(quiz.answer)
    assert quiz.check()[0]
