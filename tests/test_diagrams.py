"""mlp_lib.diagrams (exported by mlp_lib.plotting): each diagram draws on a given Axes or a new
one, is not blank, shows the lecture's names, and the computational graph's numbers are the
true derivatives."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from mlp_lib import diagrams, plotting
from mlp_lib.widgets._base import is_blank

DRAW = {"biological": diagrams.draw_biological_neuron, "artificial": diagrams.draw_artificial_neuron,
        "mlp": diagrams.draw_mlp, "graph": diagrams.draw_computational_graph}


@pytest.mark.parametrize("name", DRAW)
def test_draws_on_new_or_given_axes(name):
    drawn = DRAW[name]()
    assert not is_blank(drawn["ax"].figure)
    ax = Figure().add_subplot()
    assert DRAW[name](ax=ax)["ax"] is ax
    assert not ax.axison and not is_blank(ax.figure)


def test_plotting_exports_the_diagrams():
    for function in DRAW.values():
        assert getattr(plotting, function.__name__) is function and function.__name__ in plotting.__all__


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_biological_neuron_names_its_parts():
    labels = " ".join(diagrams.draw_biological_neuron()["labels"])
    for part in ("dendrites", "cell body", "axon", "synapses"):
        assert part in labels


@pytest.mark.parametrize("n_inputs", [1, 3, 6])
def test_artificial_neuron_has_its_inputs_and_a_bias_input(n_inputs):
    drawn = diagrams.draw_artificial_neuron(n_inputs=n_inputs)
    assert drawn["inputs"] == [f"$x_{i + 1}$" for i in range(n_inputs)] + ["1"]
    shown = texts(drawn["ax"])
    assert "$b$" in shown and f"$w_{n_inputs}$" in shown and "$a = f(z)$" in shown


@pytest.mark.parametrize("n_inputs", [0, 7, 2.5, True])
def test_artificial_neuron_refuses_bad_input_counts(n_inputs):
    with pytest.raises(ValueError, match="n_inputs must be an integer from 1 to 6"):
        diagrams.draw_artificial_neuron(n_inputs=n_inputs)


@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 4, 2), (1, 1)])
def test_mlp_units_edges_and_bias_units(sizes):
    drawn = diagrams.draw_mlp(sizes)
    units = drawn["units"]
    assert [len(layer) for layer in units] == list(sizes)
    assert units[0][0] == "$X_{1}$" and units[-1][-1] == f"$Z_{{{sizes[-1]}}}$"
    assert drawn["edges"] == sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert drawn["bias_edges"] == sum(sizes[1:])
    assert texts(drawn["ax"]).count("1") == len(sizes) - 1  # one bias unit per layer but the last


def test_mlp_hidden_layers_are_numbered_when_there_are_several():
    units = diagrams.draw_mlp((2, 3, 3, 1))["units"]
    assert units[1][0] == "$Y^{1}_{1}$" and units[2][2] == "$Y^{2}_{3}$"
    assert diagrams.draw_mlp((2, 3, 1))["units"][1][0] == "$Y_{1}$"


def test_mlp_without_bias_units():
    drawn = diagrams.draw_mlp((2, 2, 1), bias=False, show_weights=False)
    assert drawn["bias_edges"] == 0 and "1" not in texts(drawn["ax"])


@pytest.mark.parametrize("sizes", [(3,), (2, 0, 1), (2, 9)])
def test_mlp_refuses_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must list at least 2 layers of 1 to 8 units"):
        diagrams.draw_mlp(sizes)


def error(x, w, b, t):
    a = 1 / (1 + np.exp(-(w * x + b)))
    return 0.5 * (a - t) ** 2


@pytest.mark.parametrize("x, w, b, t", [(1.5, 0.8, -0.5, 1.0), (-2.0, 0.3, 0.4, 0.0)])
def test_graph_gradients_are_the_derivatives_of_the_error(x, w, b, t):
    drawn = diagrams.draw_computational_graph(x, w, b, t)
    values, grads = drawn["values"], drawn["grads"]
    assert values["E"] == pytest.approx(error(x, w, b, t))
    h = 1e-6
    for name, shifted in (("x", lambda d: error(x + d, w, b, t)), ("w", lambda d: error(x, w + d, b, t)),
                          ("b", lambda d: error(x, w, b + d, t))):
        numeric = (shifted(h) - shifted(-h)) / (2 * h)
        assert grads[name] == pytest.approx(numeric, rel=1e-6, abs=1e-10), name
    # upstream × local at the sigmoid node, as the diagram's box says
    a = values["a"]
    assert grads["z"] == pytest.approx(grads["a"] * a * (1 - a))
    shown = " ".join(texts(drawn["ax"]))
    assert f"{grads['z']:.3g}" in shown and "upstream × local" in shown
