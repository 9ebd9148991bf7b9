"""Exercises of lecture 01: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import perceptron as E
from mlp_lib.widgets.perceptron import noisy_accuracy_curves, perceptron_data


def test_perceptron_loss():
    x, w = E.MISTAKE["x"], E.MISTAKE["w"]
    assert E.check_perceptron_loss.evaluate(1.5, x, 1.0).correct  # s = −1: gradient −s x = x
    assert "grad_w is wrong" in E.check_perceptron_loss.evaluate(1.5, -x, -1.0).message  # sign lost
    assert "loss is wrong: got 0, expected 1.5" in E.check_perceptron_loss.evaluate(0.0, x, 1.0).message
    assert "grad_w has shape (3,)" in E.check_perceptron_loss.evaluate(1.5, np.append(x, 1), 1.0).message
    assert w @ x == 1.5


def bound_answers():
    X, y = perceptron_data("separable")
    X1 = np.column_stack([X, np.ones(len(X))])
    gamma = np.min((2 * y - 1) * (X1 @ E.SEPARATOR))
    R = np.max(np.linalg.norm(X1, axis=1))
    return gamma, R, (R / gamma) ** 2


def test_mistake_bound():
    gamma, R, bound = bound_answers()
    outcome = E.check_mistake_bound.evaluate(gamma, R, bound)
    assert outcome.correct and "made 19 mistakes" in outcome.message
    X, _ = perceptron_data("separable")
    R_without_bias = np.max(np.linalg.norm(X, axis=1))
    assert "R is wrong" in E.check_mistake_bound.evaluate(gamma, R_without_bias, bound).message
    assert "bound is wrong" in E.check_mistake_bound.evaluate(gamma, R, R / gamma).message


def test_early_stopping():
    mean_test = noisy_accuracy_curves()[1].mean(axis=0)
    best = int(np.argmax(mean_test))
    assert E.check_early_stopping.evaluate(best, mean_test[best], mean_test[-1]).correct
    assert "best_epoch is wrong" in E.check_early_stopping.evaluate(best + 1, mean_test[best], mean_test[-1]).message
    assert "last_test is wrong" in E.check_early_stopping.evaluate(best, mean_test[best], mean_test[0]).message


def test_quiz():
    quiz = E.quiz_not_separable()
    quiz.select(0)
    assert not quiz.check()[0]
    quiz.select(quiz.answer)
    assert quiz.check()[0]
