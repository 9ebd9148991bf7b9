"""Exercises of lecture 04: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import saturation as E


def test_gain():
    g = 0.5 * np.sqrt(32 / 2)
    assert E.check_gain.evaluate(g, g ** 9).correct
    assert "without the rms of f′" in E.check_gain.evaluate(0.5 * np.sqrt(32), (0.5 * np.sqrt(32)) ** 9).message
    assert "g is wrong" in E.check_gain.evaluate(0.5 * np.sqrt(32) * 0.5, 1.0).message  # mean of f′ instead
    assert "ratio is wrong" in E.check_gain.evaluate(g, g ** 10).message


def test_rms_tanh_grad():
    z = np.random.default_rng(5).standard_normal(100_000)
    assert E.check_rms_tanh_grad.evaluate(np.sqrt(np.mean((1 - np.tanh(z) ** 2) ** 2))).correct
    assert "mean of tanh′(z)" in E.check_rms_tanh_grad.evaluate(np.mean(1 - np.tanh(z) ** 2)).message
    assert "rms is wrong" in E.check_rms_tanh_grad.evaluate(1.0).message


def test_unit_gain_sigma():
    assert E.check_unit_gain_sigma.evaluate(0.25, np.sqrt(1 / 32)).correct
    assert "sigma_relu is wrong" in E.check_unit_gain_sigma.evaluate(np.sqrt(1 / 32), np.sqrt(1 / 32)).message


def test_quiz():
    quiz = E.quiz_flat_bars()
    quiz.select(0)
    assert not quiz.check()[0]
    quiz.select(quiz.answer)
    assert quiz.check()[0]
