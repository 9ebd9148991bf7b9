"""Lecture 03 widgets: a worked backprop step, perturbation vs backprop, GD on a parabola."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib import SquaredError
from mlp_lib.gradcheck import numerical_gradient
from mlp_lib.textbook import to_sequential
from mlp_lib.widgets import backprop as B
from mlp_lib.widgets._base import is_blank
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return B.gd_parabola_demo()


def test_gd_parabola_demo_updates(demo):
    sweep(demo, "lr", [0.01, 0.3, 0.5, 0.9, 1.0, 1.1])


def test_unknown_control_raises(demo):
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(steps=3)


@pytest.mark.parametrize("lr, behaviour", [(0.02, "slow"), (0.3, "fast"), (0.9, "oscillates"), (1.05, "diverges")])
def test_parabola_steps(lr, behaviour):
    thetas = B.parabola_steps(lr, steps=15, theta0=-4.0)
    np.testing.assert_allclose(thetas, -4.0 * (1 - 2 * lr) ** np.arange(16))
    last = abs(thetas[-1])
    assert {"slow": 1 < last < 4, "fast": last < 1e-4, "oscillates": 0 < last < 1 and thetas[-1] > 0,
            "diverges": last > 4}[behaviour]


def test_regime_titles(demo):
    for lr, word in [(0.05, "too small"), (0.3, "good"), (0.8, "oscillates"), (1.0, "forever"), (1.1, "diverges")]:
        demo.update(lr=lr)
        assert word in demo.figure.axes[1].get_title()


def test_report_deltas_are_minus_the_gradient():
    weights, biases, x, t = B.tiny_network()
    report = B.backprop_report(weights, biases, x, t, lr=0.5)
    model = to_sequential(weights, biases)
    loss = SquaredError()

    def error():
        return loss.forward(model.forward(x[None, :]), t[None, :])

    numeric = numerical_gradient(error, model.layers[2].params["b"])  # dE/db_k = -δ_k
    assert f"output δ = z(1 − z)(t − z)      = [{-numeric[0]:+.4f}]" in report
    numeric = numerical_gradient(error, model.layers[0].params["b"])  # dE/db_h = -δ_h
    assert f"[{-numeric[0]:+.4f}, {-numeric[1]:+.4f}]" in report


def test_network_figure_not_blank():
    fig = B.network_figure(*B.tiny_network())
    assert not is_blank(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "0.596" in texts and "δ = +0.0972" in texts


def test_backprop_reaches_a_lower_loss_for_the_same_forward_passes():
    results = B.perturb_vs_backprop(budget=300, n_train=100)
    one, everything, backprop = results
    assert all(r.forward_passes[-1] <= 300 for r in results)
    assert backprop.loss[-1] < 0.5 * min(one.loss[-1], everything.loss[-1])
    fig = B.perturb_figure(results, target=1.0)
    assert not is_blank(fig)


def test_graph_figure_not_blank():
    assert not is_blank(B.graph_figure())


def test_multiply_adds_of_the_digits_network():
    from mlp_lib import Dense, Sequential, Tanh

    net = Sequential([Dense(64, 16, rng=0), Tanh(), Dense(16, 10, rng=1)])
    forward, backward = B.multiply_adds(net, n=2)
    assert forward == 2 * (64 * 16 + 16 * 10)
    assert backward == 2 * (2 * 64 * 16 + 2 * 16 * 10) - 2 * 64 * 16  # no input gradient for layer 1
    assert backward <= 2 * forward


def test_weight_decay_shrinks_the_weights_and_the_fit():
    runs, (X, y) = B.weight_decay_runs(lams=(0.0, 0.01), n_sets=2, epochs=300, progress=False)
    assert X.shape == (30, 2) and len(runs[0.0]) == 2
    for plain, decayed in zip(runs[0.0], runs[0.01]):
        assert decayed[3] < 0.6 * plain[3]  # ‖W‖
        assert decayed[1] <= plain[1]  # training accuracy: fits fewer flipped labels
    assert not is_blank(B.weight_decay_figure(runs, (X, y)))
