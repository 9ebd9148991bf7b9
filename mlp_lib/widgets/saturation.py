r"""Lecture 04 — saturation and vanishing / exploding gradients, and batch normalization.

* :func:`saturation_figure`: sigmoid, tanh (saturating) vs ReLU (non-saturating) and where
  :math:`f'` is almost 0;
* :func:`gradient_norms_demo`: per layer of a deep net with :math:`W \sim \mathcal N(0, \sigma^2)`, the
  backward signal :math:`\lVert\delta^{[l]}\rVert = \lVert\partial L/\partial z^{[l]}\rVert` beside the weight
  gradient :math:`\lVert\partial L/\partial W^{[l]}\rVert = \lVert a^{[l-1]\top}\delta^{[l]}\rVert`, and the
  forward signal (controls: depth, activation, σ);
* :func:`exploding_runs` / :func:`step_loss_figure`: a ReLU net whose loss becomes nan; ``fit`` stops;
* :func:`batchnorm_demo`: per-layer output distributions and learning curves without / with BatchNorm.

Backprop multiplies one factor :math:`W^{[l]T}\operatorname{diag}(f'(z^{[l]}))` per layer, so
:math:`\delta^{[1]}` shrinks or grows geometrically with depth unless each factor has gain ≈ 1. The weight
gradient also carries the forward signal :math:`a^{[l-1]}`, which changes by the same gain in the other
direction: with :math:`W \sim \mathcal N(0, \sigma^2)` the two cancel for tanh and ReLU, and
:math:`\lVert\partial L/\partial W^{[l]}\rVert` can be flat while :math:`\delta` vanishes or explodes.
"""
from __future__ import annotations

import warnings
from typing import NamedTuple

import ipywidgets as w
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import init as _init
from .._validation import check_seed
from ..activations import FUNCTIONS, ReLU, Sigmoid, Tanh
from ..batchnorm import BatchNorm
from ..datasets import digits
from ..layers import Dense, Sequential
from ..losses import SoftmaxCrossEntropy
from ..plotting import CLASS_COLORS, COLORS, freeze_labels, freeze_layout
from ..train import TrainingDivergedWarning, fit
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["ACTIVATIONS", "LayerSignals", "deep_mlp", "hidden_layers", "hidden_stats", "gradient_norms",
           "layer_signals",
           "saturation_figure", "gradient_norms_demo", "exploding_runs", "step_loss_figure", "batchnorm_runs",
           "batchnorm_demo"]

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}
_LIMITS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, None)}
_RANGE_TEXT = {"sigmoid": "(0, 1), saturating", "tanh": "(−1, 1), saturating",
               "relu": "[0, ∞), non-saturating", "leaky_relu": "(−∞, ∞), non-saturating"}
BAD, GOOD = CLASS_COLORS[1], COLORS["minibatch"]  # failing vs healthy runs


def deep_mlp(depth=10, activation="tanh", width=32, init="xavier", in_features=64, out_features=10,
             batchnorm=False, rng=0):
    """``depth`` Dense layers of ``width`` units (``activation`` after each but the last, which
    outputs ``out_features`` logits).

    With ``batchnorm`` a :class:`BatchNorm` sits between each hidden Dense layer and its
    activation. ``rng`` (None, int or Generator) gives one seed; layer l draws its weights with
    seed + l, so every setting is reproducible.
    """
    act = ACTIVATIONS[activation]
    seed = check_seed(rng)
    sizes = [in_features] + [width] * (depth - 1) + [out_features]
    layers = []
    for l in range(depth):
        layers.append(Dense(sizes[l], sizes[l + 1], init=init, rng=seed + l))
        if l < depth - 1:
            layers += [BatchNorm(width), act()] if batchnorm else [act()]
    return Sequential(layers)


def hidden_layers(model):
    """Indices in ``model.layers`` of the hidden activation layers (sigmoid, tanh, ReLU)."""
    return [i for i, layer in enumerate(model.layers) if isinstance(layer, tuple(ACTIVATIONS.values()))]


class LayerSignals(NamedTuple):
    r"""What one forward and backward pass shows, for each Dense layer :math:`l = 1, \ldots, L`."""

    weight_norms: list  #: :math:`\lVert\partial L/\partial W^{[l]}\rVert`
    delta_norms: list  #: :math:`\lVert\delta^{[l]}\rVert = \lVert\partial L/\partial z^{[l]}\rVert` over the batch
    hidden: list  #: the outputs :math:`a^{[l]}` of the hidden activation layers, arrays (N, width)


def gradient_norms(model, loss, X, y):
    r"""One forward/backward pass of ``model`` on the batch (X, y); return its :class:`LayerSignals`.

    :math:`\delta^{[l]}` is the gradient that arrives at Dense layer l from above (its ``dout``)."""
    with np.errstate(all="ignore"):
        outs = model.layer_outputs(X)
        loss.forward(outs[-1], y)
        dout, deltas = loss.backward(), []
        for layer in reversed(model.layers):
            if isinstance(layer, Dense):
                deltas.append(float(np.linalg.norm(dout)))
            dout = layer.backward(dout)
    weights = [float(np.linalg.norm(layer.grads["W"])) for layer in model.layers if isinstance(layer, Dense)]
    return LayerSignals(weights, deltas[::-1], [outs[i] for i in hidden_layers(model)])


def layer_signals(depth=10, activation="sigmoid", sigma=0.1, width=32, n=256, rng=0):
    r""":class:`LayerSignals` of :func:`deep_mlp` with :math:`\mathcal N(0, \sigma^2)` weights on ``n`` digits
    (what :func:`gradient_norms_demo` plots)."""
    seed = check_seed(rng)
    X, y = _probe(n, seed)
    model = deep_mlp(depth, activation, width, init=_init.normal(sigma), rng=seed)
    return gradient_norms(model, SoftmaxCrossEntropy(), X, y)


def _log_limits(values, step=6):
    """Log-axis limits around the finite positive ``values``, on whole multiples of ``step`` decades
    (so that small changes keep the axis, and its cached tick labels, as they are)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return 1e-4, 1e4
    low = step * np.floor((np.log10(v.min()) - 0.5) / step)
    high = step * np.ceil((np.log10(v.max()) + 0.5) / step)
    return 10.0 ** low, 10.0 ** high


def _probe(n, seed):
    """The first ``n`` training digits of the split with ``seed``."""
    X_train, _, y_train, _ = digits(rng=seed)
    return X_train[:n], y_train[:n]


def saturation_figure(names=("sigmoid", "tanh", "relu"), flat=0.05):
    """:math:`f` and :math:`f'` side by side; shaded where :math:`f'(x) <` ``flat`` (saturated)."""
    x = np.linspace(-6, 6, 601)
    fig = new_figure(figsize=(9, 3))
    axes = fig.subplots(1, len(names), sharey=True)
    for ax, name in zip(axes, names):
        f, df = FUNCTIONS[name]
        ax.plot(x, f(x), color=COLORS["train"], linewidth=2, label=f"{name}(x)")
        ax.plot(x, df(x), color=COLORS["test"], linestyle="--", label=f"{name}'(x)")
        flat_region = df(x) < flat
        ax.fill_between(x, -1.2, 1.5, where=flat_region, color="0.85", zorder=0, label=f"f' < {flat}")
        ax.axhline(0, color="0.6", linewidth=0.8, zorder=1)
        ax.set_title(f"{name}: range {_RANGE_TEXT[name]}", fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylim(-1.2, 1.5)
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    axes[0].set_ylabel("value")
    return fig


def gradient_norms_demo(depth=10, activation="sigmoid", sigma=0.1, width=32, max_depth=16, n=256, rng=0):
    r"""Per layer of a deep net with :math:`W^{[l]} \sim \mathcal N(0, \sigma^2)`, for one batch of ``n``
    digits: left, the backward signal :math:`\lVert\delta^{[l]}\rVert` beside the weight gradient
    :math:`\lVert\partial L/\partial W^{[l]}\rVert`; right, the forward signal (std of each hidden output)."""
    seed = check_seed(rng)
    X, y = _probe(n, seed)
    loss = SoftmaxCrossEntropy()
    controls = {
        "depth": w.IntSlider(value=depth, min=2, max=max_depth, description="depth"),
        "activation": w.Dropdown(options=list(ACTIVATIONS), value=activation, description="f"),
        "sigma": w.FloatLogSlider(value=sigma, base=10, min=-2, max=0.5, step=0.05, description="σ",
                                  readout_format=".3f"),
    }
    fig = new_figure(figsize=(9, 3.6))
    ax_g, ax_a = fig.subplots(1, 2, width_ratios=[1.35, 1])
    layers = np.arange(1, max_depth + 1)
    delta_bars = ax_g.bar(layers - 0.2, np.ones(max_depth), width=0.4, color=COLORS["stochastic"],
                          label=r"$\|\delta^{[l]}\|$ (backward signal)")
    weight_bars = ax_g.bar(layers + 0.2, np.ones(max_depth), width=0.4, color=COLORS["train"],
                           label=r"$\|\partial L/\partial W^{[l]}\|$")
    ax_g.set_yscale("log")
    ax_g.set_xlim(0.4, max_depth + 0.6)
    ax_g.set_xticks(layers[::3])
    ax_g.set_xlabel("layer l (input → output)")
    ax_g.set_ylabel("norm over the batch")
    ax_g.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    (std_line,) = ax_a.plot([], [], marker="o", color=COLORS["train"])
    ax_a.set_yscale("log")
    ax_a.set_xlim(0.5, max_depth - 0.5)
    ax_a.set_xticks(layers[:-1:3])
    ax_a.set_xlabel("hidden layer l (input → output)")
    ax_a.set_ylabel("std of $a^{[l]}$ (forward signal)")
    for ax in (ax_g, ax_a):  # few ticks: log axes spanning 30 decades are slow to draw
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
        ax.yaxis.set_minor_locator(NullLocator())

    deepest = {}  # (activation, σ) -> limits of the axes for max_depth, which bound every depth

    def limits(activation, sigma):
        if (activation, sigma) not in deepest:
            model = deep_mlp(max_depth, activation, width, init=_init.normal(sigma), rng=seed)
            weights, deltas, hidden = gradient_norms(model, loss, X, y)
            low, high = _log_limits(weights + deltas)
            stds = [a.std() for a in hidden]
            deepest[activation, sigma] = (low, high * 1e3), _log_limits(np.append(stds, 1.0))  # room for the legend
        return deepest[activation, sigma]

    def update(depth, activation, sigma):
        model = deep_mlp(depth, activation, width, init=_init.normal(sigma), rng=seed)
        weights, deltas, hidden = gradient_norms(model, loss, X, y)
        for l, (d_bar, w_bar) in enumerate(zip(delta_bars, weight_bars)):
            for bar, values in ((d_bar, deltas), (w_bar, weights)):
                bar.set_visible(l < depth)
                bar.set_height(max(values[l], 1e-300) if l < depth else 1.0)
        g_limits, a_limits = limits(activation, sigma)  # the same for every depth: the cached axes stay
        ax_g.set_ylim(*g_limits)
        ax_g.set_title(f"{activation}, σ = {sigma:.3g}: layer 1 / layer {depth}: ‖δ‖ {deltas[0] / deltas[-1]:.0e}, "
                       f"‖∂L/∂W‖ {weights[0] / weights[-1]:.0e}", fontsize=9)
        stds = np.array([a.std() for a in hidden])
        if activation == "relu":
            frac, what = np.mean([np.mean(a == 0) for a in hidden]), "dead (0)"
        else:
            lo, hi = _LIMITS[activation]
            frac, what = np.mean([np.mean((a - lo < 0.01) | (hi - a < 0.01)) for a in hidden]), "saturated"
        std_line.set_data(np.arange(1, depth), np.maximum(stds, 1e-300))
        ax_a.set_ylim(*a_limits)
        ax_a.set_title(f"forward signal: {100 * frac:.0f} % of hidden outputs {what}", fontsize=9)

    update(depth, activation, sigma)
    freeze_layout(fig)  # lay out once with real tick labels, then only redraw
    freeze_labels(fig)
    keep_static(fig, [*delta_bars, *weight_bars, std_line, ax_g.title, ax_a.title])
    return Demo(fig, controls, update, title="gradient norms per layer")


def exploding_runs(epochs=3, depth=10, width=32, lr=0.02, sigmas=(0.5, None), rng=0):
    """Train the same deep ReLU net on digits with :math:`\\mathcal N(0, \\sigma^2)` weights for each σ
    (None = He, :math:`\\sigma = \\sqrt{2/n_{in}}`); return ``{label: History}`` with ``step_loss``.

    With σ = 0.5 (He would be 0.25) the loss explodes and becomes nan within a few steps: ``fit``
    stops and ``History.message`` says where. The warning is silenced here; read the message.
    ``rng`` (None, int or Generator) gives one seed for the split, the weights and the batches.
    """
    seed = check_seed(rng)
    X_train, _, y_train, _ = digits(rng=seed)
    runs = {}
    for sigma in sigmas:
        init = _init.he() if sigma is None else _init.normal(sigma)
        label = "He: σ² = 2/n_in" if sigma is None else f"N(0, {sigma}²)"
        model = deep_mlp(depth, "relu", width, init=init, rng=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainingDivergedWarning)
            runs[label] = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs,
                              batch_size=64, rng=seed, progress=False, log_steps=True)
    return runs


def step_loss_figure(runs, steps=20):
    """Loss of the first ``steps`` steps (log scale) for each run of :func:`exploding_runs`;
    × where the loss became nan."""
    fig = new_figure(figsize=(8, 3.2))
    ax = fig.add_subplot()
    for label, h in runs.items():
        color = BAD if h.diverged else GOOD
        ax.plot(np.arange(len(h.step_loss)), h.step_loss, marker="o", markersize=3, color=color, label=label)
        if h.diverged:
            ax.plot([len(h.step_loss)], [h.step_loss[-1]], marker="x", markersize=12, color=color,
                    linestyle="none", label=f"loss = nan at step {h.stop_step}: stopped")
    ax.set_yscale("log")
    ax.set_xlim(-0.5, steps + 0.5)
    ax.set_xlabel("step (mini-batch of 64)")
    ax.set_ylabel("training loss")
    ax.set_title("deep ReLU net on digits: with too large weights the loss explodes", fontsize=10)
    ax.legend(frameon=False)
    return fig


def batchnorm_runs(epochs=10, depth=10, width=32, lr=0.1, rng=0):
    """Train deep nets on digits without and with BatchNorm for two bad cases; return
    ``{case: {"plain": History, "batchnorm": History, "activation": name}}``. Each History has
    ``activation_stats`` (``[0]``: at initialization, ``[e]``: after epoch e)."""
    seed = check_seed(rng)
    X_train, X_test, y_train, y_test = digits(rng=seed)
    cases = {"sigmoid, σ = 0.1 (vanishing)": ("sigmoid", 0.1), "tanh, σ = 1 (saturated)": ("tanh", 1.0)}
    runs = {}
    for case, (act, sigma) in cases.items():
        runs[case] = {"activation": act}
        for name, bn in (("plain", False), ("batchnorm", True)):
            model = deep_mlp(depth, act, width, init=_init.normal(sigma), batchnorm=bn, rng=seed)
            runs[case][name] = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs,
                                   batch_size=64, rng=seed, progress=False, validation_data=(X_test, y_test),
                                   track_activations=True)
    return runs


def hidden_stats(history, epoch):
    """The ``activation_stats`` of the hidden activation layers (every sigmoid, tanh or ReLU but
    the output layer) after ``epoch`` epochs; epoch 0 is at initialization."""
    names = {cls.__name__ for cls in ACTIVATIONS.values()}
    return [st for st in history.activation_stats[epoch][:-1] if st["layer"] in names]


def _percentiles(history, epoch):
    return np.array([np.percentile(st["values"], [5, 25, 50, 75, 95]) for st in hidden_stats(history, epoch)])


def batchnorm_demo(epochs=10, depth=10, width=32, rng=0, runs=None):
    """Left: each hidden layer's output (5–95 % thin, 25–75 % thick, median dot) after ``epoch``
    epochs, without (red) and with (green) BatchNorm. Right: test accuracy per epoch.
    ``runs``: the result of :func:`batchnorm_runs`, to reuse (else trained here)."""
    runs = batchnorm_runs(epochs, depth, width, rng=rng) if runs is None else runs
    first = next(iter(runs.values()))
    epochs, depth = len(first["plain"].loss), len(hidden_stats(first["plain"], 0)) + 1
    cases = list(runs)
    controls = {"case": w.Dropdown(options=cases, value=cases[0], description="case",
                                   layout=w.Layout(width="330px")),
                "epoch": w.IntSlider(value=1, min=1, max=epochs, description="epoch")}
    fig = new_figure(figsize=(9, 3.6))
    ax_d, ax_c = fig.subplots(1, 2, width_ratios=[1.4, 1])
    artists = {}
    for name, color, dx in (("plain", BAD, -0.15), ("batchnorm", GOOD, 0.15)):
        thin = LineCollection([], colors=color, linewidths=1.2)
        thick = LineCollection([], colors=color, linewidths=5)
        ax_d.add_collection(thin)
        ax_d.add_collection(thick)
        (median,) = ax_d.plot([], [], "o", color="white", markeredgecolor=color, markersize=4)
        label = "no BatchNorm" if name == "plain" else "with BatchNorm"
        (acc,) = ax_c.plot([], [], marker="o", markersize=3, color=color, label=label)
        artists[name] = (thin, thick, median, acc, dx)
        ax_d.plot([], [], color=color, linewidth=5, label=label)
    ax_d.set_xlim(0.4, depth - 0.4)
    ax_d.set_xticks(np.arange(1, depth))
    ax_d.set_xlabel("hidden layer l (input → output)")
    ax_d.set_ylabel("output $a^{[l]}$")
    ax_d.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.2), ncols=2)  # under the axes
    marker = ax_c.axvline(1, color="0.5", linestyle=":")
    ax_c.set_xlim(0.5, epochs + 0.5)
    ax_c.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_c.set_ylim(0, 1.05)
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("test accuracy")
    ax_c.set_title("learning curves", fontsize=10)

    def update(case, epoch):
        run = runs[case]
        lo, hi = _LIMITS[run["activation"]]
        for name, (thin, thick, median, acc, dx) in artists.items():
            p = _percentiles(run[name], epoch)
            x = np.arange(1, len(p) + 1) + dx
            thin.set_segments([[(xi, a), (xi, b)] for xi, a, b in zip(x, p[:, 0], p[:, 4])])
            thick.set_segments([[(xi, a), (xi, b)] for xi, a, b in zip(x, p[:, 1], p[:, 3])])
            median.set_data(x, p[:, 2])
            h = run[name]
            acc.set_data(np.arange(1, len(h.val_accuracy) + 1), h.val_accuracy)
        ax_d.set_ylim(lo - 0.05 * (hi - lo), hi + 0.15 * (hi - lo))
        ax_d.set_title(f"{case}, epoch {epoch}", fontsize=10)
        marker.set_xdata([epoch, epoch])

    update(cases[0], 1)
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [a for name in artists for a in artists[name][:4]] + [marker, ax_d.title])
    return Demo(fig, controls, update, title="batch normalization")
