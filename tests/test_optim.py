import numpy as np
import pytest

from mlp_lib.optim import SGD, is_weight, minibatches


def test_sgd_update_rule_in_place():
    theta = np.array([1.0, -2.0])
    params, grads = {"w": theta}, {"w": np.array([0.5, -1.0])}
    SGD(lr=0.1).step(params, grads)
    np.testing.assert_allclose(theta, [0.95, -1.9])  # θ ← θ − η g


def test_momentum_accumulates_velocity():
    theta = np.array([0.0])
    opt = SGD(lr=1.0, momentum=0.5)
    for _ in range(3):
        opt.step({"w": theta}, {"w": np.array([1.0])})
    # v: -1, -1.5, -1.75 -> θ = -4.25
    np.testing.assert_allclose(theta, [-4.25])


def test_weight_decay_shrinks_weights_only():
    params = {"0.W": np.array([2.0]), "0.b": np.array([2.0]), "1.gamma": np.array([2.0])}
    grads = {k: np.zeros(1) for k in params}
    SGD(lr=0.1, weight_decay=0.5).step(params, grads)
    # W ← W − η (g + λ W) = 2 − 0.1 · 0.5 · 2; biases and BatchNorm's γ are not decayed
    assert params["0.W"][0] == pytest.approx(1.9) and params["0.b"][0] == 2.0 and params["1.gamma"][0] == 2.0
    assert all(np.all(g == 0) for g in grads.values())  # the gradients are left as they were
    assert is_weight("W") and is_weight("3.W") and not is_weight("3.b") and not is_weight("Wb")


def test_momentum_with_weight_decay_and_repr():
    theta = np.array([1.0])
    opt = SGD(lr=0.1, momentum=0.5, weight_decay=1.0)
    for _ in range(2):
        opt.step({"W": theta}, {"W": np.array([0.0])})
    # v1 = −0.1·1 = −0.1 → θ = 0.9;  v2 = 0.5·(−0.1) − 0.1·0.9 = −0.14 → θ = 0.76
    np.testing.assert_allclose(theta, [0.76])
    assert repr(opt) == "SGD(lr=0.1, momentum=0.5, weight_decay=1.0)" and repr(SGD(0.2)) == "SGD(lr=0.2)"


@pytest.mark.parametrize("batch_size, sizes", [(None, [10]), (10, [10]), (1, [1] * 10), (4, [4, 4, 2]), (50, [10])])
def test_batch_size_selects_the_gd_variant(batch_size, sizes):
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = list(minibatches(X, y, batch_size, rng=0))
    assert [len(X_batch) for X_batch, _ in batches] == sizes
    seen = np.concatenate([y_batch for _, y_batch in batches])
    assert sorted(seen) == list(range(10))  # each example exactly once per epoch
    for X_batch, y_batch in batches:
        np.testing.assert_array_equal(X_batch[:, 0], 2 * y_batch)  # rows stay paired


def test_shuffle_is_seeded_and_optional():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    a = [y_batch.tolist() for _, y_batch in minibatches(X, y, 3, rng=1)]
    b = [y_batch.tolist() for _, y_batch in minibatches(X, y, 3, rng=1)]
    c = [y_batch.tolist() for _, y_batch in minibatches(X, y, 3, rng=2)]
    assert a == b and a != c
    assert [y_batch.tolist() for _, y_batch in minibatches(X, y, 3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


@pytest.mark.parametrize("call, exc, match", [
    (lambda: SGD(lr=0), ValueError, "lr must be > 0"),
    (lambda: SGD(lr=-0.1), ValueError, "lr must be > 0"),
    (lambda: SGD(lr="fast"), TypeError, "lr must be a real number"),
    (lambda: SGD(lr=0.1, momentum=1.0), ValueError, "momentum"),
    (lambda: SGD(lr=0.1, weight_decay=-1.0), ValueError, "weight_decay must be >= 0"),
    (lambda: list(minibatches(np.ones((3, 1)), np.ones(3), 0)), ValueError, "batch_size must be >= 1"),
    (lambda: list(minibatches(np.ones((3, 1)), np.ones(2), 1)), ValueError, "same number of rows"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
