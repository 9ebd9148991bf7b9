"""Lecture 01 widgets: the perceptron rule, its learning rate and overfitting."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib.perceptron import Perceptron
from mlp_lib.widgets import perceptron as P
from mlp_lib.widgets._base import is_blank
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return P.perceptron_demo()


@pytest.fixture(scope="module")
def lr_demo():
    return P.perceptron_lr_demo()


@pytest.mark.parametrize("name, values", [("epoch", [0, 1, 5, 30]), ("data", ["separable", "not separable"])])
def test_perceptron_demo_updates(demo, name, values):
    sweep(demo, name, values)


@pytest.mark.parametrize("name, values", [("init", ["zeros", "random"]), ("lr", [0.001, 0.1, 10.0])])
def test_perceptron_lr_demo_updates(lr_demo, name, values):
    sweep(lr_demo, name, values)


def test_unknown_control_raises(demo, lr_demo):
    for d in (demo, lr_demo):
        with pytest.raises(ValueError, match="unknown control"):
            d.update(eta=1.0)


def test_data_sets_are_what_they_claim():
    X, y = P.perceptron_data("separable")
    assert P.fit_quietly(Perceptron(rng=0, max_epochs=100), X, y).history_.converged
    X, y = P.perceptron_data("not separable")
    h = P.fit_quietly(Perceptron(rng=0, max_epochs=30), X, y).history_
    assert not h.converged and h.n_epochs == 30 and min(h.mistakes) > 0
    with pytest.raises(ValueError):
        P.perceptron_data("spirals")


def test_epoch_slider_shows_the_converged_weights_after_convergence(demo):
    demo.update(data="separable", epoch=30)
    assert "0 of" in demo.figure.axes[0].get_title()  # nothing misclassified at the end


def test_zero_start_learning_rate_only_scales_w():
    X, y = P.perceptron_data("separable")
    a = P.fit_quietly(Perceptron(lr=1.0, rng=0), X, y)
    b = P.fit_quietly(Perceptron(lr=0.01, rng=0), X, y)
    assert a.history_.mistakes == b.history_.mistakes
    np.testing.assert_allclose(b.w_, 0.01 * a.w_)


def test_history_records_the_start_of_fit():
    X = np.random.default_rng(1).normal(size=(50, 3))
    w0, b0 = P.fit_quietly(Perceptron(init="random", rng=7, max_epochs=1), X, X[:, 0] > 0).history_.initial_weights
    # labels the start itself gets right: fit makes no update, so w_ is the recorded start
    y = (X @ w0 + b0 >= 0).astype(int)
    p = Perceptron(init="random", rng=7, max_epochs=1).fit(X, y)
    np.testing.assert_array_equal(p.w_, w0)
    assert p.b_ == b0 and p.history_.mistakes == [0]
    w0, b0 = Perceptron(rng=0).fit(X, y).history_.initial_weights
    assert np.all(w0 == 0) and b0 == 0.0


def test_lr_demo_draws_the_recorded_random_start(lr_demo):
    lr_demo.update(init="random", lr=0.1)
    X, y = P.perceptron_data("separable")
    w0, b0 = P.fit_quietly(Perceptron(init="random", rng=0, max_epochs=1), X, y).history_.initial_weights
    start_line = lr_demo.figure.axes[0].get_lines()[0]
    xs, ys = start_line.get_data()
    np.testing.assert_allclose(w0[0] * np.asarray(xs) + w0[1] * np.asarray(ys) + b0, 0, atol=1e-9)


def test_rng_may_be_a_generator():
    a = P.noisy_accuracy_curves(n_sets=2, epochs=3, rng=np.random.default_rng(5))
    assert a[0].shape == (2, 4)


def test_noisy_curves_rise_then_fall():
    train, test = P.noisy_accuracy_curves(n_sets=8, epochs=30)
    assert train.shape == test.shape == (8, 31)
    mean = test.mean(axis=0)
    best = mean.argmax()
    assert 1 <= best <= 10
    assert mean[best] - mean[0] > 0.2  # rises from chance
    assert mean[best] - mean[-1] > 0.02  # then falls
    assert train.mean(axis=0)[-1] > mean[-1] + 0.15  # while training accuracy keeps climbing


def test_overfitting_figure_not_blank():
    fig = P.overfitting_figure(P.noisy_accuracy_curves(n_sets=2, epochs=5))
    assert not is_blank(fig)
