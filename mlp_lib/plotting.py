"""Plot helpers for the lectures. Each takes ``ax=None`` (a new Figure is made, no pyplot
state) and returns what it drew, so a widget can update the artists in place with
``set_data``. Nothing here changes matplotlib's global style.

The lectures' diagrams (a biological and an artificial neuron, an MLP with its bias units, the
computational graph of back-propagation) are drawn by :mod:`mlp_lib.diagrams` and exported here.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .diagrams import draw_artificial_neuron, draw_biological_neuron, draw_computational_graph, draw_mlp

__all__ = ["COLORS", "CLASS_COLORS", "new_axes", "plot_data", "DecisionBoundary", "plot_decision_boundary",
           "plot_history", "plot_layer_histograms", "plot_grad_norms", "plot_loss_contour",
           "plot_trajectory", "plot_activation", "draw_biological_neuron", "draw_artificial_neuron",
           "draw_mlp", "draw_computational_graph"]

#: One palette for every lecture: classes, train/test, and the methods compared.
COLORS = {"train": "#1f77b4", "test": "#ff7f0e", "val": "#ff7f0e", "batch": "#1f77b4",
          "minibatch": "#2ca02c", "stochastic": "#d62728", "none": "#d62728", "value": "#9467bd",
          "norm": "#2ca02c", "backprop": "#1f77b4", "perturb_one": "#d62728", "perturb_all": "#9467bd"}
CLASS_COLORS = ["#3b6fb6", "#d1495b", "#2ca02c", "#edae49", "#66a182", "#8e6c8a", "#00798c",
                "#7f7f7f", "#bcbd22", "#17becf"]


def new_axes(ax=None, figsize=(5, 4), **subplot_kw):
    """Return ``ax`` or a new Axes on a new (pyplot-free) Figure."""
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot(**subplot_kw)


def plot_data(X, y, ax=None, title=None, s=18):
    """Scatter 2-D points coloured by class label. Returns the list of PathCollections."""
    ax = new_axes(ax)
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    arts = []
    for k in np.unique(y):
        m = y == k
        arts.append(ax.scatter(X[m, 0], X[m, 1], s=s, color=CLASS_COLORS[int(k) % 10], edgecolor="white",
                               linewidth=0.5, label=f"class {int(k)}", zorder=3))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return arts


class DecisionBoundary:
    """Filled class regions of ``predict`` over a grid; ``update(predict)`` redraws in place.

    ``predict(grid) -> scores``: shape (m,) / (m, 1) (probability of class 1, threshold 0.5)
    or (m, K) (argmax). Regions are drawn with ``imshow``, so an update is one ``set_data``.
    """

    def __init__(self, ax, xlim, ylim, resolution=150, n_classes=2, threshold=0.5):
        self.ax, self.threshold = ax, threshold
        xs = np.linspace(*xlim, resolution)
        ys = np.linspace(*ylim, resolution)
        xx, yy = np.meshgrid(xs, ys)
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.shape = xx.shape
        cmap = ListedColormap([CLASS_COLORS[k] for k in range(n_classes)])
        self.image = ax.imshow(np.zeros(self.shape), origin="lower", extent=(*xlim, *ylim), cmap=cmap,
                               vmin=-0.5, vmax=n_classes - 0.5, alpha=0.25, aspect="auto",
                               interpolation="nearest", zorder=0)
        self.contour = None

    def labels(self, predict):
        scores = np.asarray(predict(self.grid))
        if scores.ndim == 2 and scores.shape[1] > 1:
            return scores.argmax(axis=1).reshape(self.shape)
        return (scores.reshape(-1) > self.threshold).astype(float).reshape(self.shape)

    def update(self, predict):
        """Recolour the regions for a new ``predict`` function."""
        self.image.set_data(self.labels(predict))
        return self.image


def plot_decision_boundary(predict, X, y, ax=None, resolution=150, margin=0.5, title=None):
    """Class regions of ``predict`` with the data on top. Returns a :class:`DecisionBoundary`."""
    ax = new_axes(ax)
    X = np.asarray(X)
    xlim = (X[:, 0].min() - margin, X[:, 0].max() + margin)
    ylim = (X[:, 1].min() - margin, X[:, 1].max() + margin)
    n_classes = max(2, int(np.max(y)) + 1)
    db = DecisionBoundary(ax, xlim, ylim, resolution, n_classes)
    db.update(predict)
    plot_data(X, y, ax, title=title)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return db


def plot_history(history, ax=None, metric="loss", label=None, color=None, x="epoch"):
    """Training (and validation, if any) curve of ``metric`` ("loss" or "accuracy") per epoch
    (``x="epoch"``) or per second of training (``x="seconds"``). Returns the Line2D list."""
    ax = new_axes(ax)
    train = getattr(history, metric)
    xs = history.seconds[:len(train)] if x == "seconds" else np.arange(1, len(train) + 1)
    prefix = f"{label} " if label else ""
    lines = ax.plot(xs, train, color=color or COLORS["train"], label=f"{prefix}train")
    val = getattr(history, "val_" + metric, [])
    if len(val):
        lines += ax.plot(xs[:len(val)], val, color=color or COLORS["val"], linestyle="--", label=f"{prefix}validation")
    ax.set_xlabel("seconds" if x == "seconds" else "epoch")
    ax.set_ylabel(metric)
    if metric == "loss" and len(train) and np.nanmin(train) > 0:
        ax.set_yscale("log")
    ax.legend(frameon=False)
    return lines


def plot_layer_histograms(values, axes=None, names=None, bins=50, range=(-1, 1), color=None, title=None):
    """One histogram per layer of ``values`` (a list of arrays). Returns the axes list."""
    values = [np.asarray(v).ravel() for v in values]
    if axes is None:
        fig = Figure(figsize=(2.2 * len(values), 2.4), layout="constrained")
        axes = fig.subplots(1, len(values), sharey=True, squeeze=False)[0]
    for i, (ax, v) in enumerate(zip(axes, values)):
        ax.hist(v, bins=bins, range=range, color=color or COLORS["train"], density=True)
        ax.set_title(names[i] if names else f"layer {i + 1}", fontsize=9)
        ax.set_xlabel("activation")
    axes[0].set_ylabel("density")
    if title:
        axes[0].figure.suptitle(title)
    return list(axes)


def plot_grad_norms(norms, ax=None, names=None, title="gradient norm per layer", color=None):
    """Bars of per-layer gradient norms (log scale). ``norms``: dict name -> norm, or a sequence."""
    ax = new_axes(ax)
    if isinstance(norms, dict):
        names = names or list(norms)
        norms = list(norms.values())
    names = names or [f"{i + 1}" for i in np.arange(len(norms))]
    heights = np.maximum(np.asarray(norms, dtype=float), 1e-30)
    bars = ax.bar(np.arange(len(heights)), heights, color=color or COLORS["train"])
    ax.set_xticks(np.arange(len(heights)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(r"$\|\partial L/\partial W\|$")
    ax.set_xlabel("layer (input → output)")
    ax.set_title(title)
    return bars


def plot_loss_contour(loss_fn, xlim, ylim, ax=None, resolution=120, levels=30, log=True, title=None):
    """Filled contour of ``loss_fn(w1, w2)`` (vectorized over grids). Returns the contour set."""
    ax = new_axes(ax)
    w1, w2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    z = np.asarray(loss_fn(w1, w2), dtype=float)
    if log:
        z = np.log10(z - np.nanmin(z) + 1e-3)
    cs = ax.contourf(w1, w2, z, levels=levels, cmap="viridis", alpha=0.85)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title(title or ("log loss" if log else "loss"))
    return cs


def plot_trajectory(path, ax=None, label=None, color=None, marker="o"):
    """A parameter trajectory (array (steps, 2)) as a line with markers. Returns the Line2D."""
    ax = new_axes(ax)
    path = np.asarray(path)
    (line,) = ax.plot(path[:, 0], path[:, 1], marker=marker, markersize=3, linewidth=1.2,
                      color=color, label=label)
    ax.plot(path[:1, 0], path[:1, 1], marker="s", color=line.get_color(), markersize=6)
    return line


def plot_activation(name, ax=None, x=None, derivative=True):
    """An activation function (and its derivative, dashed) from :mod:`mlp_lib.activations`."""
    from .activations import FUNCTIONS
    ax = new_axes(ax)
    f, df = FUNCTIONS[name]
    x = np.linspace(-5, 5, 401) if x is None else x
    lines = ax.plot(x, f(x), color=COLORS["train"], label=f"{name}(x)")
    if derivative:
        lines += ax.plot(x, df(x), color=COLORS["test"], linestyle="--", label=f"{name}'(x)")
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_title(name)
    ax.legend(frameon=False)
    return lines


def decision_line_points(w, b, xlim, ylim, num=2):
    r"""Points of the line :math:`w_1x_1 + w_2x_2 + b = 0` across the box ``xlim`` x ``ylim``
    (two empty arrays when :math:`w = 0`: there is no line). For ``line.set_data(*...)``."""
    w1, w2 = float(w[0]), float(w[1])
    if w1 == 0 and w2 == 0:
        return np.array([]), np.array([])
    if abs(w2) >= abs(w1):  # solve for x2 along x1 (steep lines the other way round)
        xs = np.linspace(*xlim, num)
        return xs, -(w1 * xs + b) / w2
    ys = np.linspace(*ylim, num)
    return -(w2 * ys + b) / w1, ys


def plot_decision_line(w, b, ax=None, xlim=None, ylim=None, **line_kw):
    r"""Draw the decision line :math:`w\cdot x + b = 0` of a linear unit on 2-D data axes
    (default: the axes' current limits, which are kept). Returns the Line2D."""
    ax = new_axes(ax)
    xlim = xlim or ax.get_xlim()
    ylim = ylim or ax.get_ylim()
    style = {"color": "black", "linewidth": 1.5, "label": r"$w\cdot x + b = 0$"} | line_kw
    (line,) = ax.plot(*decision_line_points(w, b, xlim, ylim), **style)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return line


def freeze_layout(fig):
    """Run ``fig``'s layout engine (e.g. constrained) once, then keep the axes where they are.

    Constrained layout re-measures every text at each draw, often more than half the time
    of a widget redraw; after freezing, a redraw only draws. Returns ``fig``."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return fig


def freeze_labels(fig):
    """Pin every axis label and axes title of ``fig`` where they are drawn now (call after
    :func:`freeze_layout`). Otherwise each draw measures all tick labels again to place them:
    about a quarter of a widget redraw. Pixels are unchanged. Returns ``fig``."""
    fig.draw_without_rendering()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            anchor = axis.label.get_transform().transform(axis.label.get_position())
            axis.set_label_coords(*ax.transAxes.inverted().transform(anchor))
        ax._autotitlepos = False  # what set_title(..., y=...) sets: keep the title where it is
    return fig
