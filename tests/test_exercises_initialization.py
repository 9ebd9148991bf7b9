"""Exercises of lecture 06: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import initialization as E


def test_zero_start_gradients():
    y = E.SYMMETRY["y"]
    db2 = ((0 - y) / len(y)).sum(axis=0)
    assert E.check_zero_start_gradients.evaluate(np.zeros((2, 1)), db2, np.zeros((3, 2))).correct
    assert "db2 is wrong" in E.check_zero_start_gradients.evaluate(np.zeros((2, 1)), -db2, np.zeros((3, 2))).message
    wrong_shape = E.check_zero_start_gradients.evaluate(np.zeros((2, 1)), db2, np.zeros((2, 3)))
    assert "dW1 has shape (2, 3)" in wrong_shape.message


def test_layer_sigmas():
    assert E.check_layer_sigmas.evaluate(1 / 8, np.sqrt(2 / 74), np.sqrt(2 / 64)).correct
    assert "variance 2/n_in" in E.check_layer_sigmas.evaluate(1 / 8, np.sqrt(2 / 74), 2 / 64).message
    assert "xavier is wrong" in E.check_layer_sigmas.evaluate(np.sqrt(1 / 10), np.sqrt(2 / 74), np.sqrt(2 / 64)).message


def test_forward_variance():
    assert E.check_forward_variance.evaluate(0.5, np.sqrt(1 / 50)).correct
    assert "sigma_keep is wrong" in E.check_forward_variance.evaluate(0.5, 1 / 50).message


def test_quiz():
    quiz = E.quiz_relu_init()
    quiz.select(quiz.answer)
    assert quiz.check()[0] and "He" in quiz.choices[quiz.answer][0]
