"""Tests for mlp_lib.textbook: the slide's per-example algorithm equals the vectorized library."""
import numpy as np
import pytest

from mlp_lib import SGD, Dense, ReLU, Sequential, Sigmoid, SquaredError, train_step
from mlp_lib.textbook import (from_sequential, textbook_backprop_epoch, textbook_deltas,
                              textbook_forward, textbook_update, to_sequential)

SHAPES = [(2, 3, 1), (3, 5, 4, 2), (4, 2, 3), (3, 2)]


def random_network(sizes, rng):
    weights = [rng.normal(0, 1, (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, b) for b in sizes[1:]]
    return weights, biases


def vectorized_step(model, X_batch, y_batch, lr):
    """One library step on a batch of one example: forward, loss, backward, SGD."""
    train_step(model, SquaredError(), SGD(lr=lr), X_batch, y_batch)


@pytest.mark.parametrize("sizes", SHAPES)
def test_one_update_equals_one_sgd_step(sizes):
    rng = np.random.default_rng(len(sizes) * 10 + sizes[0])
    weights, biases = random_network(sizes, rng)
    x, y = rng.normal(size=sizes[0]), rng.uniform(size=sizes[-1])
    W_new, b_new = textbook_update(weights, biases, x, y, lr=0.7)

    model = to_sequential(weights, biases)
    vectorized_step(model, x[None, :], y[None, :], lr=0.7)
    W_lib, b_lib = from_sequential(model)
    for j in range(len(weights)):
        np.testing.assert_allclose(W_new[j], W_lib[j], rtol=0, atol=1e-12)
        np.testing.assert_allclose(b_new[j], b_lib[j], rtol=0, atol=1e-12)
        assert np.max(np.abs(W_new[j] - weights[j])) > 1e-6  # the step did something


@pytest.mark.parametrize("sizes", SHAPES)
def test_epoch_equals_sgd_with_batch_size_one(sizes):
    rng = np.random.default_rng(sum(sizes))
    weights, biases = random_network(sizes, rng)
    X, y = rng.normal(size=(7, sizes[0])), rng.uniform(size=(7, sizes[-1]))
    W_new, b_new = textbook_backprop_epoch(weights, biases, X, y, lr=0.5)

    model = to_sequential(weights, biases)
    for i in range(len(X)):  # N sequential steps, batch_size = 1, no shuffle
        vectorized_step(model, X[i:i + 1], y[i:i + 1], lr=0.5)
    W_lib, b_lib = from_sequential(model)
    for j in range(len(weights)):
        np.testing.assert_allclose(W_new[j], W_lib[j], rtol=0, atol=1e-12)
        np.testing.assert_allclose(b_new[j], b_lib[j], rtol=0, atol=1e-12)


def test_inputs_not_mutated_and_round_trip():
    rng = np.random.default_rng(0)
    weights, biases = random_network((2, 3, 1), rng)
    saved = [W.copy() for W in weights], [b.copy() for b in biases]
    textbook_update(weights, biases, [1.0, -1.0], 1.0, lr=0.5)
    textbook_backprop_epoch(weights, biases, rng.normal(size=(4, 2)), [0, 1, 1, 0], lr=0.5)
    for a, b in zip(weights + biases, saved[0] + saved[1]):
        np.testing.assert_array_equal(a, b)
    W2, b2 = from_sequential(to_sequential(weights, biases))
    for a, b in zip(weights + biases, W2 + b2):
        np.testing.assert_array_equal(a, b)


def test_forward_and_deltas_worked_by_hand():
    # One sigmoid unit, W = 0, b = 0: z = σ(0) = 0.5; with t = 1: δ = 0.5 (1 - 0.5)(1 - 0.5) = 0.125.
    # Update with η = 2, x = (1, 3): W = 0 + 2 · 0.125 · (1, 3) = (0.25, 0.75), b = 0.25.
    weights, biases = [np.zeros((2, 1))], [np.zeros(1)]
    outputs, deltas = textbook_deltas(weights, biases, [1.0, 3.0], [1.0])
    assert outputs[-1].tolist() == [0.5] and deltas[0].tolist() == [0.125]
    W, b = textbook_update(weights, biases, [1.0, 3.0], 1.0, lr=2.0)
    assert W[0].ravel().tolist() == [0.25, 0.75] and b[0].tolist() == [0.25]
    outs = textbook_forward([np.zeros((2, 3)), np.ones((3, 1))], [np.zeros(3), np.zeros(1)], [5.0, 5.0])
    assert [o.shape for o in outs] == [(2,), (3,), (1,)]
    np.testing.assert_allclose(outs[1], 0.5)


def test_delta_is_negative_gradient():
    # δ_k = −∂E/∂net_k for E = ½‖t − z‖², checked by central differences on the output net input.
    rng = np.random.default_rng(3)
    weights, biases = random_network((3, 4, 2), rng)
    x, t = rng.normal(size=3), rng.uniform(size=2)
    outputs, deltas = textbook_deltas(weights, biases, x, t)
    h = 1e-6
    for k in range(2):
        def E(shift):
            b = [bb.copy() for bb in biases]
            b[-1][k] += shift  # moving the bias moves net_k by the same amount
            z = textbook_forward(weights, b, x)[-1]
            return 0.5 * np.sum((t - z) ** 2)
        grad = (E(h) - E(-h)) / (2 * h)
        assert deltas[-1][k] == pytest.approx(-grad, abs=1e-8)


def test_bad_inputs():
    rng = np.random.default_rng(0)
    W, b = random_network((2, 3, 1), rng)
    with pytest.raises(TypeError, match="weights"):
        textbook_update(W[0], b, [1, 2], 1, 0.1)
    with pytest.raises(TypeError, match="biases"):
        textbook_update(W, None, [1, 2], 1, 0.1)
    with pytest.raises(ValueError, match="same length"):
        textbook_update(W, b[:1], [1, 2], 1, 0.1)
    with pytest.raises(ValueError, match=r"biases\[0\]"):
        textbook_update(W, [np.zeros(2), b[1]], [1, 2], 1, 0.1)
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        textbook_update([W[0], np.zeros((2, 1))], b, [1, 2], 1, 0.1)
    with pytest.raises(ValueError, match="x must have 2"):
        textbook_update(W, b, [1, 2, 3], 1, 0.1)
    with pytest.raises(ValueError, match="y must have 1"):
        textbook_update(W, b, [1, 2], [1, 0], 0.1)
    with pytest.raises(ValueError, match="lr"):
        textbook_update(W, b, [1, 2], 1, 0.0)
    with pytest.raises(TypeError, match="lr"):
        textbook_update(W, b, [1, 2], 1, "0.1")
    with pytest.raises(ValueError, match="nan"):
        textbook_update(W, b, [1, np.nan], 1, 0.1)
    with pytest.raises(ValueError, match="X must have shape"):
        textbook_backprop_epoch(W, b, np.zeros((4, 3)), np.zeros(4), 0.1)
    with pytest.raises(ValueError, match="y must have shape"):
        textbook_backprop_epoch(W, b, np.zeros((4, 2)), np.zeros(5), 0.1)
    with pytest.raises(TypeError, match="model"):
        from_sequential([Dense(2, 1)])
    with pytest.raises(ValueError, match="Sigmoid"):
        from_sequential(Sequential([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=0), Sigmoid()]))
