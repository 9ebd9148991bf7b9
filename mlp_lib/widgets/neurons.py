r"""Lecture 00 — one neuron :math:`a = f(z)`, :math:`z = w\cdot x + b`, and its activation functions.

* :func:`neuron_diagrams`: a biological neuron next to an artificial one;
* :func:`activations_figure`: every activation of :mod:`mlp_lib.activations` with its derivative;
* :func:`neuron_demo`: activation, weight and bias controls driving one neuron's output over a
  1-D input and its output and decision line :math:`w\cdot x + b = 0` over a 2-D input.
"""
from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.patches import FancyArrowPatch

from ..activations import FUNCTIONS
from ..plotting import (COLORS, decision_line_points, draw_artificial_neuron, draw_biological_neuron,
                        freeze_layout, plot_activation)
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["ACTIVATIONS", "neuron_diagrams", "activations_figure", "neuron_demo"]

#: The activations of the lecture, in the order they are introduced.
ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "leaky_relu"]

# Output range shown for each activation: y-limits in 1-D, colour limits in 2-D.
_RANGE = {"step": (0.0, 1.0), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (-4.0, 4.0),
          "leaky_relu": (-4.0, 4.0)}
_YLIM = {"relu": (-1.2, 4.2), "leaky_relu": (-1.2, 4.2)}  # 1-D panel; others: the range + 15%


def neuron_diagrams():
    """A biological neuron (left) and the artificial neuron modelled on it (right)."""
    fig = new_figure(figsize=(10, 2.9))
    ax_bio, ax_art = fig.subplots(1, 2, width_ratios=[1.15, 1])
    draw_biological_neuron(ax=ax_bio)
    draw_artificial_neuron(ax=ax_art, n_inputs=3)
    ax_bio.set_title("a biological neuron", fontsize=10)
    ax_art.set_title("an artificial neuron", fontsize=10)
    return fig


def activations_figure(names=ACTIVATIONS, x=None):
    """One panel per activation: :math:`f` (solid) and :math:`f'` (dashed), same axes for all."""
    x = np.linspace(-4, 4, 401) if x is None else x
    fig = new_figure(figsize=(2.4 * len(names), 2.8))
    axes = fig.subplots(1, len(names), sharey=True)
    for ax, name in zip(np.atleast_1d(axes), names):
        plot_activation(name, ax=ax, x=x)
        ax.set_ylim(-1.3, 2.3)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.legend(frameon=False, fontsize=8, loc="upper left")
    np.atleast_1d(axes)[0].set_ylabel("value")
    fig.suptitle("Activation functions $f$ and their derivatives $f'$")
    return fig


def neuron_demo(activation="sigmoid", w1=1.5, w2=-1.0, b=0.5):
    r"""One neuron :math:`a = f(w_1x_1 + w_2x_2 + b)`.

    Left: the output over a 1-D input :math:`x` (uses :math:`w_1` and :math:`b`; the dotted
    line is the threshold :math:`x = -b/w_1`). Right: the output over the 2-D input plane, the
    decision line :math:`w\cdot x + b = 0` and the weight vector :math:`w` (normal to the line,
    pointing to where :math:`w\cdot x + b > 0`).
    """
    controls = {
        "activation": w.Dropdown(options=ACTIVATIONS, value=activation, description="f"),
        "w1": w.FloatSlider(value=w1, min=-3, max=3, step=0.1, description="w₁"),
        "w2": w.FloatSlider(value=w2, min=-3, max=3, step=0.1, description="w₂"),
        "b": w.FloatSlider(value=b, min=-3, max=3, step=0.1, description="b"),
    }
    fig = new_figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2)

    x = np.linspace(-4, 4, 401)
    (out_line,) = ax1.plot(x, np.zeros_like(x), color=COLORS["train"], linewidth=2, label="output $a$")
    (deriv_line,) = ax1.plot(x, np.zeros_like(x), color=COLORS["test"], linestyle="--",
                             label=r"$\partial a/\partial x$")
    threshold = ax1.axvline(0, color="black", linestyle=":", linewidth=1, label=r"$w_1x + b = 0$")
    ax1.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax1.set_xlim(x[0], x[-1])
    ax1.set_xlabel("input $x$")
    ax1.set_ylabel("output $a$")

    lim = (-3.0, 3.0)
    g = np.linspace(*lim, 81)  # enough for a smooth picture; a larger image costs every redraw
    x1, x2 = np.meshgrid(g, g)
    image = ax2.imshow(np.zeros_like(x1), origin="lower", extent=(*lim, *lim), cmap="coolwarm",
                       aspect="equal", interpolation="nearest")
    colorbar = fig.colorbar(image, ax=ax2, label="output $a$", shrink=0.9)
    (line,) = ax2.plot([], [], color="black", linewidth=1.5, label=r"$w\cdot x + b = 0$")
    arrow = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>", mutation_scale=14, color="black")
    ax2.add_patch(arrow)
    ax2.set_xlim(lim)
    ax2.set_ylim(lim)
    ax2.set_xlabel("$x_1$")
    ax2.set_ylabel("$x_2$")
    # legends under the panels: no data is ever drawn over them, so they stay in the static cache
    for ax, handles in ((ax1, [out_line, deriv_line, threshold]), (ax2, [line])):
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, fontsize=8, frameon=False)
    for ax in (ax1, ax2):
        ax.locator_params(nbins=5)  # fewer tick labels: text is most of a redraw's time

    def update(activation, w1, w2, b):
        f, df = FUNCTIONS[activation]
        lo, hi = _RANGE[activation]
        out_line.set_ydata(f(w1 * x + b))
        deriv_line.set_ydata(w1 * df(w1 * x + b))
        if w1 != 0:
            threshold.set_xdata([-b / w1, -b / w1])
        threshold.set_visible(w1 != 0)
        pad = 0.15 * (hi - lo)
        ax1.set_ylim(_YLIM.get(activation, (lo - pad, hi + pad)))
        # plain-text titles: mathtext is re-parsed whenever the text changes (slow)
        ax1.set_title(f"1-D input: a = {activation}({w1:.1f}·x {'−' if b < 0 else '+'} {abs(b):.1f})")

        image.set_data(f(w1 * x1 + w2 * x2 + b))
        # white = the decision level (0.5 for step/sigmoid, 0 for the others)
        image.set_clim(lo, hi)
        colorbar.set_ticks([lo, (lo + hi) / 2, hi])
        line.set_data(*decision_line_points((w1, w2), b, lim, lim))
        norm2 = w1 * w1 + w2 * w2
        if norm2 > 0:
            foot = -b * np.array([w1, w2]) / norm2  # point of the line closest to the origin
            arrow.set_positions(tuple(foot), tuple(foot + np.array([w1, w2]) / np.sqrt(norm2)))
        arrow.set_visible(norm2 > 0)
        ax2.set_title(f"2-D input: w = ({w1:.1f}, {w2:.1f}), b = {b:.1f}")

    demo = Demo(fig, controls, update, title="one neuron")
    demo.update(activation="tanh")  # lay out with the widest tick labels (−1.0), then keep it
    freeze_layout(fig)
    demo.update(activation=activation)
    keep_static(fig, [out_line, deriv_line, threshold, ax1.title, image, line, arrow, ax2.title])
    return demo
