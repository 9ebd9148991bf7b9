"""Lecture 07 widget: batch, mini-batch and stochastic gradient descent."""
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib import Dense, Sequential, fit
from mlp_lib.losses import SquaredError
from mlp_lib.widgets import gd_variants as G
from mlp_lib.widgets._base import is_blank
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return G.gd_variants_demo()


@pytest.mark.parametrize("name, values", [("batch_size", [1, 5, 50]), ("lr", [0.01, 0.1, 1.0])])
def test_gd_variants_demo_updates(demo, name, values):
    sweep(demo, name, values)


def test_unknown_control_raises(demo):
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(epochs=3)


@pytest.mark.parametrize("k", [1, 7, 50])
def test_descend_is_what_fit_does(k):
    X, y = G.regression_data(50)
    model = Sequential([Dense(1, 1)])
    model.layers[0].params["W"][:] = G.START[0]
    model.layers[0].params["b"][:] = G.START[1]
    fit(model, SquaredError(), X, y, lr=0.1, epochs=3, batch_size=k, rng=0, progress=False)
    path = G.descend(X, y, k, 0.1, 3)
    assert len(path) == 1 + 3 * math.ceil(50 / k)  # n/k updates per epoch
    np.testing.assert_allclose(path[-1], [model.layers[0].params["W"][0, 0], model.layers[0].params["b"][0]],
                               rtol=1e-12)


def test_cost_matches_squared_error():
    X, y = G.regression_data(30)
    model = Sequential([Dense(1, 1)])
    model.layers[0].params["W"][:] = 0.7
    model.layers[0].params["b"][:] = -0.2
    assert G.cost(0.7, -0.2, X, y) == pytest.approx(SquaredError()(model.forward(X), y.reshape(-1, 1)))


def test_histories_and_figures():
    runs = G.variant_histories(n=200, epochs=3)
    assert runs["stochastic"].loss[-1] < runs["batch"].loss[-1]  # per epoch, more updates win
    assert [h.batch_size for h in runs.values()] == [200, 32, 1]  # recorded by fit, not added here
    assert all(len(h.seconds) == 3 for h in runs.values())
    assert not is_blank(G.epoch_and_second_figure(runs))
    costs = G.cost_per_update(batch_sizes=(8, 256), steps=10)  # timings: only their form is testable
    for k, (per_update, per_epoch) in costs.items():
        assert per_update > 0 and per_epoch == pytest.approx(per_update * math.ceil(1437 / k))
    assert not is_blank(G.cost_per_update_figure(costs))
