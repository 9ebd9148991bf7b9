"""mlp_lib.plotting: every helper draws onto a given Axes and onto a new one, returns what it
drew, leaves matplotlib's global style alone and never produces a blank figure."""
import inspect
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from mlp_lib import plotting
from mlp_lib.train import History
from mlp_lib.widgets._base import is_blank, render

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 2))
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


def predict(G):
    return 1 / (1 + np.exp(-(G[:, 0] + G[:, 1])))


def history():
    h = History(loss=[1.0, 0.5, 0.3], accuracy=[0.5, 0.7, 0.8], val_loss=[1.1, 0.6, 0.4],
                val_accuracy=[0.5, 0.6, 0.7], seconds=[0.1, 0.2, 0.3])
    return h


def bowl(w1, w2):
    return (w1 - 1) ** 2 + 3 * (w2 + 0.5) ** 2


# name -> call(ax) returning what the helper drew; each must accept ax=None too.
CASES = {
    "freeze_labels": lambda ax: plotting.freeze_labels(_freeze(ax)),
    "new_axes": lambda ax: plotting.new_axes(ax),
    "plot_data": lambda ax: plotting.plot_data(X, Y, ax=ax, title="data"),
    "DecisionBoundary": lambda ax: _boundary(ax),
    "plot_decision_boundary": lambda ax: plotting.plot_decision_boundary(predict, X, Y, ax=ax, resolution=40),
    "plot_history": lambda ax: plotting.plot_history(history(), ax=ax),
    "plot_layer_histograms": lambda ax: plotting.plot_layer_histograms(
        [RNG.normal(size=100), RNG.uniform(-1, 1, 100)], axes=None if ax is None else _two_axes(ax)),
    "plot_grad_norms": lambda ax: plotting.plot_grad_norms({"0.W": 1e-3, "2.W": 0.1, "4.W": 2.0}, ax=ax),
    "plot_loss_contour": lambda ax: plotting.plot_loss_contour(bowl, (-2, 3), (-2, 2), ax=ax, resolution=40),
    "plot_trajectory": lambda ax: plotting.plot_trajectory(np.cumsum(RNG.normal(size=(10, 2)), 0), ax=ax, label="GD"),
    "plot_activation": lambda ax: plotting.plot_activation("tanh", ax=ax),
    "decision_line_points": lambda ax: _line_from_points(ax),
    "plot_decision_line": lambda ax: plotting.plot_decision_line((1.0, -2.0), 0.5, ax=ax, xlim=(-3, 3), ylim=(-3, 3)),
    "freeze_layout": lambda ax: _freeze(ax),
}


def _boundary(ax):
    ax = plotting.new_axes(ax)
    db = plotting.DecisionBoundary(ax, (-3, 3), (-3, 3), resolution=30)
    db.update(predict)
    return db


def _two_axes(ax):
    """Two Axes on ax's figure (plot_layer_histograms draws one per layer): ax and a neighbour."""
    return [ax, ax.figure.add_subplot(1, 2, 2)]


def _line_from_points(ax):
    ax = plotting.new_axes(ax)
    (line,) = ax.plot(*plotting.decision_line_points((2.0, 1.0), -1.0, (-3, 3), (-3, 3)))
    return line


def _freeze(ax):
    ax = plotting.new_axes(ax)
    ax.plot([0, 1], [0, 1])
    ax.set_title("frozen")
    return plotting.freeze_layout(ax.figure)


def axes_of(result):
    """The Axes a helper's result was drawn on."""
    if isinstance(result, Axes):
        return [result]
    if isinstance(result, Figure):
        return result.axes
    if isinstance(result, plotting.DecisionBoundary):
        return [result.ax]
    items = list(result) if isinstance(result, (list, tuple)) or hasattr(result, "__iter__") else [result]
    return [a if isinstance(a, Axes) else a.axes for a in items]


def test_every_public_helper_is_tested():
    public = {name for name, obj in vars(plotting).items()
              if not name.startswith("_") and callable(obj) and getattr(obj, "__module__", "") == plotting.__name__}
    assert public == set(CASES), f"add a case for {sorted(public - set(CASES))}"


def test_no_pyplot():
    source = inspect.getsource(plotting)
    assert not re.search(r"import\s+matplotlib\.pyplot|from\s+matplotlib\s+import\s+pyplot|\bplt\.", source)


@pytest.mark.parametrize("name", sorted(CASES))
def test_draws_onto_the_given_axes(name):
    fig = Figure(figsize=(6, 3), layout="constrained")
    ax = fig.add_subplot(1, 2, 1)
    before = matplotlib.rcParams.copy()
    result = CASES[name](ax)
    assert result is not None
    assert ax in axes_of(result) and all(a.figure is fig for a in axes_of(result))
    assert len(fig.axes) <= 2  # drew here, made no figure of its own
    assert not is_blank(fig)
    assert dict(matplotlib.rcParams) == dict(before)


@pytest.mark.parametrize("name", sorted(CASES))
def test_draws_onto_a_new_figure(name):
    before = matplotlib.rcParams.copy()
    result = CASES[name](None)
    figures = {a.figure for a in axes_of(result)}
    assert len(figures) == 1
    fig = figures.pop()
    assert isinstance(fig, Figure)
    if name != "new_axes":  # a new empty Axes is the one thing allowed to look empty
        assert not is_blank(fig)
    assert dict(matplotlib.rcParams) == dict(before)


def test_new_axes_returns_the_given_axes():
    ax = Figure().add_subplot()
    assert plotting.new_axes(ax) is ax


def test_decision_boundary_update_changes_the_image():
    db = _boundary(None)
    first = np.array(db.image.get_array())
    db.update(lambda G: 1 / (1 + np.exp(-(G[:, 0] - G[:, 1]))))
    second = np.array(db.image.get_array())
    assert first.shape == second.shape == db.shape
    assert not np.array_equal(first, second)
    db.update(lambda G: np.column_stack([G[:, 0], -G[:, 0], G[:, 1]]))  # (m, K) scores: argmax
    assert set(np.unique(db.image.get_array())) <= {0, 1, 2}


def test_decision_line_points_lie_on_the_line():
    for w, b in [((1.0, 2.0), 0.5), ((3.0, 0.1), -1.0), ((0.0, 1.0), 0.0), ((1.0, 0.0), 2.0)]:
        xs, ys = plotting.decision_line_points(w, b, (-3, 3), (-3, 3))
        assert len(xs) == 2
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0.0, atol=1e-12)
    xs, ys = plotting.decision_line_points((0.0, 0.0), 1.0, (-3, 3), (-3, 3))
    assert xs.size == ys.size == 0


def test_plot_decision_line_keeps_the_limits():
    ax = plotting.new_axes()
    ax.set_xlim(-1, 1)
    ax.set_ylim(-2, 2)
    plotting.plot_decision_line((1.0, 0.01), 0.0, ax=ax)
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-2, 2)


def test_freeze_layout_keeps_the_positions():
    fig = _freeze(None)
    ax = fig.axes[0]
    position = ax.get_position().bounds
    ax.set_title("a title\non two lines")  # constrained layout would shrink the Axes for it
    render(fig)
    assert ax.get_position().bounds == position  # layout no longer recomputed on draw


def test_plot_history_seconds_and_accuracy():
    ax = plotting.new_axes()
    lines = plotting.plot_history(history(), ax=ax, metric="accuracy", x="seconds")
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [0.1, 0.2, 0.3])
    assert ax.get_yscale() == "linear" and ax.get_xlabel() == "seconds"
    ax = plotting.new_axes()
    plotting.plot_history(history(), ax=ax)
    assert ax.get_yscale() == "log"


def test_grad_norms_bars_log_scale():
    bars = plotting.plot_grad_norms([1e-6, 1e-3, 1.0])
    ax = bars[0].axes
    assert ax.get_yscale() == "log" and len(bars) == 3
    np.testing.assert_allclose([b.get_height() for b in bars], [1e-6, 1e-3, 1.0])


def test_colors_cover_the_methods_compared():
    for key in ("train", "test", "batch", "minibatch", "stochastic", "none", "value", "norm", "backprop",
                "perturb_one", "perturb_all"):
        assert key in plotting.COLORS
    assert len(plotting.CLASS_COLORS) >= 10
