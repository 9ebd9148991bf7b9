"""Lecture 04 widgets: saturation, vanishing / exploding gradients, batch normalization."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib import init
from mlp_lib.losses import SoftmaxCrossEntropy
from mlp_lib.widgets import saturation as S
from mlp_lib.widgets._base import is_blank
from widget_checks import same_as_uncached, sweep


@pytest.fixture(scope="module")
def grad_demo():
    return S.gradient_norms_demo()


@pytest.mark.parametrize("name, values", [("depth", [2, 10, 16]), ("activation", ["sigmoid", "tanh", "relu"]),
                                          ("sigma", [0.01, 0.1, 3.0])])
def test_gradient_norms_demo_updates(grad_demo, name, values):
    sweep(grad_demo, name, values)


def test_unknown_control_raises(grad_demo):
    with pytest.raises(ValueError, match="unknown control"):
        grad_demo.update(width=3)


def _norms(activation, sigma, depth=10):
    X, y = S._probe(128, 0)
    model = S.deep_mlp(depth, activation, 32, init=init.normal(sigma), rng=0)
    return S.gradient_norms(model, SoftmaxCrossEntropy(), X, y)[0]


def test_sigmoid_gradients_vanish_towards_the_input():
    norms = _norms("sigmoid", 0.1)
    assert len(norms) == 10
    assert norms[0] < 1e-5 * norms[-1]
    assert np.all(np.diff(np.log(norms)) > 0)  # shrinking at every layer on the way back


def test_relu_with_he_scale_keeps_gradients_within_a_decade():
    norms = _norms("relu", np.sqrt(2 / 32))
    assert max(norms) / min(norms) < 10


@pytest.mark.parametrize("activation, sigma, vanishing", [("tanh", 0.1, True), ("relu", 1.0, False)])
def test_deltas_vanish_or_explode_where_the_weight_gradients_stay_flat(activation, sigma, vanishing):
    weights, deltas, hidden = S.layer_signals(10, activation, sigma, n=128)
    ratio = deltas[0] / deltas[-1]  # δ of layer 1 against δ of layer 10
    assert (ratio < 1e-2) if vanishing else (ratio > 1e3)
    assert 0.1 < weights[0] / weights[-1] < 10  # ‖∂L/∂W‖ within a decade: forward and backward cancel
    stds = [a.std() for a in hidden]  # the forward signal changes the other way round
    assert (stds[-1] < 1e-1 * stds[0]) if vanishing else (stds[-1] > 1e3 * stds[0])


def test_the_last_delta_is_the_gradient_of_the_loss():
    X, y = S._probe(64, 0)
    model = S.deep_mlp(3, "tanh", 8, rng=0)
    loss = SoftmaxCrossEntropy()
    signals = S.gradient_norms(model, loss, X, y)
    assert signals.delta_norms[-1] == pytest.approx(np.linalg.norm(loss.backward()))
    assert len(signals.weight_norms) == len(signals.delta_norms) == 3 and len(signals.hidden) == 2


def test_gradient_norms_demo_cache_looks_the_same():
    same_as_uncached(S.gradient_norms_demo, {"sigma": [0.05, 0.3, 2.0], "depth": [3, 16],
                                             "activation": ["relu", "tanh"]})


def test_exploding_run_stops_with_a_message_and_he_trains():
    runs = S.exploding_runs(epochs=1)
    bad, good = runs.values()
    assert bad.diverged and "became nan at epoch 0, step" in bad.message
    assert not good.diverged and good.step_loss[-1] < good.step_loss[0]
    assert not is_blank(S.step_loss_figure(runs))


def test_saturation_figure_not_blank():
    assert not is_blank(S.saturation_figure())


@pytest.fixture(scope="module")
def bn_runs():
    return S.batchnorm_runs(epochs=2)


def test_batchnorm_demo_updates(bn_runs):
    demo = S.batchnorm_demo(runs=bn_runs)
    assert demo.controls["epoch"].max == 2
    sweep(demo, "epoch", [1, 2])
    sweep(demo, "case", demo.controls["case"].options)
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(epochs=2)


def test_hidden_layers_and_their_stats(bn_runs):
    model = S.deep_mlp(4, "relu", 8, batchnorm=True, rng=0)
    assert S.hidden_layers(model) == [2, 5, 8]  # Dense, BatchNorm, ReLU, ... , Dense
    h = next(iter(bn_runs.values()))["batchnorm"]
    assert [len(S.hidden_stats(h, e)) for e in range(3)] == [9, 9, 9]  # 10 layers: 9 hidden


def test_deep_mlp_seeds_layer_l_with_rng_plus_l():
    a = S.deep_mlp(3, rng=4)
    b = S.deep_mlp(3, rng=np.random.default_rng(1))  # a Generator gives one seed
    from mlp_lib import Dense
    np.testing.assert_array_equal(a.layers[2].params["W"], Dense(32, 32, rng=5).params["W"])
    assert b.layers[0].params["W"].shape == (64, 32)


def test_batchnorm_restores_learning(bn_runs):
    for case in bn_runs.values():
        assert case["batchnorm"].val_accuracy[-1] > case["plain"].val_accuracy[-1] + 0.2
