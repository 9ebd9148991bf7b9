r"""Lecture 07 — batch, stochastic and mini-batch gradient descent.

A 2-parameter problem, linear regression :math:`\hat y = \theta_1 x + \theta_2`, with the cost
:math:`\mathcal J(\theta) = \frac1n\sum_i \frac12(\theta_1 x_i + \theta_2 - y_i)^2` and, on a batch
:math:`\mathcal B` from :func:`mlp_lib.optim.minibatches`,

.. math:: \hat g = \frac1{|\mathcal B|}\sum_{i\in\mathcal B}(\theta_1 x_i + \theta_2 - y_i)
          \begin{pmatrix}x_i\\1\end{pmatrix}, \qquad \theta \leftarrow \theta - \eta\,\hat g

with :math:`|\mathcal B| = n` (batch GD), 1 (stochastic GD) or k (mini-batch GD). This is exactly
what ``fit(Sequential([Dense(1, 1)]), SquaredError(), X, y, batch_size=k)`` computes.
"""
from __future__ import annotations

import math
import time

import ipywidgets as w
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter, NullLocator
from tqdm.auto import tqdm

from .._validation import check_rng, check_seed
from ..activations import ReLU
from ..datasets import digits
from ..layers import Dense, Sequential
from ..losses import SoftmaxCrossEntropy, SquaredError
from ..optim import minibatches
from ..plotting import COLORS, freeze_labels, freeze_layout, plot_history, plot_loss_contour
from ..train import fit
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["THETA_TRUE", "START", "regression_data", "cost", "descend", "gd_variants_demo", "variant_histories",
           "epoch_and_second_figure", "cost_per_update", "cost_per_update_figure"]

THETA_TRUE = (2.0, -1.0)
START = (-1.0, 2.0)
XLIM, YLIM = (-1.5, 4.0), (-3.0, 2.5)


def regression_data(n=50, noise=0.5, rng=0):
    r""":math:`x \sim U(0, 2)`, :math:`y = 2x - 1 + \varepsilon` with
    :math:`\varepsilon\sim\mathcal N(0, \mathrm{noise}^2)`. Returns ``X`` (n, 1) and ``y`` (n,)."""
    gen = check_rng(rng)
    x = gen.uniform(0.0, 2.0, n)
    y = THETA_TRUE[0] * x + THETA_TRUE[1] + noise * gen.standard_normal(n)
    return x.reshape(-1, 1), y


def cost(theta1, theta2, X, y):
    r""":math:`\mathcal J(\theta)` on all of (X, y); ``theta1``, ``theta2`` may be arrays (a grid or a path)."""
    t1, t2 = np.asarray(theta1, dtype=float), np.asarray(theta2, dtype=float)
    r = t1[..., None] * X[:, 0] + t2[..., None] - y
    return 0.5 * np.mean(r * r, axis=-1)


def descend(X, y, batch_size, lr, epochs, start=START, rng=0):
    r"""Mini-batch GD with batches from :func:`~mlp_lib.optim.minibatches` (shuffled each epoch by
    one Generator from ``rng``, as in ``fit``). Returns the path, an array (updates + 1, 2)."""
    gen = check_rng(rng)
    if batch_size == 1:
        return _stochastic_path(X, y, lr, epochs, start, gen)
    theta = np.array(start, dtype=float)
    path = [theta.copy()]
    for _ in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, shuffle=True, rng=gen):
            x = X_batch[:, 0]
            r = theta[0] * x + theta[1] - y_batch  # residuals on the batch
            g = np.array([r @ x, r.sum()]) / len(r)  # ĝ = mean over the batch of r·(x, 1)
            theta -= lr * g  # θ ← θ − η ĝ
            path.append(theta.copy())
    return np.array(path)


def _stochastic_path(X, y, lr, epochs, start, gen):
    """:func:`descend` for batches of one example, in Python floats (the same steps, about ten times
    faster than with arrays of one element: the widget recomputes 1000 of them per slider move)."""
    xs, ys = X[:, 0].tolist(), np.asarray(y, dtype=float).tolist()
    t1, t2 = float(start[0]), float(start[1])
    path = [(t1, t2)]
    for _ in range(epochs):
        for i in gen.permutation(len(xs)).tolist():  # the order minibatches(..., 1, rng=gen) visits
            r = t1 * xs[i] + t2 - ys[i]  # the residual of example i
            t1, t2 = t1 - lr * (r * xs[i]), t2 - lr * r  # θ ← θ − η r (x_i, 1)
            path.append((t1, t2))
    return np.array(path)


def gd_variants_demo(batch_size=5, lr=0.1, epochs=20, n=50, rng=0):
    """Left: the paths of batch (k = n), mini-batch (k) and stochastic (k = 1) GD over the cost
    contour, each for ``epochs`` passes over the data. Right: cost per epoch (x = update / updates per epoch).
    ``rng`` (None, int or Generator) gives one seed for the data and the shuffling of every path."""
    seed = check_seed(rng)
    X, y = regression_data(n, rng=seed)
    sizes = [k for k in (1, 2, 5, 10, 25, n) if k <= n]
    controls = {"batch_size": w.SelectionSlider(options=sizes, value=batch_size, description="k (mini-batch)"),
                "lr": w.FloatLogSlider(value=lr, base=10, min=-2, max=0, step=0.1, description="η",
                                       readout_format=".3f")}
    fig = new_figure(figsize=(9, 3.6))
    ax_p, ax_c = fig.subplots(1, 2)
    plot_loss_contour(lambda a, b: cost(a, b, X, y), XLIM, YLIM, ax=ax_p, resolution=100, levels=20,
                      title=f"paths: {epochs} epochs, n = {n}")
    ax_p.title.set_fontsize(10)
    best = np.linalg.lstsq(np.column_stack([X[:, 0], np.ones(n)]), y, rcond=None)[0]
    (star,) = ax_p.plot(*best, marker="*", color="white", markeredgecolor="black", markersize=13, linestyle="none",
                        zorder=5)
    ax_p.plot(*START, marker="s", color="white", markeredgecolor="black", markersize=7, linestyle="none")
    variants = {"stochastic": (1.0, "none"), "minibatch": (1.4, "none"), "batch": (2.0, "o")}
    paths, curves = {}, {}
    for key, (lw, marker) in variants.items():
        (paths[key],) = ax_p.plot([], [], color=COLORS[key], linewidth=lw, marker=marker, markersize=3)
        (curves[key],) = ax_c.plot([], [], color=COLORS[key], linewidth=lw, label=key)
    ax_p.set_xlim(XLIM)
    ax_p.set_ylim(YLIM)
    floor = float(cost(*best, X, y))
    ax_c.axhline(floor, color="0.5", linestyle=":", linewidth=1, zorder=1)  # under the curves
    ax_c.set_yscale("log")
    ax_c.set_xlim(0, epochs)
    start_cost = float(cost(*START, X, y))
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("cost J(θ)")
    legend = ax_c.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the curves
    for ax in (ax_p, ax_c):  # few tick labels: text is most of a redraw's time
        ax.xaxis.set_major_locator(MaxNLocator(5))
    ax_p.yaxis.set_major_locator(MaxNLocator(5))

    paths_seen = {}

    def update(batch_size, lr):
        top = 2 * start_cost
        counts = []
        for text, (key, k) in zip(legend.get_texts(), (("stochastic", 1), ("minibatch", batch_size), ("batch", n))):
            if (k, lr) not in paths_seen:  # moving one slider leaves the other two paths unchanged
                with np.errstate(over="ignore", invalid="ignore"):  # a too large lr diverges: shown
                    paths_seen[k, lr] = descend(X, y, k, lr, epochs, rng=seed)
            path = paths_seen[k, lr]
            paths[key].set_data(path[:, 0], path[:, 1])
            per_epoch = math.ceil(n / k)
            with np.errstate(over="ignore", invalid="ignore"):
                values = cost(path[:, 0], path[:, 1], X, y)
            curves[key].set_data(np.arange(len(path)) / per_epoch, np.minimum(values, 1e6))
            label = {"stochastic": "stochastic", "minibatch": "mini-batch", "batch": "batch"}[key]
            diverged = not values[-1] < values[0]
            text.set_text(label + ",\ndiverges" * diverged)  # k goes to the title: the legend stays cached
            counts.append(f"{len(path) - 1} (k = {k})")
            top = 1e3 if diverged else top
        ax_c.set_ylim(0.8 * floor, top)
        ax_c.set_title(f"updates in {epochs} epochs: {', '.join(counts)}", fontsize=9)

    update(batch_size, lr)
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [*paths.values(), star, *curves.values(), ax_c.title])
    return Demo(fig, controls, update, title="batch, mini-batch and stochastic GD")


def variant_histories(n=1000, epochs=20, lr=0.1, batch_sizes=None, rng=0):
    """Train ``Sequential([Dense(1, 1)])`` with ``fit`` for each variant on ``regression_data(n)``;
    return ``{label: History}`` (``loss`` per epoch, ``seconds`` since the start, ``batch_size``).
    ``rng`` (None, int or Generator) gives one seed for the data and the shuffling."""
    seed = check_seed(rng)
    X, y = regression_data(n, rng=seed)
    batch_sizes = batch_sizes or {"batch": None, "mini-batch": 32, "stochastic": 1}
    runs = {}
    for label, k in batch_sizes.items():
        model = Sequential([Dense(1, 1, rng=seed)])
        model.layers[0].params["W"][:] = START[0]
        model.layers[0].params["b"][:] = START[1]
        runs[label] = fit(model, SquaredError(), X, y, lr=lr, epochs=epochs, batch_size=k, rng=seed, progress=False)
    return runs


def epoch_and_second_figure(runs):
    """Training cost per epoch (left) and per second of training (right) for :func:`variant_histories`."""
    fig = new_figure(figsize=(9, 3.3))
    axes = fig.subplots(1, 2, sharey=True)
    colors = {"batch": COLORS["batch"], "mini-batch": COLORS["minibatch"], "stochastic": COLORS["stochastic"]}
    for ax, x in zip(axes, ("epoch", "seconds")):
        for label, h in runs.items():
            (line,) = plot_history(h, ax=ax, x=x, color=colors.get(label))
            line.set_label(f"{label} (k = {h.batch_size})")
        ax.legend(frameon=False)
        ax.set_ylabel("training cost")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"cost per {'epoch' if x == 'epoch' else 'second'}", fontsize=10)
    axes[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].set_xscale("log")
    axes[1].set_xlabel("seconds of training (log scale)")
    axes[1].get_legend().remove()
    return fig


def cost_per_update(batch_sizes=(1, 4, 16, 64, 256, 1024), steps=30, repeat=3, width=128, rng=0, progress=True):
    """Seconds per update and per epoch of ``fit`` on a 64-``width``-10 ReLU net on digits, for each
    batch size: the best of ``repeat`` runs of at least ``steps`` updates (the minimum is the least
    disturbed by other programs). Returns ``{k: (seconds per update, seconds per epoch)}``;
    timings vary by machine."""
    seed = check_seed(rng)
    X_train, _, y_train, _ = digits(rng=seed)
    n = len(X_train)
    out = {}
    for k in tqdm(batch_sizes, desc="timing batch sizes", disable=not progress):
        per_epoch = math.ceil(n / k)
        epochs = max(1, math.ceil(steps / per_epoch))
        seconds = np.inf
        for _ in range(repeat):
            model = Sequential([Dense(64, width, init="he", rng=seed), ReLU(), Dense(width, 10, rng=seed + 1)])
            start = time.perf_counter()
            fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=0.01, epochs=epochs, batch_size=k, rng=seed,
                progress=False)
            seconds = min(seconds, time.perf_counter() - start)
        out[k] = (seconds / (epochs * per_epoch), seconds / epochs)
    return out


def cost_per_update_figure(costs):
    """Milliseconds per update and per epoch against the batch size (log-log) from :func:`cost_per_update`."""
    ks = np.array(sorted(costs))
    per_update = np.array([costs[k][0] for k in ks]) * 1e3
    per_epoch = np.array([costs[k][1] for k in ks]) * 1e3
    fig = new_figure(figsize=(9, 3.2))
    ax_u, ax_e = fig.subplots(1, 2)
    ax_u.plot(ks, per_update, marker="o", color=COLORS["minibatch"], label="measured")
    ax_u.plot(ks, per_update[0] * ks, color="0.6", linestyle=":", label="if cost grew ∝ k")
    ax_u.set_ylim(0.5 * per_update.min(), 3 * per_update.max())
    ax_u.set_title("cost of one update", fontsize=10)
    ax_u.set_ylabel("ms per update")
    ax_u.legend(frameon=False, fontsize=8)
    ax_e.plot(ks, per_epoch, marker="o", color=COLORS["stochastic"])
    ax_e.set_title("cost of one epoch (n / k updates)", fontsize=10)
    ax_e.set_ylabel("ms per epoch")
    for ax in (ax_u, ax_e):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(ks, [str(k) for k in ks])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("batch size k")
    return fig
