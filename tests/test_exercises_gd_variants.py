"""Exercises of lecture 07: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import gd_variants as E


def test_updates_per_epoch():
    assert E.check_updates_per_epoch.evaluate([1000, 32, 4, 1]).correct
    assert "updates is wrong at index (1,): got 31" in E.check_updates_per_epoch.evaluate([1000, 31, 3, 1]).message


def test_batch_gradient():
    theta, x, y = E.BATCH["theta"], E.BATCH["x"], E.BATCH["y"]
    r = theta[0] * x + theta[1] - y
    assert E.check_batch_gradient.evaluate([np.mean(r * x), np.mean(r)]).correct
    assert "the sum over the batch" in E.check_batch_gradient.evaluate([r @ x, r.sum()]).message
    assert "g_hat is wrong" in E.check_batch_gradient.evaluate([np.mean(r), np.mean(r * x)]).message


def test_gradient_noise():
    assert E.check_gradient_noise.evaluate(0.5, 400).correct
    assert "std_16 is wrong" in E.check_gradient_noise.evaluate(2 / 16, 400).message
    assert "k_needed is wrong" in E.check_gradient_noise.evaluate(0.5, 20).message


def test_quiz():
    quiz = E.quiz_batch_size()
    quiz.select(quiz.answer)
    assert quiz.check()[0]
