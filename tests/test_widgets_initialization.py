"""Lecture 06 widgets: weight initialization."""
import copy

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib.widgets import initialization as I
from mlp_lib.widgets._base import is_blank
from widget_checks import sweep


def test_constant_init_never_breaks_symmetry():
    runs = I.symmetry_runs(epochs=3)
    assert I.hidden_unit_spread(runs["zeros"][0]) == 0.0
    assert np.all(runs["zeros"][0].layers[0].params["W"] == 0)  # zero weights never move
    assert I.hidden_unit_spread(runs["constant 0.05"][0]) < 1e-9
    assert not np.allclose(runs["constant 0.05"][0].layers[0].params["W"], 0.05)  # they moved, together
    assert I.hidden_unit_spread(runs["Xavier (random)"][0]) > 0.1
    assert not is_blank(I.symmetry_figure(runs))


@pytest.fixture(scope="module")
def runs():
    return I.init_runs(epochs=1)


@pytest.fixture(scope="module")
def hist_demo(runs):
    return I.activation_histograms_demo(runs=runs)


SCHEMES = ["N(0, 1)", "N(0, 0.01²)", "Xavier N(0, 1/n_in)", "He N(0, 2/n_in)"]


@pytest.mark.parametrize("name, values", [("scheme", SCHEMES), ("activation", ["tanh", "relu"]), ("epoch", [0, 1])])
def test_histograms_demo_updates(hist_demo, name, values):
    sweep(hist_demo, name, values)


def test_histograms_demo_shows_where_a_run_diverged(runs):
    h = copy.copy(runs["N(0, 1)", "relu"])
    h.activation_stats = h.activation_stats[:1]  # only the statistics at initialization
    h.diverged, h.message = True, "loss became nan at epoch 0, step 5: training stopped"
    demo = I.activation_histograms_demo(runs={**runs, ("N(0, 1)", "relu"): h}, scheme="N(0, 1)", activation="relu")
    demo.update(epoch=1)
    assert "then loss became nan at epoch 0, step 5" in demo.figure._suptitle.get_text()
    assert not is_blank(demo.render())


def test_runs_are_plain_histories(runs):
    from mlp_lib.train import History

    h = runs["Xavier N(0, 1/n_in)", "tanh"]
    assert type(h) is History and set(vars(h)) == set(vars(History()))  # no attributes added
    assert len(h.activation_stats) == h.epochs + 1 and len(I.hidden_values(h)) == 5


def test_unknown_control_raises(hist_demo):
    with pytest.raises(ValueError, match="unknown control"):
        hist_demo.update(depth=3)


def test_good_init_keeps_signal_bad_init_loses_it(runs):
    def last_std(scheme, activation):
        return I.hidden_values(runs[scheme, activation], epoch=0)[-1].std()
    assert last_std("N(0, 0.01²)", "tanh") < 1e-4  # vanished
    assert 0.1 < last_std("Xavier N(0, 1/n_in)", "tanh") < 0.9
    assert 0.1 < last_std("He N(0, 2/n_in)", "relu") < 3
    assert last_std("N(0, 1)", "relu") > 100  # exploded
    assert not is_blank(I.training_curves_figure(runs))


@pytest.fixture(scope="module")
def boundary_data():
    return I.boundary_runs(epochs=300, depths=(2, 3))


@pytest.fixture(scope="module")
def boundary_demo(boundary_data):
    return I.init_boundary_demo(data=boundary_data)


@pytest.mark.parametrize("name, values", [("scheme", ["zeros", "N(0, 1)", "He N(0, 2/n_in)"]),
                                          ("activation", ["tanh", "relu"]), ("depth", [2, 3])])
def test_boundary_demo_updates(boundary_demo, name, values):
    boundary_demo.update(scheme="He N(0, 2/n_in)", activation="relu", depth=3)
    sweep(boundary_demo, name, values)


def test_zero_init_cannot_fit_circles_he_can(boundary_data):
    X, y, runs = boundary_data
    assert runs["zeros", "relu", 3][1].accuracy[-1] == 0.5
    assert runs["He N(0, 2/n_in)", "relu", 3][1].accuracy[-1] > 0.95


def test_zero_start_moves_sigmoid_units_only_and_never_apart():
    tanh, sigmoid = I.zero_start("tanh", epochs=2), I.zero_start("sigmoid", epochs=2)
    assert np.all(tanh[0].params["W"] == 0) and np.all(tanh[2].params["W"] == 0)  # f(0) = 0: nothing moves
    assert np.abs(sigmoid[0].params["W"]).max() > 0  # f(0) = 1/2: the weights move ...
    assert I.hidden_unit_spread(sigmoid) < 1e-12  # ... but every hidden unit the same way
