r"""Lecture 02 — XOR and multilayer perceptrons.

* :func:`mlp_diagram`: the network with its input, hidden and output units and its bias units;
* :func:`train_xor_mlp`, :func:`xor_figure`, :func:`hidden_space_figure`: a perceptron cannot
  separate XOR; a 2-layer MLP can, because its hidden layer maps the data to a space where a
  line does;
* :func:`collapse_linear`: stacked linear layers are one linear layer;
* :func:`universal_approximation_demo`: a 1-D function approximated by a 2-layer MLP with a
  widget for the number of hidden units;
* :func:`dag_depth`, :func:`dag_figure`: depth as the longest path of the network's DAG.
"""
from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.ticker import NullLocator

from .._validation import check_int, check_seed
from ..activations import Identity, ReLU, Sigmoid, Step
from ..layers import Dense, Sequential
from ..losses import BinaryCrossEntropy
from ..plotting import (CLASS_COLORS, COLORS, DecisionBoundary, decision_line_points, draw_mlp, freeze_layout,
                        plot_data, plot_decision_boundary)
from ..train import fit
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["mlp_diagram", "train_xor_mlp", "xor_figure", "hidden_space_figure", "collapse_linear", "target_function",
           "approximator", "universal_approximation_demo", "EXAMPLE_DAG", "dag_depth", "dag_figure"]


def mlp_diagram(sizes=(2, 3, 1)):
    """A multi-layer perceptron with ``sizes`` units per layer, its bias units and weight names."""
    fig = new_figure(figsize=(7, 3.3))
    ax = fig.add_subplot()
    draw_mlp(sizes, ax=ax)
    ax.set_title("inputs $X_i$, hidden units $Y_j$, outputs $Z_k$; bias units (1) feed every layer", fontsize=10)
    return fig


def train_xor_mlp(X, y, width=2, epochs=150, lr=1.0, rng=2):
    r"""A 2-layer MLP :math:`\hat y = \mathrm{sigmoid}(\mathrm{sigmoid}(xW_1 + b_1)W_2 + b_2)` with ``width`` sigmoid
    hidden units, trained with binary cross-entropy and mini-batch gradient descent.

    ``rng`` (None, int or Generator) gives one seed: ``W_1`` is drawn with it, ``W_2`` with
    seed + 100, and the batches are shuffled with it.
    """
    seed = check_seed(rng)
    model = Sequential([Dense(2, width, rng=seed), Sigmoid(), Dense(width, 1, rng=seed + 100), Sigmoid()])
    fit(model, BinaryCrossEntropy(), X, y, lr=lr, epochs=epochs, batch_size=20, rng=seed, progress=False)
    return model


def _accuracy(labels, y):
    return float(np.mean(np.asarray(labels).reshape(-1) == y))


def xor_figure(X, y, perceptron, mlp):
    """Left: the perceptron's line on XOR data; right: the regions of a 2-layer MLP."""
    fig = new_figure(figsize=(8, 3.6))
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    acc = _accuracy(perceptron.predict(X), y)
    plot_decision_boundary(lambda G: (G @ perceptron.w_ + perceptron.b_ >= 0).astype(float), X, y, ax=ax1,
                           resolution=100, title=f"perceptron: accuracy {acc:.2f}")
    ax1.plot(*decision_line_points(perceptron.w_, perceptron.b_, ax1.get_xlim(), ax1.get_ylim()),
             color="black", linewidth=1.5, label=r"perceptron: $w\cdot x + b = 0$")
    acc = _accuracy(mlp.predict(X) > 0.5, y)
    plot_decision_boundary(mlp.predict, X, y, ax=ax2, resolution=100,
                           title=f"2-layer MLP ({mlp[0].out_features} hidden units): accuracy {acc:.2f}")
    ax2.set_ylabel("")
    handles, labels = ax1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
    return fig


def hidden_space_figure(mlp, X, y):
    r"""Left: the data and each hidden unit's line :math:`w_j\cdot x + b_j = 0`. Right: the same
    points in the hidden space :math:`(h_1, h_2)`, where the output unit's line separates them."""
    dense1, dense2 = mlp[0], mlp[2]
    if dense1.out_features != 2:
        raise ValueError(f"the hidden space can be drawn for 2 hidden units, this MLP has {dense1.out_features}")
    fig = new_figure(figsize=(8, 3.8))
    ax1, ax2 = fig.subplots(1, 2)
    plot_data(X, y, ax1, title="input space: the hidden units' lines")
    xlim = (X[:, 0].min() - 0.4, X[:, 0].max() + 0.4)
    ylim = (X[:, 1].min() - 0.4, X[:, 1].max() + 0.4)
    W1, b1 = dense1.params["W"], dense1.params["b"]
    for j, color in enumerate(("#2ca02c", "#9467bd")):
        ax1.plot(*decision_line_points(W1[:, j], b1[j], xlim, ylim), color=color, linewidth=2,
                 label=f"$h_{j + 1} = 0.5$")
    ax1.set_xlim(xlim)
    ax1.set_ylim(ylim)
    ax1.legend(loc="center", fontsize=8, framealpha=0.8)

    H = mlp[1].forward(dense1.forward(np.asarray(X, dtype=float)))
    regions = DecisionBoundary(ax2, (-0.05, 1.05), (-0.05, 1.05), resolution=100)
    regions.update(lambda G: mlp[3].forward(dense2.forward(G)))
    plot_data(H, y, ax2, title="hidden space: the output unit's line")
    W2, b2 = dense2.params["W"][:, 0], dense2.params["b"][0]
    ax2.plot(*decision_line_points(W2, b2, (-0.05, 1.05), (-0.05, 1.05)), color="black", linewidth=1.5,
             label="output $z = 0.5$")
    ax2.set_xlim(-0.05, 1.05)
    ax2.set_ylim(-0.05, 1.05)
    ax2.set_xlabel("$h_1$ (hidden unit 1)")
    ax2.set_ylabel("$h_2$ (hidden unit 2)")
    ax2.legend(loc="center", fontsize=8, framealpha=0.8)
    return fig


def collapse_linear(model):
    r"""The single linear map :math:`x W + b` computed by a Sequential of Dense and Identity layers.

    :math:`(x W_1 + b_1) W_2 + b_2 = x\,(W_1W_2) + (b_1W_2 + b_2)`, and so on for every layer.
    Returns ``W`` of shape (n_in, n_out) and ``b`` of shape (n_out,).
    """
    W, b = None, None
    for layer in model.layers:
        if isinstance(layer, Identity):
            continue
        if not isinstance(layer, Dense):
            raise TypeError(f"only Dense and Identity layers are linear, got {layer!r}")
        Wl, bl = layer.params["W"], layer.params["b"]
        W, b = (Wl.copy(), bl.copy()) if W is None else (W @ Wl, b @ Wl + bl)
    return W, b


# --------------------------------------------------------------------- universal approximation

def target_function(x):
    r"""The function to approximate: :math:`\sin 3x + x/2` on :math:`[-2, 2]`."""
    return np.sin(3 * x) + 0.5 * x


_HIDDEN = {"step": Step, "sigmoid": Sigmoid, "relu": ReLU}


def approximator(width, activation="relu", x=None, target=target_function, lim=(-2.0, 2.0)):
    r"""A 2-layer MLP :math:`\hat f(x) = \sum_i v_i\, f(a_i x + c_i) + v_0` with ``width`` hidden units.

    Hidden unit i turns on at a knot :math:`k_i` spread evenly over ``lim`` (first layer fixed:
    :math:`f(x - k_i)` for ReLU, a steep :math:`f(s(x - k_i))` for step and sigmoid); the output
    weights :math:`v` are the least-squares fit to ``target`` on the points ``x``.
    Returns the Sequential model.
    """
    if activation not in _HIDDEN:
        raise ValueError(f"activation must be one of {sorted(_HIDDEN)}, got {activation!r}")
    width = check_int(width, "width", minimum=1)
    x = np.linspace(*lim, 200) if x is None else np.asarray(x, dtype=float)
    piece = (lim[1] - lim[0]) / width
    if activation == "relu":  # hinges at the left end of each piece
        knots, scale = lim[0] + piece * np.arange(width), 1.0
    else:  # steps in the middle of each piece
        knots, scale = lim[0] + piece * (np.arange(width) + 0.5), 8.0 / piece
    hidden = Dense(1, width, init="zeros")
    hidden.params["W"][0] = scale
    hidden.params["b"][...] = -scale * knots
    out = Dense(width, 1, init="zeros")
    model = Sequential([hidden, _HIDDEN[activation](), out])
    H = model[1].forward(hidden.forward(x[:, None]))
    v, *_ = np.linalg.lstsq(np.column_stack([H, np.ones(len(x))]), target(x), rcond=None)
    out.params["W"][:, 0] = v[:-1]
    out.params["b"][0] = v[-1]
    return model


def universal_approximation_demo(width=5, activation="relu", max_width=30):
    r"""A 2-layer MLP approximating :func:`target_function`; more hidden units, smaller error.

    Left: the target, the network's output and each hidden unit's contribution
    :math:`v_i f(\cdot)` (grey). Right: mean squared error against the number of hidden units.
    """
    x = np.linspace(-2, 2, 200)
    t = target_function(x)
    cache = {}

    def model(n, act):
        if (n, act) not in cache:
            m = approximator(n, act, x)
            H = m[1].forward(m[0].forward(x[:, None]))
            cache[n, act] = (m.forward(x[:, None])[:, 0], H * m[2].params["W"][:, 0])
        return cache[n, act]

    ns = np.arange(1, max_width + 1)
    errors = {act: np.array([np.mean((model(n, act)[0] - t) ** 2) for n in ns]) for act in _HIDDEN}

    controls = {"width": w.IntSlider(value=width, min=1, max=max_width, description="hidden units"),
                "activation": w.Dropdown(options=list(_HIDDEN), value=activation, description="f")}
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1])
    parts = [ax1.plot(x, np.zeros_like(x), color="0.6", linewidth=0.8)[0] for _ in ns]
    parts[0].set_label("$v_i f(\\cdot)$: one hidden unit")
    ax1.plot(x, t, color="black", linestyle="--", linewidth=1.5, label="target $f(x) = \\sin 3x + x/2$")
    (out,) = ax1.plot(x, np.zeros_like(x), color=COLORS["train"], linewidth=2.2, label="MLP output")
    ax1.set_xlim(-2, 2)
    ax1.set_ylim(-2.6, 2.6)
    ax1.set_xlabel("$x$")
    ax1.set_ylabel("$y$")
    ax1.legend(loc="lower right", fontsize=8, framealpha=0.8)
    ax1.locator_params(nbins=5)  # fewer tick labels: text is most of a redraw's time

    lines = {act: ax2.plot(ns, err, color=CLASS_COLORS[i], marker=".", label=act)[0]
             for i, (act, err) in enumerate(errors.items())}
    (marker,) = ax2.plot([], [], marker="o", markersize=9, markerfacecolor="none", color="black",
                         linestyle="none")
    ax2.set_yscale("log")
    ax2.yaxis.set_minor_locator(NullLocator())  # fewer ticks, faster redraws
    ax2.set_xlabel("hidden units")
    ax2.set_ylabel("mean squared error")
    ax2.set_title("error vs width")
    ax2.legend(loc="upper right", fontsize=8, frameon=False)

    def update(width, activation):
        y_hat, contributions = model(width, activation)
        out.set_ydata(y_hat)
        for i, part in enumerate(parts):
            if i < width:
                part.set_ydata(contributions[:, i])
            part.set_visible(i < width)
        err = errors[activation][width - 1]
        marker.set_data([width], [err])
        for act, line in lines.items():
            line.set_linewidth(2.2 if act == activation else 1.0)
        ax1.set_title(f"{width} {activation} hidden unit{'s' if width > 1 else ''}: MSE = {err:.2g}")

    demo = Demo(fig, controls, update, title="universal approximation")
    freeze_layout(fig)
    keep_static(fig, [*parts, out, ax1.get_legend(), ax1.title, marker, *lines.values(), ax2.get_legend()])
    return demo


# --------------------------------------------------------------------- depth of a DAG

#: A small network with skip connections: (source, target) edges.
EXAMPLE_DAG = [("x1", "h1"), ("x2", "h1"), ("x1", "h2"), ("x2", "h2"), ("h1", "h3"), ("h2", "h3"),
               ("h3", "z"), ("x2", "z"), ("h1", "z")]


def _longest_paths(edges):
    """For each node of the DAG: the length of the longest path ending there and its predecessor."""
    nodes = list(dict.fromkeys(n for e in edges for n in e))
    preds = {n: [u for u, v in edges if v == n] for n in nodes}
    longest, best_pred, visiting = {}, {}, set()

    def visit(n):
        if n in longest:
            return longest[n]
        if n in visiting:
            raise ValueError(f"the graph has a cycle through {n!r}; depth needs a DAG")
        visiting.add(n)
        length, pred = 0, None
        for u in preds[n]:
            if visit(u) + 1 > length:
                length, pred = longest[u] + 1, u
        visiting.discard(n)
        longest[n], best_pred[n] = length, pred
        return length

    for n in nodes:
        visit(n)
    return longest, best_pred


def dag_depth(edges):
    """Length (in edges) of the longest path from a source to a sink, and one such path.

    ``edges``: (u, v) pairs of a directed acyclic graph. Raises ValueError on a cycle.
    """
    longest, best_pred = _longest_paths(edges)
    end = max(longest, key=longest.get)
    path = [end]
    while best_pred[path[-1]] is not None:
        path.append(best_pred[path[-1]])
    return longest[end], path[::-1]


def dag_figure(edges=EXAMPLE_DAG):
    """Draw a DAG in columns by longest distance from a source; highlight the longest path."""
    depth, path = dag_depth(edges)
    level, _ = _longest_paths(edges)
    columns = {}
    for n in level:
        columns.setdefault(level[n], []).append(n)
    pos = {n: (lvl, (len(col) - 1) / 2 - i) for lvl, col in columns.items() for i, n in enumerate(col)}
    on_path = set(zip(path, path[1:]))
    fig = new_figure(figsize=(6, 2.6))
    ax = fig.add_subplot()
    for u, v in edges:
        hot = (u, v) in on_path
        ax.annotate("", xy=pos[v], xytext=pos[u],
                    arrowprops=dict(arrowstyle="-|>", color=COLORS["none"] if hot else "0.6",
                                    linewidth=2.2 if hot else 1.0, shrinkA=13, shrinkB=13,
                                    connectionstyle="arc3,rad=0.15" if level[v] - level[u] > 1 else "arc3"))
    for n, (px, py) in pos.items():
        ax.plot(px, py, marker="o", markersize=24, color="white", markeredgecolor="black", zorder=3)
        ax.text(px, py, f"${n[0]}_{n[1:]}$" if len(n) > 1 else f"${n}$", ha="center", va="center", zorder=4)
    half = max(len(col) for col in columns.values()) / 2
    ax.set_xlim(-0.5, max(level.values()) + 0.5)
    ax.set_ylim(-half - 0.1, half + 0.1)
    ax.axis("off")
    ax.set_title(f"depth = longest path from a source to a sink = {depth} edges "
                 f"({' → '.join(path)})", fontsize=10)
    return fig

