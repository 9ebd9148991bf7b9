"""Lecture 02 widgets: XOR, hidden space, linear collapse, universal approximation, depth."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib import Dense, Identity, ReLU, Sequential, Sigmoid, datasets
from mlp_lib.perceptron import Perceptron
from mlp_lib.widgets import mlp as M
from mlp_lib.widgets._base import is_blank
from mlp_lib.widgets.perceptron import fit_quietly
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return M.universal_approximation_demo()


@pytest.mark.parametrize("name, values", [("width", [1, 7, 30]), ("activation", ["step", "sigmoid", "relu"])])
def test_universal_approximation_demo_updates(demo, name, values):
    sweep(demo, name, values)


def test_unknown_control_raises(demo):
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(n_hidden=3)


@pytest.fixture(scope="module")
def xor():
    X, y = datasets.xor(200, noise=0.15, rng=0)
    return X, y, M.train_xor_mlp(X, y)


def test_mlp_solves_xor_and_the_perceptron_does_not(xor):
    X, y, mlp = xor
    X4, y4 = datasets.xor_table()
    assert np.array_equal((mlp.predict(X4)[:, 0] > 0.5).astype(int), y4)
    perceptron = fit_quietly(Perceptron(rng=0, max_epochs=50), X4, y4)
    assert not perceptron.history_.converged and max(perceptron.history_.train_accuracy) <= 0.75


def test_hidden_space_is_linearly_separable(xor):
    X, y, mlp = xor
    H = mlp[1].forward(mlp[0].forward(X))
    W2, b2 = mlp[2].params["W"][:, 0], mlp[2].params["b"][0]
    assert np.mean((H @ W2 + b2 > 0) == y) > 0.95  # one line in (h1, h2) separates the classes


def test_xor_figures_not_blank(xor):
    X, y, mlp = xor
    assert not is_blank(M.xor_figure(X, y, fit_quietly(Perceptron(rng=0), X, y), mlp))
    assert not is_blank(M.hidden_space_figure(mlp, X, y))
    wide = M.train_xor_mlp(X, y, width=3, epochs=2)
    with pytest.raises(ValueError, match="2 hidden units"):
        M.hidden_space_figure(wide, X, y)


def test_collapse_linear_is_the_same_map():
    model = Sequential([Dense(3, 5, rng=0), Identity(), Dense(5, 4, rng=1), Dense(4, 2, rng=2)])
    for layer in model.layers[::2]:
        layer.params["b"][...] = np.random.default_rng(3).normal(size=layer.params["b"].shape)
    W, b = M.collapse_linear(model)
    X = np.random.default_rng(4).normal(size=(20, 3))
    np.testing.assert_allclose(model.forward(X), X @ W + b, atol=1e-12)
    with pytest.raises(TypeError):
        M.collapse_linear(Sequential([Dense(2, 2), ReLU()]))


def test_approximation_error_shrinks_with_width():
    x = np.linspace(-2, 2, 200)
    for act in ("step", "sigmoid", "relu"):
        errors = [np.mean((M.approximator(n, act, x).forward(x[:, None])[:, 0] - M.target_function(x)) ** 2)
                  for n in (2, 8, 32)]
        assert errors[0] > errors[1] > errors[2], act
    model = M.approximator(5, "sigmoid", x)
    assert isinstance(model[1], Sigmoid) and model[0].out_features == 5
    with pytest.raises(ValueError):
        M.approximator(3, "tanh")


def test_dag_depth():
    assert M.dag_depth(M.EXAMPLE_DAG) == (3, ["x1", "h1", "h3", "z"])
    assert M.dag_depth([("a", "b"), ("a", "c"), ("c", "d"), ("b", "d"), ("a", "d")])[0] == 2
    with pytest.raises(ValueError, match="cycle"):
        M.dag_depth([("a", "b"), ("b", "a")])


def test_dag_figure_not_blank():
    fig = M.dag_figure()
    assert not is_blank(fig)
    assert "= 3 edges" in fig.axes[0].get_title()


def test_mlp_diagram_names_the_units():
    fig = M.mlp_diagram((2, 3, 1))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"$X_{1}$", "$Y_{3}$", "$Z_{1}$", "1"} <= set(texts)
    assert not is_blank(fig)
