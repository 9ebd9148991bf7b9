r"""Lecture 01 — the perceptron rule and its limits.

* :func:`perceptron_demo`: the perceptron trained epoch by epoch on separable data (it
  converges) and on non-separable data (mistakes every epoch, up to ``max_epochs``);
* :func:`perceptron_lr_demo`: what the learning rate :math:`\eta` does — nothing to the
  predictions from :math:`w = 0`, a lot from a random start;
* :func:`noisy_accuracy_curves` / :func:`overfitting_figure`: train vs test accuracy per epoch
  on noisy data, where test accuracy rises at first and then falls.
"""
from __future__ import annotations

import warnings

import ipywidgets as w
import numpy as np
from matplotlib.ticker import MaxNLocator, NullLocator

from .. import datasets
from .._validation import check_seed
from ..perceptron import ConvergenceWarning, Perceptron
from ..plotting import COLORS, DecisionBoundary, decision_line_points, freeze_layout, plot_data
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["perceptron_data", "fit_quietly", "perceptron_demo", "perceptron_lr_demo",
           "noisy_accuracy_curves", "overfitting_figure"]


def perceptron_data(kind="separable"):
    """The two 2-D data sets of the lecture (40 points each, fixed seeds).

    ``"separable"``: blobs with a gap between the classes; ``"not separable"``: overlapping
    blobs, with a point of class 1 between two points of class 0.
    """
    if kind == "separable":
        return datasets.linearly_separable(40, margin=0.05, noise=1.5, rng=1)
    if kind == "not separable":
        return datasets.overlapping_blobs(40, noise=1.0, rng=0)
    raise ValueError(f"kind must be 'separable' or 'not separable', got {kind!r}")


def fit_quietly(perceptron, X, y, X_test=None, y_test=None):
    """``perceptron.fit(...)`` without the :class:`ConvergenceWarning` (its message stays in
    ``perceptron.history_.message``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return perceptron.fit(X, y, X_test, y_test)


def _weights_at(history, epoch):
    """(w, b) after ``epoch`` epochs (epoch 0: the start); after convergence the weights stay."""
    if epoch == 0:
        return history.initial_weights
    return history.weights[min(epoch, history.n_epochs) - 1]


def perceptron_demo(data="separable", epoch=1, max_epochs=30, rng=0):
    r"""Replay perceptron training with an epoch slider.

    Left: the data, the predicted regions and the line :math:`w\cdot x + b = 0` after ``epoch``
    epochs; ringed points are misclassified. Right: mistakes per epoch; training stops after
    the first epoch without a mistake, or at ``max_epochs``. ``rng`` (None, int or Generator)
    seeds the order in which the examples are visited.
    """
    seed = check_seed(rng)
    runs = {}
    for kind in ("separable", "not separable"):
        X, y = perceptron_data(kind)
        runs[kind] = (X, y, fit_quietly(Perceptron(max_epochs=max_epochs, rng=seed), X, y).history_)
    allX = np.vstack([r[0] for r in runs.values()])
    xlim = (allX[:, 0].min() - 0.5, allX[:, 0].max() + 0.5)
    ylim = (allX[:, 1].min() - 0.5, allX[:, 1].max() + 0.5)

    controls = {"data": w.Dropdown(options=list(runs), value=data, description="data"),
                "epoch": w.IntSlider(value=epoch, min=0, max=max_epochs, description="epoch")}
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.2])
    regions = DecisionBoundary(ax1, xlim, ylim, resolution=100)
    points = {kind: plot_data(X, y, ax1) for kind, (X, y, _) in runs.items()}
    rings = ax1.scatter([], [], s=70, facecolors="none", edgecolors="black", linewidths=1.2, zorder=4,
                        label="misclassified")
    # under the axes, where nothing is drawn over it: the legend stays in the static cache
    ax1.legend(handles=[*points["separable"], rings], loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3,
               fontsize=8, frameon=False)
    (line,) = ax1.plot([], [], color="black", linewidth=1.5)
    ax1.set_xlim(xlim)
    ax1.set_ylim(ylim)

    epochs = np.arange(1, max_epochs + 1)
    bars = ax2.bar(epochs, np.zeros(max_epochs), color=COLORS["train"])
    ax2.set_xlim(0.3, max_epochs + 0.7)
    ax2.set_ylim(0, 1.15 * max(max(r[2].mistakes) for r in runs.values()))
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("mistakes (= updates)\nduring the epoch")
    for ax in (ax1, ax2):
        ax.locator_params(nbins=5)  # fewer tick labels: text is most of a redraw's time

    def update(data, epoch):
        X, y, hist = runs[data]
        for kind, arts in points.items():
            for a in arts:
                a.set_visible(kind == data)
        wv, b = _weights_at(hist, epoch)
        regions.update(lambda G: (G @ wv + b >= 0).astype(float))
        line.set_data(*decision_line_points(wv, b, xlim, ylim))
        wrong = ((X @ wv + b >= 0).astype(int) != y)
        rings.set_offsets(X[wrong] if wrong.any() else np.empty((0, 2)))
        ax1.set_title(f"after epoch {epoch}: {wrong.sum()} of {len(y)} misclassified")
        for e, bar in zip(epochs, bars):
            bar.set_height(hist.mistakes[e - 1] if e <= hist.n_epochs else 0)
            bar.set_color(COLORS["test"] if e == epoch else COLORS["train"])
        ax2.set_title(hist.message.split(":")[0])

    demo = Demo(fig, controls, update, title="perceptron, epoch by epoch")
    freeze_layout(fig)
    keep_static(fig, [regions.image, *(a for arts in points.values() for a in arts), rings, line, ax1.title, *bars,
                      ax2.title])
    return demo


def perceptron_lr_demo(lr=1.0, init="zeros", max_epochs=100, rng=0):
    r"""The learning rate :math:`\eta` of the perceptron rule on the separable data.

    ``init="zeros"``: every :math:`w` is :math:`\eta` times the same integer combination of
    examples, so the line, the mistakes and the number of epochs do not depend on :math:`\eta`
    (only :math:`\lVert w\rVert` does). ``init="random"``: the start :math:`w_0 \sim \mathcal N(0, 1)`
    is not scaled by :math:`\eta`; a small :math:`\eta` needs many mistakes to move away from it.
    The grey curve is :math:`\eta = 1` with the same start. ``rng`` (None, int or Generator)
    seeds the random start and the order of the examples, the same for every :math:`\eta`.
    """
    seed = check_seed(rng)
    X, y = perceptron_data("separable")
    xlim = (X[:, 0].min() - 0.5, X[:, 0].max() + 0.5)
    ylim = (X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
    cache = {}

    def run(lr, init):
        key = (round(float(lr), 12), init)
        if key not in cache:
            cache[key] = fit_quietly(Perceptron(lr=lr, max_epochs=max_epochs, rng=seed, init=init), X, y)
        return cache[key]

    controls = {"lr": w.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25, description="η",
                                       readout_format=".3g"),
                "init": w.Dropdown(options=["zeros", "random"], value=init, description="start w")}
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    regions = DecisionBoundary(ax1, xlim, ylim, resolution=100)
    dots = plot_data(X, y, ax1)  # (classes as in perceptron_demo; the legend shows the lines only)
    (start_line,) = ax1.plot([], [], color="0.4", linestyle="--", linewidth=1.2, label="start")
    (line,) = ax1.plot([], [], color="black", linewidth=1.5, label="end")
    ax1.legend(handles=[start_line, line], loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=8,
               frameon=False)  # under the axes: cached
    ax1.set_xlim(xlim)
    ax1.set_ylim(ylim)

    (ref,) = ax2.plot([], [], color="0.6", linewidth=5, alpha=0.5, label="η = 1")
    (cur,) = ax2.plot([], [], color=COLORS["test"], linewidth=1.5, marker="o", markersize=3, label="this η")
    ax2.set_xscale("log")
    ax2.set_xlim(0.8, max_epochs * 1.2)
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("mistakes in the epoch")
    ax2.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax2.xaxis.set_minor_locator(NullLocator())
    ax1.locator_params(nbins=5)
    ax2.legend(loc="upper right", fontsize=8, frameon=False)

    def update(lr, init):
        p = run(lr, init)
        h = p.history_
        start = h.initial_weights
        regions.update(lambda G: (G @ p.w_ + p.b_ >= 0).astype(float))
        line.set_data(*decision_line_points(p.w_, p.b_, xlim, ylim))
        start_line.set_data(*decision_line_points(*start, xlim, ylim))
        start_line.set_visible(init == "random")
        ax1.set_title(f"η = {lr:.3g}: ‖w‖ = {np.linalg.norm(p.w_):.3g}, b = {p.b_:.3g}")
        r = run(1.0, init).history_
        ref.set_data(np.arange(1, r.n_epochs + 1), r.mistakes)
        cur.set_data(np.arange(1, h.n_epochs + 1), h.mistakes)
        ax2.set_ylim(-0.5, 1.15 * max(max(h.mistakes), max(r.mistakes)) + 0.5)
        status = f"converged after {h.n_epochs} epochs" if h.converged else f"not converged in {h.n_epochs} epochs"
        ax2.set_title(f"{status}, {sum(h.mistakes)} mistakes in all")

    demo = Demo(fig, controls, update, title="perceptron learning rate")
    freeze_layout(fig)
    keep_static(fig, [regions.image, *dots, start_line, line, ax1.title, ref, cur, ax2.title])
    return demo


def _noisy_data(n, d, flip, separation, gen):
    """Two Gaussian classes in ``d`` dimensions; only :math:`x_1` carries the class
    (means :math:`\\pm` ``separation``); a fraction ``flip`` of the labels is flipped."""
    y = gen.integers(0, 2, n)
    X = gen.standard_normal((n, d))
    X[:, 0] += (2 * y - 1) * separation
    flipped = gen.random(n) < flip
    return X, np.where(flipped, 1 - y, y)


def noisy_accuracy_curves(n_sets=16, n_train=60, n_test=1000, dim=30, flip=0.1, separation=3.0,
                          epochs=40, rng=0):
    r"""Train and test accuracy per epoch of the perceptron on ``n_sets`` noisy data sets.

    Each set: ``n_train`` training and ``n_test`` test points in ``dim`` dimensions, labels
    flipped with probability ``flip`` (:func:`_noisy_data`). Column 0 is the start
    (:math:`w = 0` predicts class 1 everywhere); after convergence the accuracy stays.
    Data set s is drawn with seed ``rng + s`` (an int ``rng``; None or a Generator draws one).

    Returns
    -------
    train, test : ndarray of shape (n_sets, epochs + 1)
    """
    seed = check_seed(rng)
    train = np.empty((n_sets, epochs + 1))
    test = np.empty((n_sets, epochs + 1))
    for s in range(n_sets):
        gen = np.random.default_rng(seed + s)
        X, y = _noisy_data(n_train, dim, flip, separation, gen)
        X_test, y_test = _noisy_data(n_test, dim, flip, separation, gen)
        h = fit_quietly(Perceptron(max_epochs=epochs, rng=seed + s), X, y, X_test, y_test).history_
        for acc, out, t in ((h.train_accuracy, train, y), (h.test_accuracy, test, y_test)):
            out[s, 0] = np.mean(t == 1)
            out[s, 1:] = np.pad(acc, (0, epochs - len(acc)), mode="edge")
    return train, test


def overfitting_figure(curves=None):
    """Mean train and test accuracy per epoch (thin lines: each data set's test accuracy)."""
    train, test = noisy_accuracy_curves() if curves is None else curves
    epochs = np.arange(train.shape[1])
    fig = new_figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    for row in test:
        ax.plot(epochs, row, color=COLORS["test"], alpha=0.12, linewidth=0.8)
    ax.plot(epochs, train.mean(0), color=COLORS["train"], linewidth=2.2, label="train (mean)")
    ax.plot(epochs, test.mean(0), color=COLORS["test"], linewidth=2.2, label="test (mean)")
    best = int(test.mean(0).argmax())
    ax.plot(best, test.mean(0)[best], marker="v", color="black", markersize=8, linestyle="none",
            label=f"best test accuracy (epoch {best})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.45, 1.02)
    ax.set_title(f"perceptron on {len(train)} noisy data sets: test accuracy rises, then falls")
    ax.legend(loc="lower right", frameon=False)
    return fig

