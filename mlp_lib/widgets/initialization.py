r"""Lecture 06 — weight initialization (schemes from :mod:`mlp_lib.init`; biases start at 0).

* :func:`symmetry_runs` / :func:`symmetry_figure`: zero or constant weights never break symmetry —
  every hidden unit keeps the same incoming weights, however long we train; :func:`zero_start`:
  from zero weights, tanh units never move, sigmoid units move but stay identical;
* :func:`init_runs`, :func:`activation_histograms_demo`, :func:`training_curves_figure`: a deep
  tanh / ReLU net on digits (the lecture used MNIST) with :math:`\mathcal N(0,1)`,
  :math:`\mathcal N(0,0.01^2)`, Xavier, Glorot and He weights: per-layer outputs and learning;
* :func:`init_boundary_demo`: decision boundaries of small nets after 600 epochs for each scheme.
"""
from __future__ import annotations

import warnings

import ipywidgets as w
import numpy as np
from matplotlib.ticker import MaxNLocator
from tqdm.auto import tqdm

from .. import init as _init
from .._validation import check_seed
from ..datasets import circles, digits
from ..activations import Sigmoid
from ..layers import Sequential
from ..losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from ..plotting import CLASS_COLORS, DecisionBoundary, freeze_labels, freeze_layout, plot_data
from ..train import TrainingDivergedWarning, fit
from ._base import Demo, new_figure
from ._static import keep_static
from .saturation import deep_mlp, hidden_stats

__all__ = ["SCHEMES", "symmetry_runs", "zero_start", "hidden_unit_spread", "symmetry_figure", "init_runs",
           "hidden_values",
           "activation_histograms_demo", "training_curves_figure", "boundary_runs", "init_boundary_demo"]

#: The schemes compared, by label (see :mod:`mlp_lib.init` for the formulas).
SCHEMES = {
    "zeros": _init.zeros(),
    "N(0, 0.01²)": _init.normal(0.01),
    "N(0, 1)": _init.normal(1.0),
    "Xavier N(0, 1/n_in)": _init.xavier(),
    "Glorot N(0, 2/(n_in+n_out))": _init.glorot(),
    "He N(0, 2/n_in)": _init.he(),
}
SCHEME_COLORS = dict(zip(SCHEMES, ["#7f7f7f", CLASS_COLORS[3], CLASS_COLORS[1], CLASS_COLORS[0],
                                   CLASS_COLORS[6], CLASS_COLORS[2]]))
_RANDOM = [s for s in SCHEMES if s != "zeros"]


def symmetry_runs(width=8, epochs=30, lr=0.5, rng=0):
    """Train 64-``width``-10 tanh nets on digits from zeros, constant 0.05 and Xavier weights.

    Returns ``{label: (model, History)}``. With a constant init every hidden unit computes the
    same output and receives the same gradient, so the columns of ``W1`` stay equal. ``rng``
    (None, int or Generator) gives one seed, the same for the three runs.
    """
    seed = check_seed(rng)
    X_train, X_test, y_train, y_test = digits(rng=seed)
    runs = {}
    for label, scheme in (("zeros", _init.zeros()), ("constant 0.05", _init.constant(0.05)),
                          ("Xavier (random)", _init.xavier())):
        model = deep_mlp(2, "tanh", width, init=scheme, rng=seed)
        history = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs, batch_size=64,
                      rng=seed, progress=False, validation_data=(X_test, y_test))
        runs[label] = (model, history)
    return runs


def zero_start(activation="tanh", width=8, epochs=5, lr=0.5, rng=0):
    """A 64-``width``-10 net with ``activation`` hidden units, all weights and biases 0, trained on
    digits; returns the model. Its hidden weights stay 0 when f(0) = 0 (tanh, ReLU); with the sigmoid
    (f(0) = 1/2) they move, every hidden unit in the same way."""
    seed = check_seed(rng)
    X_train, _, y_train, _ = digits(rng=seed)
    model = deep_mlp(2, activation, width, init=_init.zeros(), rng=seed)
    fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs, batch_size=64, rng=seed, progress=False)
    return model


def hidden_unit_spread(model):
    """Largest difference between any hidden unit's incoming weights and unit 0's: 0 = no symmetry broken."""
    W1 = model.layers[0].params["W"]
    return float(np.max(np.abs(W1 - W1[:, :1])))


def symmetry_figure(runs):
    """One row per run of :func:`symmetry_runs`: each hidden unit's 64 incoming weights as an 8×8 tile."""
    fig = new_figure(figsize=(9, 1.25 * len(runs) + 0.4))
    axes = fig.subplots(len(runs), 1, squeeze=False)[:, 0]
    for ax, (label, (model, history)) in zip(axes, runs.items()):
        W1 = model.layers[0].params["W"]
        width = W1.shape[1]
        tiles = np.full((8, 9 * width - 1), np.nan)  # 8x8 tiles with a blank column between them
        for j in range(width):
            tiles[:, 9 * j:9 * j + 8] = W1[:, j].reshape(8, 8)
        lim = max(float(np.abs(W1).max()), 1e-12)
        ax.imshow(tiles, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_xticks(9 * np.arange(width) + 3.5, [f"unit {j + 1}" for j in range(width)], fontsize=8)
        ax.set_yticks([])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_ylabel(f"{label}\ntest acc {history.val_accuracy[-1]:.2f}", fontsize=8)
    fig.suptitle("incoming weights $W^{[1]}_{:,j}$ of each hidden unit after training (as 8×8 images)",
                 fontsize=10)
    return fig


def init_runs(epochs=4, depth=6, width=64, schemes=("N(0, 1)", "N(0, 0.01²)", "Xavier N(0, 1/n_in)",
                                                      "He N(0, 2/n_in)"), lr=0.1, rng=0, progress=True):
    """Train a ``depth``-layer tanh and ReLU net on digits for each scheme (mini-batches of 64).

    Returns ``{(scheme, activation): History}`` with ``activation_stats`` (``[0]`` at
    initialization, ``[e]`` after epoch e; :func:`hidden_values` picks the hidden layers). A run
    whose loss became nan has fewer epochs and ``history.diverged`` set. ``rng`` (None, int or
    Generator) gives one seed, the same for every run."""
    seed = check_seed(rng)
    X_train, X_test, y_train, y_test = digits(rng=seed)
    runs = {}
    jobs = [(activation, scheme) for activation in ("tanh", "relu") for scheme in schemes]
    for activation, scheme in tqdm(jobs, desc="training", disable=not progress):
        model = deep_mlp(depth, activation, width, init=SCHEMES[scheme], rng=seed)
        with warnings.catch_warnings():  # N(0, 1) with ReLU may diverge: History.message says so
            warnings.simplefilter("ignore", TrainingDivergedWarning)
            runs[scheme, activation] = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs,
                                           batch_size=64, rng=seed, progress=False,
                                           validation_data=(X_test, y_test), track_activations=True)
    return runs


def hidden_values(history, epoch=0):
    """The sampled outputs of each hidden layer (a list of arrays, first hidden layer first) after
    ``epoch`` epochs of a run of :func:`init_runs`; epoch 0 is at initialization."""
    return [st["values"] for st in hidden_stats(history, epoch)]


def activation_histograms_demo(scheme="N(0, 1)", activation="tanh", epoch=0, runs=None, bins=40):
    """Histogram of every hidden layer's output on 256 digits, at initialization (epoch 0) or after
    ``epoch`` epochs of training (from :func:`init_runs`; pass ``runs`` to reuse them)."""
    runs = init_runs() if runs is None else runs
    schemes = list(dict.fromkeys(s for s, _ in runs))
    epochs = max(len(h.loss) for h in runs.values())
    n_layers = len(hidden_values(next(iter(runs.values()))))
    controls = {"scheme": w.Dropdown(options=schemes, value=scheme, description="init"),
                "activation": w.Dropdown(options=["tanh", "relu"], value=activation, description="f"),
                "epoch": w.IntSlider(value=epoch, min=0, max=epochs, description="epoch")}
    fig = new_figure(figsize=(10, 2.9))
    axes = fig.subplots(1, n_layers)
    steps = [ax.stairs(np.zeros(bins), np.linspace(-1, 1, bins + 1), fill=True, alpha=0.8) for ax in axes]
    for ax in axes:
        ax.set_yticks([])
        ax.set_xlabel("output")
    axes[0].set_ylabel("share of outputs")

    title = fig.suptitle("", fontsize=10)

    def update(scheme, activation, epoch):
        h = runs[scheme, activation]
        shown = min(epoch, len(h.activation_stats) - 1)  # a diverged run stopped early
        for l, (ax, st, values) in enumerate(zip(axes, steps, hidden_values(h, shown))):
            v = all_v = values
            note = ""
            if activation == "relu":  # half the outputs are exactly 0: count them, plot the rest
                note = f", {100 * np.mean(v == 0):.0f} % zeros"
                v = v[v > 0] if np.any(v > 0) else np.zeros(1)
                edges = np.linspace(0, _nice_ceiling(1.05 * float(np.percentile(v, 99))), bins + 1)
            else:
                edges = np.linspace(-1, 1, bins + 1)
            counts = np.histogram(np.clip(v, edges[0], edges[-1]), edges)[0] / all_v.size
            st.set_data(counts, edges)
            st.set_color(SCHEME_COLORS[scheme])
            ax.set_xlim(edges[0], edges[-1])
            ax.set_ylim(0, 1.1 * _nice_ceiling(float(counts.max())))  # rounded limits: redraw the axes rarely
            ax.set_title(f"layer {l + 1}\nstd {all_v.std():.2g}{note}", fontsize=9)
        when = "at initialization" if shown == 0 else f"after {shown} epoch{'s' * (shown > 1)}"
        if shown < epoch:
            when += f" (then {h.message.split(':')[0]})"
        title.set_text(f"{activation} net, {scheme}: hidden layer outputs {when}")

    update(scheme, activation, epoch)
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [*steps, *(ax.title for ax in axes), title])
    return Demo(fig, controls, update, title="activation histograms")


def _nice_ceiling(value):
    """The smallest of 1, 2, 5 × 10^k that is at least ``value`` (> 0)."""
    if not value > 0:
        return 1e-12
    k = np.floor(np.log10(value))
    return next(float(m * 10 ** k) for m in (1, 2, 5, 10) if m * 10 ** k >= value * (1 - 1e-12))


def training_curves_figure(runs):
    """Test accuracy per epoch for every scheme of :func:`init_runs`, tanh and ReLU side by side."""
    fig = new_figure(figsize=(9, 3.8))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, activation in zip(axes, ("tanh", "relu")):
        for (scheme, act), h in runs.items():
            if act == activation and h.diverged:
                ax.plot([h.stop_epoch + 1], [0.02], marker="x", markersize=10, linestyle="none",
                        color=SCHEME_COLORS[scheme], label=f"{scheme}: loss became nan")
            elif act == activation:
                ax.plot(np.arange(1, len(h.val_accuracy) + 1), h.val_accuracy, marker="o", markersize=3,
                        color=SCHEME_COLORS[scheme], label=scheme)
            depth = len(hidden_values(h)) + 1
        ax.set_title(f"{depth}-layer {activation} net on digits", fontsize=10)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, 1)
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    axes[0].set_ylabel("test accuracy")
    return fig


def boundary_runs(epochs=600, depths=(2, 3, 4), width=10, lr=0.5, n=200, rng=0, progress=True):
    """Train nets on the circles data for every scheme × activation × depth (full-batch GD).

    Returns ``(X, y, {(scheme, activation, depth): (model, History)})``. ``rng`` (None, int or
    Generator) gives one seed for the data and every net."""
    seed = check_seed(rng)
    X, y = circles(n, noise=0.1, factor=0.5, rng=seed)
    runs = {}
    jobs = [(scheme, activation, depth) for scheme in ("zeros", "N(0, 0.01²)", "N(0, 1)", "Xavier N(0, 1/n_in)",
                                                       "He N(0, 2/n_in)")
            for activation in ("tanh", "relu") for depth in depths]
    for scheme, activation, depth in tqdm(jobs, desc="training", disable=not progress):
        net = deep_mlp(depth, activation, width, init=SCHEMES[scheme], in_features=2, out_features=1, rng=seed)
        model = Sequential(net.layers + [Sigmoid()])
        history = fit(model, BinaryCrossEntropy(), X, y, lr=lr, epochs=epochs, batch_size=None, rng=seed,
                      progress=False)
        runs[scheme, activation, depth] = (model, history)
    return X, y, runs


def init_boundary_demo(scheme="zeros", activation="relu", depth=3, data=None):
    """Decision boundary after 600 epochs (left) and the loss curves of all schemes for this
    activation and depth (right; the chosen one bold). Everything is trained at build time."""
    X, y, runs = boundary_runs() if data is None else data
    schemes = list(dict.fromkeys(s for s, _, _ in runs))
    depths = sorted({d for _, _, d in runs})
    controls = {"scheme": w.Dropdown(options=schemes, value=scheme, description="init"),
                "activation": w.Dropdown(options=["tanh", "relu"], value=activation, description="f"),
                "depth": w.IntSlider(value=depth, min=depths[0], max=depths[-1], description="layers")}
    fig = new_figure(figsize=(9, 3.6))
    ax_b, ax_l = fig.subplots(1, 2)
    boundary = DecisionBoundary(ax_b, (-1.6, 1.6), (-1.6, 1.6), resolution=120)
    labels = {key: boundary.labels(model.predict) for key, (model, _) in runs.items()}
    dots = plot_data(X, y, ax_b)
    ax_b.set_xlim(-1.6, 1.6)
    ax_b.set_ylim(-1.6, 1.6)
    ax_b.set_xticks([-1, 0, 1])  # few tick labels: text is most of a redraw's time
    ax_b.set_yticks([-1, 0, 1])
    curves = {}
    for s in schemes:
        (curves[s],) = ax_l.plot([], [], color=SCHEME_COLORS[s], label=s.split(" N(")[0])  # "He N(..)" -> "He"
    ax_l.set_yscale("log")
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("training loss")
    ax_l.set_xlim(0, len(next(iter(runs.values()))[1].loss))
    ax_l.set_ylim(1e-3, 3)
    ax_l.legend(frameon=False, fontsize=8, loc="lower left")
    ax_l.set_title("all schemes, same net", fontsize=10)

    def update(scheme, activation, depth):
        boundary.image.set_data(labels[scheme, activation, depth])
        h = runs[scheme, activation, depth][1]
        ax_b.set_title(f"{scheme}, {activation}, {depth} layers: acc. {h.accuracy[-1]:.2f}", fontsize=10)
        for s, line in curves.items():
            hs = runs[s, activation, depth][1]
            line.set_data(np.arange(1, len(hs.loss) + 1), hs.loss)
            line.set_linewidth(2.5 if s == scheme else 1.0)
            line.set_alpha(1.0 if s == scheme else 0.5)

    update(scheme, activation, depth)
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [boundary.image, *dots, ax_b.title, *curves.values()])
    return Demo(fig, controls, update, title="initialization and decision boundaries")
