import numpy as np
import pytest

from mlp_lib.optim import SGD, minibatches


def test_sgd_update_rule_in_place():
    theta = np.array([1.0, -2.0])
    params, grads = {"w": theta}, {"w": np.array([0.5, -1.0])}
    SGD(lr=0.1).step(params, grads)
    np.testing.assert_allclose(theta, [0.95, -1.9])  # θ ← θ − α g


def test_momentum_accumulates_velocity():
    theta = np.array([0.0])
    opt = SGD(lr=1.0, momentum=0.5)
    for _ in range(3):
        opt.step({"w": theta}, {"w": np.array([1.0])})
    # v: -1, -1.5, -1.75 -> θ = -4.25
    np.testing.assert_allclose(theta, [-4.25])


@pytest.mark.parametrize("batch_size, sizes", [(None, [10]), (10, [10]), (1, [1] * 10), (4, [4, 4, 2]), (50, [10])])
def test_batch_size_selects_the_gd_variant(batch_size, sizes):
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = list(minibatches(X, y, batch_size, rng=0))
    assert [len(xb) for xb, _ in batches] == sizes
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(10))  # each example exactly once per epoch
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)  # rows stay paired


def test_shuffle_is_seeded_and_optional():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    a = [yb.tolist() for _, yb in minibatches(X, y, 3, rng=1)]
    b = [yb.tolist() for _, yb in minibatches(X, y, 3, rng=1)]
    c = [yb.tolist() for _, yb in minibatches(X, y, 3, rng=2)]
    assert a == b and a != c
    assert [yb.tolist() for _, yb in minibatches(X, y, 3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


@pytest.mark.parametrize("call, exc, match", [
    (lambda: SGD(lr=0), ValueError, "lr must be > 0"),
    (lambda: SGD(lr=-0.1), ValueError, "lr must be > 0"),
    (lambda: SGD(lr="fast"), TypeError, "lr must be a real number"),
    (lambda: SGD(lr=0.1, momentum=1.0), ValueError, "momentum"),
    (lambda: list(minibatches(np.ones((3, 1)), np.ones(3), 0)), ValueError, "batch_size must be >= 1"),
    (lambda: list(minibatches(np.ones((3, 1)), np.ones(2), 1)), ValueError, "same number of rows"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
