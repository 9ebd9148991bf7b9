"""Lecture 00 widgets: one neuron and the activation functions."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib.activations import FUNCTIONS
from mlp_lib.widgets import neurons as N
from mlp_lib.widgets._base import is_blank
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return N.neuron_demo()


@pytest.mark.parametrize("name, values", [("activation", N.ACTIVATIONS), ("w1", [-3.0, 0.0, 2.0]),
                                          ("w2", [-2.0, 0.0, 3.0]), ("b", [-3.0, 0.0, 3.0])])
def test_neuron_demo_updates(demo, name, values):
    sweep(demo, name, values)


def test_unknown_control_raises(demo):
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(weight=1.0)


def test_neuron_demo_draws_the_neuron():
    demo = N.neuron_demo(activation="tanh", w1=2.0, w2=-1.0, b=0.5)
    ax1, ax2 = demo.figure.axes[:2]
    x, z = ax1.lines[0].get_data()
    np.testing.assert_allclose(z, np.tanh(2.0 * x + 0.5))
    assert ax1.lines[2].get_xdata()[0] == pytest.approx(-0.25)  # threshold x = -b / w1
    image = np.asarray(ax2.images[0].get_array())
    assert image.min() >= -1 and image.max() <= 1 and image.min() < -0.9 and image.max() > 0.9
    xs, ys = ax2.lines[0].get_data()
    np.testing.assert_allclose(2.0 * xs - 1.0 * ys + 0.5, 0.0, atol=1e-12)  # on w·x + b = 0


def test_no_weights_no_line():
    demo = N.neuron_demo(w1=0.0, w2=0.0, b=1.0)
    ax2 = demo.figure.axes[1]
    assert len(ax2.lines[0].get_xdata()) == 0
    assert not ax2.patches[0].get_visible()  # no weight vector to draw
    assert not is_blank(demo.figure)


def test_activations_figure_one_panel_per_activation():
    fig = N.activations_figure()
    assert [ax.get_title() for ax in fig.axes] == N.ACTIVATIONS
    assert not is_blank(fig)
    assert set(N.ACTIVATIONS) <= set(FUNCTIONS)


def test_neuron_diagrams_show_both_neurons():
    fig = N.neuron_diagrams()
    assert [ax.get_title() for ax in fig.axes] == ["a biological neuron", "an artificial neuron"]
    assert not is_blank(fig)
