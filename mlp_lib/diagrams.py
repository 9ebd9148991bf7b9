r"""Diagrams of the lectures, drawn with matplotlib (exported by :mod:`mlp_lib.plotting`).

* :func:`draw_biological_neuron`: dendrites, cell body, axon and synapses;
* :func:`draw_artificial_neuron`: inputs, weights, the sum :math:`z = w\cdot x + b` and :math:`a = f(z)`;
* :func:`draw_mlp`: a multi-layer perceptron with input units :math:`X_i`, hidden units :math:`Y_j`,
  output units :math:`Z_k` and the bias units (outputs always 1) that feed every layer;
* :func:`draw_computational_graph`: one sigmoid neuron with a squared error as a graph of
  operations, forward values above the edges and back-propagated gradients below, with the rule
  *downstream gradient = upstream gradient × local gradient* worked out at one node.

Each takes ``ax=None`` (a new pyplot-free Figure is made) and returns a dict of what it drew
(and, for the graph, the numbers it shows), so tests can check the picture and its maths.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch

__all__ = ["draw_biological_neuron", "draw_artificial_neuron", "draw_mlp", "draw_computational_graph"]

FORWARD, BACKWARD, BIAS = "black", "#d62728", "#7f7f7f"


def _axes(ax, figsize):
    if ax is None:
        ax = Figure(figsize=figsize, layout="constrained").add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _arrow(ax, start, end, color=FORWARD, shrink=0.0, **kw):
    """An arrow from ``start`` to ``end`` (data coordinates), shortened by ``shrink`` at both ends."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    unit = (end - start) / max(np.linalg.norm(end - start), 1e-12)
    return ax.annotate("", xy=tuple(end - shrink * unit), xytext=tuple(start + shrink * unit),
                       arrowprops=dict(arrowstyle="-|>", color=color, lw=1.2, **kw))


def draw_biological_neuron(ax=None):
    """A schematic biological neuron. Returns ``{"ax", "labels"}`` (the label texts, left to right)."""
    ax = _axes(ax, (6, 2.6))
    gen = np.random.default_rng(3)  # fixed branching: the same picture every time
    ax.add_patch(Ellipse((0, 0), 1.3, 1.0, color="#f2c6a0", ec="#b5651d", lw=1.5, zorder=2))  # soma
    ax.add_patch(Circle((0.05, 0.05), 0.18, color="#b5651d", alpha=0.6, zorder=3))  # nucleus
    for angle in np.linspace(110, 250, 5):  # dendrites: branching towards the left
        a = np.deg2rad(angle)
        trunk = np.array([np.cos(a), np.sin(a)]) * np.array([1.5, 1.1])
        ax.plot([0.5 * np.cos(a), trunk[0]], [0.45 * np.sin(a), trunk[1]], color="#b5651d", lw=2.2, zorder=1)
        for da in (-0.35, 0.35):
            tip = trunk + 0.5 * np.array([np.cos(a + da), np.sin(a + da)]) + gen.normal(0, 0.05, 2)
            ax.plot([trunk[0], tip[0]], [trunk[1], tip[1]], color="#b5651d", lw=1.2, zorder=1)
    ax.plot([0.65, 4.2], [0, 0], color="#b5651d", lw=2.5, zorder=1)  # axon
    for x0 in np.arange(1.0, 3.8, 0.7):  # myelin sheath
        ax.add_patch(FancyBboxPatch((x0, -0.11), 0.5, 0.22, boxstyle="round,pad=0.02", color="#f7e3c3",
                                    ec="#b5651d", zorder=2))
    for dy in (-0.45, 0.0, 0.45):  # axon terminals and their synapses
        ax.plot([4.2, 4.8], [0, dy], color="#b5651d", lw=1.5)
        ax.add_patch(Circle((4.85, dy), 0.08, color="#b5651d", zorder=3))
    labels = [ax.text(-1.4, -1.45, "dendrites\n(inputs from other neurons)", ha="center", fontsize=9),
              ax.text(0, 0.75, "cell body\n(adds the signals up)", ha="center", fontsize=9),
              ax.text(2.4, -0.55, "axon (fires when the total is high enough)", ha="center", fontsize=9),
              ax.text(4.9, 0.65, "synapses\n(strength = weight)", ha="center", fontsize=9)]
    ax.set_xlim(-2.4, 5.6)
    ax.set_ylim(-1.6, 1.35)
    return {"ax": ax, "labels": [t.get_text() for t in labels]}


def draw_artificial_neuron(ax=None, n_inputs=3):
    r"""One artificial neuron :math:`a = f(z)`, :math:`z = \sum_i w_i x_i + b`. The bias is the weight of
    an input that is always 1. Returns ``{"ax", "inputs", "labels"}``."""
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, (int, np.integer)) or not 1 <= n_inputs <= 6:
        raise ValueError(f"n_inputs must be an integer from 1 to 6, got {n_inputs!r}")
    ax = _axes(ax, (6, 2.8))
    ys = np.linspace(1.2, -0.8, n_inputs) if n_inputs > 1 else np.array([0.4])
    names = [f"$x_{i + 1}$" for i in range(n_inputs)] + ["1"]
    points = [(0.0, y) for y in ys] + [(0.0, -1.7)]
    sum_at, f_at = (2.4, 0.0), (4.0, 0.0)
    for i, ((px, py), name) in enumerate(zip(points, names)):
        bias = name == "1"
        ax.add_patch(Circle((px, py), 0.25, fc="white", ec=BIAS if bias else FORWARD, zorder=3))
        ax.text(px, py, name, ha="center", va="center", fontsize=10, zorder=4)
        _arrow(ax, (px, py), sum_at, color=BIAS if bias else FORWARD, shrink=0.3)
        frac = 0.3 if bias else 0.45
        ax.text(px + frac * (sum_at[0] - px), py + frac * (sum_at[1] - py) + 0.12,
                "$b$" if bias else f"$w_{i + 1}$", ha="center", fontsize=10, color=BIAS if bias else FORWARD)
    ax.add_patch(Circle(sum_at, 0.42, fc="#e8f0fb", ec=FORWARD, zorder=3))
    ax.text(*sum_at, r"$\Sigma$", ha="center", va="center", fontsize=14, zorder=4)
    ax.add_patch(FancyBboxPatch((f_at[0] - 0.35, -0.3), 0.7, 0.6, boxstyle="round,pad=0.05", fc="#fdf0e0",
                                ec=FORWARD, zorder=3))
    ax.text(*f_at, "$f$", ha="center", va="center", fontsize=13, zorder=4)
    _arrow(ax, sum_at, f_at, shrink=0.45)
    ax.text(3.2, 0.15, "$z$", ha="center", fontsize=10)
    _arrow(ax, f_at, (5.6, 0.0), shrink=0.45)
    labels = [ax.text(0, 1.65, "inputs", ha="center", fontsize=9),
              ax.text(sum_at[0], 0.65, r"$z = \sum_i w_i x_i + b$", ha="center", fontsize=10),
              ax.text(f_at[0], 0.5, "activation", ha="center", fontsize=9),
              ax.text(5.75, 0.0, "$a = f(z)$", va="center", fontsize=10)]
    ax.set_xlim(-0.5, 6.8)
    ax.set_ylim(-2.1, 2.0)
    return {"ax": ax, "inputs": names, "labels": [t.get_text() for t in labels]}


def draw_mlp(sizes=(2, 3, 1), ax=None, bias=True, names=("X", "Y", "Z"), show_weights=True):
    r"""A fully connected network: column l holds the ``sizes[l]`` units of layer l, named
    :math:`X_i` (inputs), :math:`Y_j` (hidden) and :math:`Z_k` (outputs) as in the lecture (with more
    hidden layers they are numbered :math:`Y^{1}, Y^{2}, \ldots`). With ``bias``, a unit "1" on top of every
    layer but the last feeds the next layer (dashed): its weights are the biases. Returns
    ``{"ax", "units", "edges", "bias_edges"}`` (unit labels by layer, edge counts)."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1 or max(sizes) > 8:
        raise ValueError(f"sizes must list at least 2 layers of 1 to 8 units, got {list(sizes)}")
    ax = _axes(ax, (1.9 * len(sizes) + 1, 3.2))
    top = max(sizes) / 2 + 0.2
    pos = [[(2.2 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    bias_pos = [(2.2 * l, top + 0.6) for l in range(len(sizes) - 1)]
    hidden = len(sizes) - 2
    units, edges, bias_edges = [], 0, 0
    for l, layer in enumerate(pos):
        if l == 0:
            letter = names[0]
        elif l == len(sizes) - 1:
            letter = names[2]
        else:
            letter = names[1] + (f"^{{{l}}}" if hidden > 1 else "")
        units.append([f"${letter}_{{{i + 1}}}$" for i in range(len(layer))])
        for (px, py), label in zip(layer, units[-1]):
            ax.add_patch(Circle((px, py), 0.3, fc="white", ec=FORWARD, lw=1.2, zorder=3))
            ax.text(px, py, label, ha="center", va="center", fontsize=10, zorder=4)
        if l == 0:
            continue
        for src in pos[l - 1]:
            for dst in layer:
                ax.plot([src[0] + 0.3, dst[0] - 0.3], [src[1], dst[1]], color="0.55", lw=0.9, zorder=1)
                edges += 1
        if bias:
            bx, by = bias_pos[l - 1]
            for dst in layer:
                ax.plot([bx + 0.25, dst[0] - 0.3], [by, dst[1]], color=BIAS, lw=0.9, ls="--", zorder=1)
                bias_edges += 1
    if bias:
        for bx, by in bias_pos:
            ax.add_patch(FancyBboxPatch((bx - 0.22, by - 0.22), 0.44, 0.44, boxstyle="round,pad=0.02",
                                        fc="#eeeeee", ec=BIAS, zorder=3))
            ax.text(bx, by, "1", ha="center", va="center", fontsize=10, zorder=4)
    if show_weights:
        (x0, y0), (x1, y1) = pos[0][0], pos[1][0]
        ax.text(x0 + 0.3 * (x1 - x0), y0 + 0.3 * (y1 - y0) + 0.12, "$W^{1}_{11}$", ha="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"), zorder=5)
        if bias:
            bx, by = bias_pos[0]
            ax.text(bx + 0.25 * (x1 - bx), by + 0.25 * (y1 - by) + 0.15, "$b^{1}_{1}$", ha="center", fontsize=9,
                    color=BIAS, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"), zorder=5)
    titles = ["inputs"] + [f"hidden layer {l}" if hidden > 1 else "hidden layer" for l in range(1, hidden + 1)]
    for l, title in enumerate(titles + ["outputs"]):
        ax.text(2.2 * l, -top - 0.35, title, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.7, 2.2 * (len(sizes) - 1) + 0.7)
    ax.set_ylim(-top - 0.9, top + 1.0)
    return {"ax": ax, "units": units, "edges": edges, "bias_edges": bias_edges}


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def draw_computational_graph(x=1.5, w=0.8, b=-0.5, t=1.0, ax=None):
    r"""One sigmoid neuron and its squared error as a graph of operations:
    :math:`u = w x`, :math:`z = u + b`, :math:`a = \mathrm{sigmoid}(z)`, :math:`E = \tfrac12(a - t)^2`.

    Above each edge its forward value (black), below it :math:`\partial E/\partial(\cdot)` (red), each
    computed backwards as upstream gradient × local gradient; the sigmoid node shows that product.
    Returns ``{"ax", "values", "grads"}`` with the numbers drawn (keys ``x, w, b, u, z, a, E``).
    """
    x, w, b, t = (float(v) for v in (x, w, b, t))
    u = w * x
    z = u + b
    a = _sigmoid(z)
    E = 0.5 * (a - t) ** 2
    values = {"x": x, "w": w, "b": b, "u": u, "z": z, "a": a, "E": E}
    dE_da = a - t  # local gradient of E = ½(a − t)²
    dE_dz = dE_da * a * (1 - a)  # × local gradient of the sigmoid
    grads = {"E": 1.0, "a": dE_da, "z": dE_dz, "u": dE_dz, "b": dE_dz, "w": dE_dz * x, "x": dE_dz * w}
    ax = _axes(ax, (10, 3.4))
    boxes = {"mul": ((2.6, 0), r"$\times$", 0.35), "add": ((5.4, 0), "$+$", 0.35),
             "sig": ((8.2, 0), "sigmoid", 0.7), "loss": ((11.2, 0), r"$\frac{1}{2}(a-t)^2$", 0.75)}
    for (px, py), label, half in boxes.values():
        ax.add_patch(FancyBboxPatch((px - half, py - 0.35), 2 * half, 0.7, boxstyle="round,pad=0.05",
                                    fc="#e8f0fb", ec=FORWARD, zorder=3))
        ax.text(px, py, label, ha="center", va="center", fontsize=10, zorder=4)
    leaves = {"x": (0.4, 1.0), "w": (0.4, -1.0), "b": (3.6, -1.4)}  # inputs and parameters
    for var, (px, py) in leaves.items():
        ax.text(px, py, f"${var}$", ha="center", va="center", fontsize=12, zorder=4,
                bbox=dict(boxstyle="circle,pad=0.25", fc="white", ec=FORWARD))
        ax.text(px - 0.35, py, f"${var} = {values[var]:.3g}$", ha="right", va="bottom", fontsize=9)
        ax.text(px - 0.35, py, rf"$\partial E/\partial {var} = {grads[var]:.3g}$", ha="right", va="top",
                fontsize=9, color=BACKWARD)
    _arrow(ax, leaves["x"], (2.25, 0.15), shrink=0.3)
    _arrow(ax, leaves["w"], (2.25, -0.15), shrink=0.3)
    _arrow(ax, leaves["b"], (5.1, -0.3), shrink=0.3)
    chain = [(2.95, 5.05, "u"), (5.75, 7.5, "z"), (8.9, 10.45, "a"), (11.95, 13.1, "E")]
    for x0, x1, var in chain:  # the main path, left to right
        _arrow(ax, (x0, 0), (x1, 0))
        ax.text(0.5 * (x0 + x1), 0.1, f"${var} = {values[var]:.3g}$", ha="center", va="bottom", fontsize=9)
        ax.text(0.5 * (x0 + x1), -0.1, rf"$\partial E/\partial {var} = {grads[var]:.3g}$", ha="center",
                va="top", fontsize=9, color=BACKWARD)
    ax.text(8.2, 0.75, "downstream = upstream × local:\n"
            rf"$\partial E/\partial z = \partial E/\partial a \cdot a(1-a)"
            rf" = {dE_da:.3g} \times {a * (1 - a):.3g} = {dE_dz:.3g}$",
            ha="center", va="bottom", fontsize=9, color=BACKWARD,
            bbox=dict(boxstyle="round,pad=0.3", fc="#fdecea", ec=BACKWARD))
    ax.text(11.2, -0.75, f"target $t = {t:g}$", ha="center", va="top", fontsize=9)
    ax.text(6.6, -1.9, "forward values above the edges (black), gradients $\\partial E/\\partial(\\cdot)$ "
            "below (red), computed from right to left", ha="center", fontsize=8.5, color="0.3")
    ax.set_xlim(-1.9, 13.4)
    ax.set_ylim(-2.2, 1.9)
    return {"ax": ax, "values": values, "grads": grads}
