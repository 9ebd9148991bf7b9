"""Exercises of lecture 02: right answers pass, typical mistakes get a message that names them."""
import numpy as np

from mlp_lib.exercises import mlp as E

OR_AND = (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]), np.array([[1.0], [-1.0]]), np.array([-0.5]))


def test_xor_weights_any_solution_passes():
    assert E.check_xor_weights.evaluate(*OR_AND).correct
    # another solution: hidden units "x1 and not x2", "x2 and not x1", output OR
    other = (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([-0.5, -0.5]), np.array([[1.0], [1.0]]), np.array([-0.5]))
    assert E.check_xor_weights.evaluate(*other).correct


def test_xor_weights_wrong_network_and_shapes():
    W1, b1, W2, b2 = OR_AND
    message = E.check_xor_weights.evaluate(W1, b1, np.array([[1.0], [1.0]]), b2).message  # OR + AND: wrong at (1,1)
    assert "the network's outputs for (0,0), (0,1), (1,0), (1,1) is wrong at index (3,): got 1, expected 0" in message
    assert "W1 has shape (2,), expected (2, 2)" in E.check_xor_weights.evaluate(b1, b1, W2, b2).message


def test_collapse():
    W1, b1, W2, b2 = (E.LINEAR[k] for k in ("W1", "b1", "W2", "b2"))
    assert E.check_collapse.evaluate(W1 @ W2, b1 @ W2 + b2).correct
    assert "b has shape (3,), expected (1,)" in E.check_collapse.evaluate(W1 @ W2, b1 + b2[0]).message
    assert "b is wrong" in E.check_collapse.evaluate(W1 @ W2, b2).message
    assert "W has shape (3, 3)" in E.check_collapse.evaluate(W2 @ W1[:1], b1 @ W2 + b2).message


def test_cross_entropy():
    p, y = E.BCE["p"], E.BCE["y"]
    terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert E.check_cross_entropy.evaluate(terms.mean()).correct
    assert "one number, the mean" in E.check_cross_entropy.evaluate(terms).message
    assert "loss is wrong" in E.check_cross_entropy.evaluate(terms.sum()).message
    base_10 = np.mean(-(y * np.log10(p) + (1 - y) * np.log10(1 - p)))
    assert "loss is wrong" in E.check_cross_entropy.evaluate(base_10).message


def test_xor_network_is_the_step_network():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert list(E.xor_network(*OR_AND, X)) == [0, 0]


def test_quiz():
    quiz = E.quiz_linear_stack()
    quiz.select(quiz.answer)
    assert quiz.check()[0]
