"""Exercises of lecture 03: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import backprop as E
from mlp_lib.textbook import textbook_forward
from mlp_lib.widgets.backprop import tiny_network

WEIGHTS, BIASES, X, T = tiny_network()
_, Y, Z = textbook_forward(WEIGHTS, BIASES, X)


def test_deltas():
    delta_out = Z * (1 - Z) * (T - Z)
    delta_hidden = Y * (1 - Y) * (WEIGHTS[1] @ delta_out)
    assert E.check_deltas.evaluate(delta_out, delta_hidden).correct
    assert "delta_out is wrong" in E.check_deltas.evaluate(Z * (1 - Z) * (Z - T), delta_hidden).message
    assert "delta_hidden has the wrong sign" in E.check_deltas.evaluate(delta_out, -delta_hidden).message
    without_derivative = WEIGHTS[1] @ delta_out  # forgot y(1 − y)
    assert "delta_hidden is wrong" in E.check_deltas.evaluate(delta_out, without_derivative).message
    assert "delta_hidden has shape (2, 1)" in E.check_deltas.evaluate(delta_out, WEIGHTS[1] * delta_out).message


def error(ws):
    z = textbook_forward(ws, BIASES, X)[-1]
    return 0.5 * np.sum((T - z) ** 2)


def numeric(h=1e-5, forward_only=False):
    plus, minus = [W.copy() for W in WEIGHTS], [W.copy() for W in WEIGHTS]
    plus[1][0, 0] += h
    minus[1][0, 0] -= h
    if forward_only:
        return (error(plus) - error(WEIGHTS)) / h
    return (error(plus) - error(minus)) / (2 * h)


def test_numeric_derivative():
    assert E.check_numeric_derivative.evaluate(numeric()).correct
    assert "wrong sign" in E.check_numeric_derivative.evaluate(-numeric()).message
    assert "numeric is wrong" in E.check_numeric_derivative.evaluate(numeric() / 2).message  # forgot the 2 in 2h
    assert "numeric is wrong" in E.check_numeric_derivative.evaluate(numeric(h=1e-2, forward_only=True)).message


def test_learning_rates():
    a = E.CURVATURE
    assert E.check_learning_rates.evaluate(1 / a, 2 / a).correct
    assert "eta_max is wrong" in E.check_learning_rates.evaluate(1 / a, 1 / a).message
    assert "eta_one_step is wrong" in E.check_learning_rates.evaluate(0.5, 1.0).message  # the θ² answers


def test_quiz():
    quiz = E.quiz_backprop_cost()
    quiz.select(quiz.answer)
    assert quiz.check()[0]
