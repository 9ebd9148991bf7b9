r"""Lecture 03 — back-propagation.

* :func:`tiny_network`, :func:`backprop_report`, :func:`network_figure`: one forward and one
  backward pass of a 2-2-1 sigmoid network with every number shown (the slide's algorithm,
  :mod:`mlp_lib.textbook`);
* :func:`graph_figure`: back-propagation on a computational graph (upstream × local gradient);
* :func:`multiply_adds`: the work of a forward and of a backward pass, counted from the layer shapes;
* :func:`perturb_vs_backprop`, :func:`perturb_figure`: learning by perturbing weights against
  back-propagation, charged in forward passes (:mod:`mlp_lib.perturb`);
* :func:`gd_parabola_demo`: gradient descent on a parabola with a learning-rate slider;
* :func:`weight_decay_runs`, :func:`weight_decay_figure`: L2 regularization (weight decay) on noisy data.
"""
from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from tqdm.auto import tqdm

from .. import datasets
from .._validation import check_seed
from ..activations import ReLU, Sigmoid, Tanh
from ..layers import Dense, Sequential
from ..losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from ..optim import SGD
from ..perturb import backprop_cost, perturb_all_weights, perturb_one_weight
from ..plotting import COLORS, DecisionBoundary, draw_computational_graph, freeze_layout, plot_data
from ..textbook import textbook_deltas, textbook_update
from ..train import fit
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["tiny_network", "backprop_report", "network_figure", "graph_figure", "multiply_adds",
           "perturb_vs_backprop", "perturb_figure", "parabola_steps", "gd_parabola_demo", "weight_decay_runs",
           "weight_decay_figure"]


def tiny_network():
    r"""The worked example: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output.

    Returns ``(weights, biases, x, y)``: ``weights[j]`` of shape (n_j, n_{j+1}) so that
    ``weights[j][h, k]`` is the slide's :math:`W_{hk}`; one example ``x`` with target ``y``
    (the slide's :math:`t`).
    """
    weights = [np.array([[0.5, -0.4], [0.3, 0.8]]), np.array([[0.7], [-0.6]])]
    biases = [np.array([0.1, -0.1]), np.array([0.2])]
    return weights, biases, np.array([1.0, 0.5]), np.array([1.0])


def backprop_report(weights, biases, x, y, lr=0.5):
    """The forward pass, the deltas and the updated weights of one textbook step (learning rate
    ``lr`` = η, target ``y`` = the slide's t), as text in the slide's notation."""
    outputs, deltas = textbook_deltas(weights, biases, x, y)
    new_w, new_b = textbook_update(weights, biases, x, y, lr)
    t = np.ravel(y)
    def fmt(a):
        a = np.asarray(a)
        if a.ndim == 2:
            return "[" + ", ".join(fmt(row) for row in a) + "]"
        return "[" + ", ".join(f"{v:+.4f}" for v in a) + "]"

    z = outputs[-1]
    hidden = [(f"hidden y{'' if len(outputs) == 3 else f' (layer {j})'}", o) for j, o in enumerate(outputs[1:-1], 1)]
    lines = ["forward:", f"  {'input x':<10} = {fmt(outputs[0])}"]
    lines += [f"  {name:<10} = {fmt(o)}" for name, o in hidden]
    lines += [f"  {'output z':<10} = {fmt(z)}   target t = {fmt(t)}",
              f"  error E = ½ Σ (t − z)² = {0.5 * float(np.sum((t - z) ** 2)):.4f}",
              "backward:",
              f"  output δ = z(1 − z)(t − z)      = {fmt(deltas[-1])}"]
    lines += [f"  hidden δ = y(1 − y) Σ_k W_hk δ_k = {fmt(d)}" for d in deltas[:-1][::-1]]
    lines.append(f"update (η = {lr}): W_hk ← W_hk + η δ_k x_h, b_k ← b_k + η δ_k")
    for j, (W1, b1) in enumerate(zip(new_w, new_b)):
        lines.append(f"  W[{j}] (row h, column k): {fmt(weights[j])} -> {fmt(W1)}")
        lines.append(f"  b[{j}]: {fmt(biases[j])} -> {fmt(b1)}")
    return "\n".join(lines)


def network_figure(weights, biases, x, y):
    r"""The network with its numbers: weights on the edges, unit outputs inside the nodes (forward,
    black) and the deltas under the nodes (backward, red); ``y`` is the target (the slide's t)."""
    outputs, deltas = textbook_deltas(weights, biases, x, y)
    sizes = [len(o) for o in outputs]
    pos = [[(j, (n - 1) / 2 - i) for i in range(n)] for j, n in enumerate(sizes)]
    fig = new_figure(figsize=(7.5, 3.8))
    ax = fig.add_subplot()
    for j, W in enumerate(weights):
        for h in range(W.shape[0]):
            for k in range(W.shape[1]):
                (x0, y0), (x1, y1) = pos[j][h], pos[j + 1][k]
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                            arrowprops=dict(arrowstyle="-|>", color="0.5", shrinkA=22, shrinkB=22))
                frac = 0.3 if y1 >= y0 else 0.7  # keep crossing labels apart
                ax.text(x0 + frac * (x1 - x0), y0 + frac * (y1 - y0) + 0.07, f"{W[h, k]:+.2f}", fontsize=8,
                        ha="center", color="0.25", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    names = ["x"] + ["y"] * (len(sizes) - 2) + ["z"]
    for j, layer in enumerate(pos):
        for i, (px, py) in enumerate(layer):
            ax.plot(px, py, marker="o", markersize=46, color="white", markeredgecolor="black", zorder=3)
            ax.text(px, py + 0.08, f"${names[j]}_{i + 1}$", ha="center", va="center", fontsize=9, zorder=4)
            ax.text(px, py - 0.1, f"{outputs[j][i]:.3f}", ha="center", va="center", fontsize=9, zorder=4)
            if j:
                ax.text(px, py - 0.38, f"δ = {deltas[j - 1][i]:+.4f}", ha="center", fontsize=8.5,
                        color=COLORS["none"])
                ax.text(px, py + 0.3, f"b = {biases[j - 1][i]:+.2f}", ha="center", fontsize=8, color="0.35")
    ax.text(pos[-1][0][0] + 0.35, pos[-1][0][1], f"t = {float(np.ravel(y)[0]):g}", va="center", fontsize=9)
    ax.set_xlim(-0.4, len(sizes) - 0.4)
    ax.set_ylim(-1.1, 1.0)
    ax.axis("off")
    ax.set_title("forward: unit outputs (black)   backward: deltas (red)", fontsize=10)
    return fig


def graph_figure(x=1.5, w=0.8, b=-0.5, t=1.0):
    """One sigmoid neuron with a squared error as a graph of operations, forward values and gradients."""
    fig = new_figure(figsize=(10, 3.4))
    draw_computational_graph(x, w, b, t, ax=fig.add_subplot())
    return fig


def multiply_adds(model, n=1):
    r"""Multiply-adds of one forward and one backward pass of ``model``'s Dense layers on ``n`` rows.

    Forward, a layer :math:`n_{in} \to n_{out}` does :math:`n\,n_{in}n_{out}` (for :math:`XW`); backward
    as many for :math:`\partial J/\partial W = X^\top\Delta` and as many again for
    :math:`\partial J/\partial X = \Delta W^\top`, except in the first layer, whose input needs no
    gradient. Returns ``(forward, backward)``.
    """
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    sizes = [n * layer.in_features * layer.out_features for layer in dense]
    return sum(sizes), 2 * sum(sizes) - sizes[0]


def perturb_vs_backprop(budget=3000, n_train=500, width=16, rng=0, progress=True):
    r"""Three ways to train a 64-``width``-10 tanh network on ``n_train`` digits with the same
    budget of forward passes (each with a step size picked from a small grid):
    perturb one weight (scale 1), perturb all weights (10 trials, lr 0.3), back-propagation (lr 1).

    ``rng`` (None, int or Generator) gives one seed for the data split, the start weights (the
    same for the three methods) and the perturbations. Returns the three
    :class:`~mlp_lib.perturb.PerturbResult` objects.
    """
    seed = check_seed(rng)
    X, _, y, _ = datasets.digits(rng=seed)
    X, y = X[:n_train], y[:n_train]

    def net():
        return Sequential([Dense(64, width, rng=seed), Tanh(), Dense(width, 10, rng=seed + 1)])

    loss = SoftmaxCrossEntropy()
    methods = [lambda: perturb_one_weight(net(), loss, X, y, steps=budget - 1, scale=1.0, rng=seed),
               lambda: perturb_all_weights(net(), loss, X, y, steps=(budget - 1) // 11, scale=0.01, trials=10,
                                           lr=0.3, rng=seed),
               lambda: backprop_cost(net(), loss, X, y, steps=(budget - 1) // 3, lr=1.0)]
    return [run() for run in tqdm(methods, desc="training 3 ways", disable=not progress)]


def perturb_figure(results, target=0.5):
    """Left: loss against forward passes spent. Right: forward passes needed to reach ``target``."""
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.5, 1])
    colors = [COLORS["perturb_one"], COLORS["perturb_all"], COLORS["backprop"]]
    needed = []
    for r, color in zip(results, colors):
        ax1.plot(r.forward_passes, r.loss, color=color, linewidth=1.8, label=r.method)
        hit = np.flatnonzero(np.asarray(r.loss) <= target)
        needed.append(r.forward_passes[hit[0]] if hit.size else np.nan)
    ax1.axhline(target, color="0.5", linestyle=":", linewidth=1)
    ax1.set_yscale("log")
    ax1.set_xlabel("forward passes over the training set")
    ax1.set_ylabel("training loss")
    ax1.set_title("loss reached for the cost spent")
    ax1.legend(loc="upper right", frameon=False, fontsize=8)
    labels = ["perturb\none weight", "perturb\nall weights", "backprop"]
    budget = max(r.forward_passes[-1] for r in results)
    bars = ax2.bar(labels, np.nan_to_num(needed, nan=budget), color=colors)
    for bar, n in zip(bars, needed):
        ax2.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), "not reached" if np.isnan(n) else f"{n}",
                 ha="center", va="bottom", fontsize=9)
    ax2.set_ylabel("forward passes")
    ax2.set_title(f"cost to reach loss {target}")
    ax2.set_ylim(0, 1.15 * budget)
    return fig


def parabola_steps(lr, steps=15, theta0=-4.0):
    r"""Gradient descent on :math:`J(\theta) = \theta^2`: :math:`\theta \leftarrow \theta - \eta\,2\theta`.

    Returns the ``steps + 1`` iterates, from ``theta0``. Each step multiplies :math:`\theta` by
    :math:`1 - 2\eta`: slow for small :math:`\eta`, one step for :math:`\eta = 0.5`, oscillating for
    :math:`0.5 < \eta < 1`, divergent for :math:`\eta > 1`.
    """
    thetas = [float(theta0)]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * 2 * thetas[-1])
    return np.array(thetas)


def _regime(lr):
    if lr < 0.1:
        return "too small: slow"
    if lr <= 0.5:
        return "good: converges"
    if lr < 1:
        return "large: oscillates, converges"
    if lr == 1:
        return "too large: oscillates forever"
    return "too large: diverges"


def gd_parabola_demo(lr=0.1, steps=15, theta0=-4.0):
    r"""Gradient descent on :math:`J(\theta) = \theta^2` with learning rate :math:`\eta`.

    Left: the parabola and the steps :math:`\theta_0, \theta_1, \ldots` Right: :math:`J(\theta_t)`
    per step (log scale).
    """
    controls = {"lr": w.FloatSlider(value=lr, min=0.01, max=1.1, step=0.01, description="η")}
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    grid = np.linspace(-6, 6, 200)
    ax1.plot(grid, grid ** 2, color="0.3", linewidth=1.5, label=r"$J(\theta) = \theta^2$")
    (path,) = ax1.plot([], [], color=COLORS["test"], marker="o", markersize=4, linewidth=1, label="steps")
    (start,) = ax1.plot([theta0], [theta0 ** 2], marker="s", color="black", markersize=7, linestyle="none",
                        label=r"start $\theta_0$")
    ax1.set_xlim(-6, 6)
    ax1.set_ylim(-1, 37)
    ax1.set_xlabel(r"$\theta$")
    ax1.set_ylabel(r"$J(\theta)$")
    ax1.legend(loc="upper center", fontsize=8, frameon=False)
    ax1.locator_params(nbins=5)  # fewer tick labels: text is most of a redraw's time

    ts = np.arange(steps + 1)
    (curve,) = ax2.plot(ts, np.ones(steps + 1), color=COLORS["test"], marker="o", markersize=4)
    ax2.set_yscale("log")
    ax2.set_ylim(1e-12, 1e4)
    ax2.yaxis.set_major_locator(LogLocator(numticks=6))
    ax2.yaxis.set_minor_locator(NullLocator())  # fewer ticks, faster redraws
    ax2.set_xlim(-0.5, steps + 0.5)
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_xlabel("step $t$")
    ax2.set_ylabel(r"$J(\theta_t)$")

    def update(lr):
        thetas = parabola_steps(lr, steps, theta0)
        path.set_data(thetas, thetas ** 2)
        curve.set_ydata(np.maximum(thetas ** 2, 1e-30))
        ax1.set_title(f"η = {lr:.2f}: each step θ ← {1 - 2 * lr:+.2f} θ")
        ax2.set_title(f"{_regime(lr)}: J = {thetas[-1] ** 2:.3g} after {steps} steps")

    demo = Demo(fig, controls, update, title="gradient descent on a parabola")
    freeze_layout(fig)
    keep_static(fig, [path, start, ax1.get_legend(), curve, ax1.title, ax2.title])
    return demo


def weight_decay_runs(lams=(0.0, 0.003), n_sets=6, n=30, flip=0.1, width=100, epochs=2000, lr=0.5, rng=0,
                      progress=True):
    r"""Train a 2-``width``-``width``-1 ReLU net on ``n_sets`` small noisy moons data sets (``n`` points,
    a fraction ``flip`` of the labels flipped) with L2 weight decay :math:`\lambda` for each of ``lams``
    (batch gradient descent, ``SGD(lr, weight_decay=λ)``).

    Returns ``{λ: [(model, train accuracy, test accuracy, ‖W‖), ...]}`` (one entry per data set; the
    test set has 2000 points without flipped labels) and the first data set ``(X, y)``.
    """
    seed = check_seed(rng)
    sets = []
    for k in range(n_sets):
        X, y = datasets.moons(n, noise=0.3, rng=seed + k)
        flipped = np.random.default_rng(seed + k + 7).random(n) < flip
        sets.append((X, np.where(flipped, 1 - y, y), *datasets.moons(2000, noise=0.3, rng=seed + k + 100)))
    runs = {lam: [] for lam in lams}
    jobs = [(lam, k) for lam in lams for k in range(n_sets)]
    for lam, k in tqdm(jobs, desc="training", disable=not progress):
        X, y, X_test, y_test = sets[k]
        model = Sequential([Dense(2, width, init="he", rng=seed + k), ReLU(), Dense(width, width, init="he",
                            rng=seed + k + 1), ReLU(), Dense(width, 1, rng=seed + k + 2), Sigmoid()])
        fit(model, BinaryCrossEntropy(), X, y, optimizer=SGD(lr, weight_decay=lam), epochs=epochs,
            batch_size=None, progress=False)
        accuracy = [float(np.mean((model.predict(A)[:, 0] > 0.5) == b)) for A, b in ((X, y), (X_test, y_test))]
        norm = float(np.sqrt(sum(np.sum(layer.params["W"] ** 2) for layer in model.layers[::2])))
        runs[lam].append((model, *accuracy, norm))
    return runs, sets[0][:2]


def weight_decay_figure(runs, data):
    """The decision regions on the first data set for each λ of :func:`weight_decay_runs`."""
    X, y = data
    fig = new_figure(figsize=(4.2 * len(runs), 3.7))
    for ax, (lam, results) in zip(np.atleast_1d(fig.subplots(1, len(runs))), runs.items()):
        model, train, test, norm = results[0]
        regions = DecisionBoundary(ax, (-1.8, 2.8), (-1.4, 1.9), resolution=120)
        regions.update(model.predict)
        plot_data(X, y, ax)
        ax.set_xlim(-1.8, 2.8)
        ax.set_ylim(-1.4, 1.9)
        ax.set_title(f"λ = {lam:g}: ‖W‖ = {norm:.1f}, train {train:.2f}, test {test:.2f}", fontsize=10)
    return fig
