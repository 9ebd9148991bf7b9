"""Exercises of lecture 05: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import clipping as E


def angle(v):
    return np.arctan2(v[1], v[0])


def test_value_clip_direction():
    clipped = np.clip(E.G, -1, 1)
    change = np.degrees(angle(clipped) - angle(E.G))
    assert E.check_value_clip_direction.evaluate(clipped, change).correct
    assert E.check_value_clip_direction.evaluate(clipped, -change).correct  # either order of the difference
    assert "in degrees" in E.check_value_clip_direction.evaluate(clipped, np.radians(change)).message
    by_norm = E.G / np.linalg.norm(E.G)
    assert "clipped is wrong" in E.check_value_clip_direction.evaluate(by_norm, 0.0).message


def test_largest_steps():
    assert E.check_largest_steps.evaluate(0.3, 0.3 * np.sqrt(2)).correct
    assert "by_value is wrong" in E.check_largest_steps.evaluate(0.3, 0.3).message


def test_global_norm():
    assert E.check_global_norm.evaluate(13.0, 5 / 13).correct
    assert "norm of one array" in E.check_global_norm.evaluate(5.0, 1.0).message  # ‖W‖ only
    assert "scale is wrong" in E.check_global_norm.evaluate(13.0, 13 / 5).message


def test_quiz():
    quiz = E.quiz_value_clipping()
    quiz.select(quiz.answer)
    assert quiz.check()[0]
