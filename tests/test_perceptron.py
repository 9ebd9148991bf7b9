"""Tests for mlp_lib.perceptron."""
import warnings

import numpy as np
import pytest

from mlp_lib.datasets import linearly_separable, xor_table
from mlp_lib.perceptron import ConvergenceWarning, Perceptron, PerceptronHistory


def test_one_update_worked_by_hand():
    # lr = 0.5, w = (0, 0), b = 0, examples visited in order (shuffle=False); step(0) = 1.
    # Epoch 1:
    #   x = (1, 2),  t = 0: z = 0            -> y_hat = 1, mistake:
    #       w = (0, 0) + 0.5 * (0 - 1) * (1, 2) = (-0.5, -1.0),  b = 0 + 0.5 * (0 - 1) = -0.5
    #   x = (2, -1), t = 1: z = -1 + 1 - 0.5 = -0.5 -> y_hat = 0, mistake:
    #       w = (-0.5, -1) + 0.5 * (1 - 0) * (2, -1) = (0.5, -1.5),  b = -0.5 + 0.5 = 0
    # Epoch 2: z(1, 2) = 0.5 - 3 = -2.5 -> 0 correct; z(2, -1) = 1 + 1.5 = 2.5 -> 1 correct.
    X = np.array([[1.0, 2.0], [2.0, -1.0]])
    y = np.array([0, 1])
    p = Perceptron(lr=0.5, max_epochs=10, shuffle=False).fit(X, y)
    w1, b1 = p.history_.weights[0]
    assert w1.tolist() == [0.5, -1.5] and b1 == 0.0
    assert p.w_.tolist() == [0.5, -1.5] and p.b_ == 0.0
    assert p.history_.mistakes == [2, 0]
    assert p.history_.converged and p.history_.n_epochs == 2
    assert p.history_.message == "converged after 2 epochs"
    np.testing.assert_array_equal(p.decision_function(X), [-2.5, 2.5])
    w0, b0 = p.history_.initial_weights  # the start is recorded too
    assert w0.tolist() == [0.0, 0.0] and b0 == 0.0


def test_random_start_is_recorded():
    # init="random": fit draws w ~ N(0, I) and then b ~ N(0, 1) from rng before anything else
    X, y = linearly_separable(n=20, rng=0)
    p = Perceptron(init="random", rng=3).fit(X, y)
    gen = np.random.default_rng(3)
    w0, b0 = p.history_.initial_weights
    np.testing.assert_array_equal(w0, gen.standard_normal(2))
    assert b0 == float(gen.standard_normal())


def test_converges_on_linearly_separable():
    X, y = linearly_separable(n=200, rng=0)
    p = Perceptron(max_epochs=1000, rng=0).fit(X, y)
    h = p.history_
    assert isinstance(h, PerceptronHistory)
    assert h.converged and h.mistakes[-1] == 0 and all(m > 0 for m in h.mistakes[:-1])
    assert h.n_epochs == len(h.mistakes) == len(h.train_accuracy) == len(h.weights) < 1000
    assert h.train_accuracy[-1] == 1.0 and p.score(X, y) == 1.0
    np.testing.assert_array_equal(p.predict(X), y)
    assert h.test_accuracy == []
    assert p.w_.shape == (2,) and isinstance(p.b_, float)
    assert h.message.startswith("converged after")


def test_fails_on_xor():
    X, y = xor_table()
    with pytest.warns(ConvergenceWarning, match="max_epochs=50"):
        p = Perceptron(max_epochs=50, rng=0).fit(X, y)
    h = p.history_
    assert not h.converged and h.n_epochs == 50 == len(h.mistakes)
    assert min(h.mistakes) > 0
    assert max(h.train_accuracy) <= 0.75  # no line gets all 4 right
    assert "did not converge within max_epochs=50 epochs" in h.message
    assert "linearly separable" in h.message


def test_warning_can_be_silenced():
    X, y = xor_table()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any other warning would fail the test
        warnings.simplefilter("ignore", ConvergenceWarning)
        Perceptron(max_epochs=3).fit(X, y)
    assert issubclass(ConvergenceWarning, UserWarning)


def test_same_seed_bit_identical_and_different_seed_differs():
    X, y = linearly_separable(n=100, margin=0.1, noise=1.0, rng=1)
    a = Perceptron(rng=5).fit(X, y)
    b = Perceptron(rng=5).fit(X, y)
    assert a.w_.tobytes() == b.w_.tobytes() and a.b_ == b.b_
    assert a.history_.mistakes == b.history_.mistakes
    c = Perceptron(rng=6).fit(X, y)
    assert a.history_.mistakes != c.history_.mistakes or not np.array_equal(a.w_, c.w_)
    # A Generator is consumed: two fits with the same Generator see different orders.
    gen = np.random.default_rng(5)
    p = Perceptron(rng=gen)
    w_first = p.fit(X, y).w_
    np.testing.assert_array_equal(w_first, a.w_)  # same stream as rng=5 at first
    assert p.fit(X, y).history_.mistakes != a.history_.mistakes or not np.array_equal(p.w_, w_first)


def test_lr_only_scales_weights():
    # From w = 0, every update is +-lr * (x, 1), so w(lr) = lr * w(1) and predictions match.
    X, y = linearly_separable(n=100, margin=0.1, noise=1.0, rng=2)
    p1 = Perceptron(lr=1.0, rng=0).fit(X, y)
    p2 = Perceptron(lr=0.25, rng=0).fit(X, y)  # power of two: exact in floating point
    np.testing.assert_array_equal(p2.w_, 0.25 * p1.w_)
    assert p2.b_ == 0.25 * p1.b_
    assert p1.history_.mistakes == p2.history_.mistakes


def test_shuffle_false_is_deterministic_without_rng():
    X, y = linearly_separable(n=50, rng=3)
    a = Perceptron(shuffle=False).fit(X, y)
    b = Perceptron(shuffle=False).fit(X, y)
    np.testing.assert_array_equal(a.w_, b.w_)


def test_test_accuracy_recorded_per_epoch():
    X, y = linearly_separable(n=100, margin=0.1, noise=1.0, rng=4)
    Xt, yt = linearly_separable(n=40, margin=0.1, noise=1.0, rng=5)
    p = Perceptron(rng=0).fit(X, y, X_test=Xt, y_test=yt)
    h = p.history_
    assert len(h.test_accuracy) == h.n_epochs
    assert all(0.0 <= a <= 1.0 for a in h.test_accuracy)
    assert h.test_accuracy[-1] == p.score(Xt, yt)
    # each recorded accuracy matches the stored weights of that epoch
    for (w, b), acc in zip(h.weights, h.test_accuracy):
        assert acc == np.mean(((Xt @ w + b) >= 0) == yt)


def test_minus_one_plus_one_labels():
    X, y01 = linearly_separable(n=60, rng=6)
    ypm = 2 * y01 - 1
    a = Perceptron(rng=0).fit(X, y01)
    b = Perceptron(rng=0).fit(X, ypm)
    np.testing.assert_array_equal(a.w_, b.w_)
    assert b.classes_.tolist() == [-1, 1]
    np.testing.assert_array_equal(b.predict(X), ypm)
    assert b.score(X, ypm) == 1.0
    with pytest.raises(ValueError, match="y"):
        b.score(X, y01)  # 0 is not a label of this model


def test_repr():
    assert repr(Perceptron()) == "Perceptron(lr=1.0, max_epochs=100, shuffle=True, rng=None, init='zeros')"
    assert repr(Perceptron(lr=0.1, max_epochs=5, shuffle=False, rng=3)) == \
        "Perceptron(lr=0.1, max_epochs=5, shuffle=False, rng=3, init='zeros')"


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": -1.0}, ValueError, "lr"),
    ({"lr": "fast"}, TypeError, "lr"),
    ({"max_epochs": 0}, ValueError, "max_epochs"),
    ({"max_epochs": 2.5}, TypeError, "max_epochs"),
    ({"shuffle": "yes"}, TypeError, "shuffle"),
    ({"rng": 1.5}, TypeError, "rng"),
])
def test_bad_hyperparameters(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Perceptron(**kwargs)


def test_bad_fit_inputs():
    X, y = xor_table()
    p = Perceptron(max_epochs=1)
    with pytest.raises(ValueError, match="X and y"):
        p.fit(X, y[:3])
    with pytest.raises(ValueError, match="X contains nan"):
        p.fit(np.where(X == 1, np.nan, X), y)
    with pytest.raises(ValueError, match="X must be 2-D"):
        p.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="y must hold binary labels"):
        p.fit(X, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="y must be 1-D"):
        p.fit(X, y[:, None])
    with pytest.raises(ValueError, match="X_test and y_test"):
        p.fit(X, y, X_test=X)
    with pytest.raises(ValueError, match="X_test must have 2 columns"):
        p.fit(X, y, X_test=X[:, :1], y_test=y)
    with pytest.raises(ValueError, match="y_test"):
        p.fit(X, y, X_test=X, y_test=[0, 1, 5, 0])


def test_predict_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        Perceptron().predict(np.zeros((1, 2)))
    X, y = linearly_separable(n=20, rng=0)
    p = Perceptron(rng=0).fit(X, y)
    with pytest.raises(ValueError, match="X must have 2 columns"):
        p.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="X contains nan"):
        p.decision_function(np.array([[np.nan, 0.0]]))


def test_random_init_makes_the_learning_rate_matter():
    from mlp_lib.datasets import linearly_separable

    X, y = linearly_separable(n=100, rng=3)
    small = Perceptron(lr=0.001, max_epochs=5, rng=0, init="random")
    large = Perceptron(lr=1.0, max_epochs=5, rng=0, init="random")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small.fit(X, y)
        large.fit(X, y)
    w_small, _ = small.history_.weights[0]
    w_large, _ = large.history_.weights[0]
    assert not np.allclose(w_small / np.linalg.norm(w_small), w_large / np.linalg.norm(w_large))
    with pytest.raises(ValueError, match="init must be one of"):
        Perceptron(init="ones")
