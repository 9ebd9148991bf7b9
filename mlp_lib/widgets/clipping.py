r"""Lecture 05 — gradient clipping on a loss surface with a steep wall.

The surface, a bowl whose minimum lies behind a steep wall (a simple stand-in for the narrow
"cliffs" of Goodfellow et al., §10.11.1, Fig. 10.17, with the same effect on a gradient step):

.. math::
    L(\theta) = \tfrac12\lVert\theta - m\rVert^2 + \frac{C}{k}\log\big(1 + e^{k\,(n\cdot\theta - c)}\big)

The second term is 0 on the near side of the line :math:`n\cdot\theta = c` and rises with slope
:math:`C` behind it, a ramp over the whole half-plane whose gradient :math:`\approx C\,n` is huge. A
gradient step that lands on it is thrown a distance :math:`\eta C` away (:math:`\eta` = ``lr``). Clipping
bounds the step (lecture notation):

* by value, per component, to :math:`[\beta, \alpha]` — changes the direction of :math:`g`;
* by norm: if :math:`\lVert g\rVert > v`, :math:`g \leftarrow v\,g/\lVert g\rVert` — keeps it.

The clipping itself is :func:`mlp_lib.clipping.clip_by_value` / :func:`~mlp_lib.clipping.clip_by_norm`.
"""
from __future__ import annotations

import warnings

import ipywidgets as w
import numpy as np
from matplotlib.patches import Circle, Rectangle
from matplotlib.ticker import MaxNLocator

from .. import init as _init
from .._validation import check_seed
from ..clipping import ClipByNorm, ClipByValue, clip_by_norm, clip_by_value
from ..datasets import digits
from ..losses import SoftmaxCrossEntropy
from ..plotting import COLORS, freeze_labels, freeze_layout, plot_loss_contour
from ..train import TrainingDivergedWarning, fit
from ._base import Demo, new_figure
from ._static import keep_static
from .saturation import deep_mlp

__all__ = ["CLIFF", "cliff_loss", "cliff_grad", "descend", "clipped_gradients", "clipping_demo",
           "clipped_training_runs"]

#: Parameters of the cliff surface: bowl centre m, wall normal n (unit), offset c, slope C, sharpness k.
CLIFF = {"m": (1.5, 0.5), "angle": 25.0, "c": 0.0, "C": 20.0, "k": 20.0}
_N = np.array([np.cos(np.deg2rad(CLIFF["angle"])), np.sin(np.deg2rad(CLIFF["angle"]))])
START = (-3.5, 2.5)
POINT = (-0.3, 1.0)  # a point on the wall where the three gradients are compared
XLIM, YLIM = (-5.0, 2.5), (-2.0, 3.5)
METHODS = {"none": "no clipping", "value": "by value", "norm": "by norm"}


def _wall_coordinate(t1, t2):
    return _N[0] * t1 + _N[1] * t2 - CLIFF["c"]


def cliff_loss(t1, t2):
    """The loss at :math:`(\\theta_1, \\theta_2)`; works elementwise on grids."""
    m, C, k = CLIFF["m"], CLIFF["C"], CLIFF["k"]
    bowl = 0.5 * ((t1 - m[0]) ** 2 + (t2 - m[1]) ** 2)
    return bowl + C / k * np.logaddexp(0.0, k * _wall_coordinate(t1, t2))


def cliff_grad(theta):
    r""":math:`\nabla L(\theta) = \theta - m + C\,\mathrm{sigmoid}(k(n\cdot\theta - c))\,n` for one point (2,)."""
    theta = np.asarray(theta, dtype=float)
    u = CLIFF["k"] * _wall_coordinate(*theta)
    return theta - np.asarray(CLIFF["m"]) + CLIFF["C"] * np.exp(-np.logaddexp(0.0, -u)) * _N


def clipped_gradients(g, threshold):
    """``{"none": g, "value": g clipped to [-threshold, threshold], "norm": g with norm <= threshold}``."""
    g = np.asarray(g, dtype=float)
    return {"none": g, "value": clip_by_value(g, -threshold, threshold), "norm": clip_by_norm(g, threshold)}


def descend(start=START, lr=0.2, steps=30, clip="none", threshold=1.0):
    r"""Gradient descent :math:`\theta \leftarrow \theta - \eta\,\mathrm{clip}(g)` on the cliff surface.
    ``clip``: "none", "value" (to [-threshold, threshold]) or "norm" (to ``threshold``).
    Returns the path, an array (steps + 1, 2)."""
    if clip not in METHODS:
        raise ValueError(f"clip must be one of {sorted(METHODS)}, got {clip!r}")
    path = np.empty((steps + 1, 2))
    path[0] = start
    for i in range(steps):
        g = clipped_gradients(cliff_grad(path[i]), threshold)[clip]
        path[i + 1] = path[i] - lr * g  # θ ← θ − η g
    return path


def clipping_demo(threshold=1.0, lr=0.3, steps=30):
    """Left: the three descents over the loss contour. Middle: loss per step. Right: at the point ★
    on the wall, the raw gradient and its value- and norm-clipped versions, in units of the
    threshold (box: [β, α]², circle: ‖g‖ = v)."""
    controls = {"threshold": w.FloatSlider(value=threshold, min=0.25, max=5.0, step=0.25,
                                           description="α = −β = v"),
                "lr": w.FloatSlider(value=lr, min=0.05, max=0.5, step=0.05, description="η")}
    fig = new_figure(figsize=(9, 3.5))
    ax_p, ax_l, ax_g = fig.subplots(1, 3, width_ratios=[1.3, 1, 0.9])

    plot_loss_contour(cliff_loss, XLIM, YLIM, ax=ax_p, resolution=150, levels=25, title=f"descents ({steps} steps)")
    ax_p.title.set_fontsize(10)
    wall = np.linspace(*YLIM, 2)
    ax_p.plot((CLIFF["c"] - _N[1] * wall) / _N[0], wall, color="black", linewidth=2)
    ax_p.text(0.75, 3.0, "wall", fontsize=9, fontweight="bold")
    ax_p.plot(*POINT, marker="*", color="white", markeredgecolor="black", markersize=12, linestyle="none")
    ax_p.plot(*START, marker="s", color="white", markeredgecolor="black", markersize=7, linestyle="none")
    paths, curves = {}, {}
    for key, label in METHODS.items():
        (paths[key],) = ax_p.plot([], [], marker="o", markersize=2.5, linewidth=1.3, color=COLORS[key])
        (curves[key],) = ax_l.plot([], [], color=COLORS[key], linewidth=1.5, label=label)
    ax_p.set_xlim(XLIM)
    ax_p.set_ylim(YLIM)
    far = ax_p.text(0.02, 0.02, "", transform=ax_p.transAxes, fontsize=8, color=COLORS["none"],
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
    ax_l.set_yscale("log")
    ax_l.set_xlim(0, steps)
    ax_l.set_xlabel("step")
    ax_l.set_ylabel("L(θ)")
    ax_l.set_title("loss per step", fontsize=10)
    ax_l.legend(frameon=False, fontsize=8, loc="upper right")
    for ax in (ax_p, ax_l):  # few tick labels: text is most of a redraw's time
        ax.xaxis.set_major_locator(MaxNLocator(4))
    ax_p.yaxis.set_major_locator(MaxNLocator(4))

    box = Rectangle((-1, -1), 2, 2, fill=False, edgecolor=COLORS["value"], linestyle="--", label="[β, α]²")
    ring = Circle((0, 0), 1, fill=False, edgecolor=COLORS["norm"], linestyle="--", label="‖g‖ = v")
    ax_g.add_patch(box)
    ax_g.add_patch(ring)
    g_raw = cliff_grad(POINT)
    shown = 1.35 * np.sqrt(2) * g_raw / np.linalg.norm(g_raw)  # the raw gradient is far too long: cut
    ax_g.plot([0, 3 * shown[0]], [0, 3 * shown[1]], color=COLORS["none"], linestyle=":", linewidth=1)
    arrows = ax_g.quiver(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3), color=[COLORS[k] for k in METHODS],
                         angles="xy", scale_units="xy", scale=1, width=0.015, zorder=3)
    ax_g.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax_g.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    ax_g.set_aspect("equal")
    ax_g.set_xlim(-1.6, 1.6)
    ax_g.set_ylim(-1.6, 1.6)
    ax_g.set_xticks([-1, 0, 1], ["−v", "0", "v"])
    ax_g.set_yticks([-1, 0, 1], ["−v", "0", "v"])
    ax_g.set_xlabel("$g_1$")
    ax_g.set_ylabel("$g_2$")
    ax_g.legend(handles=[box, ring], frameon=False, fontsize=7, loc="lower right")
    ax_g.set_title(f"gradients at ★ (‖g‖ = {np.linalg.norm(g_raw):.0f})", fontsize=10)

    def update(threshold, lr):
        for key in METHODS:
            path = descend(START, lr, steps, key, threshold)
            paths[key].set_data(path[:, 0], path[:, 1])
            if key == "none":
                i = np.argmax(np.linalg.norm(path - np.asarray(CLIFF["m"]), axis=1))  # farthest point
                out = not (XLIM[0] <= path[i, 0] <= XLIM[1] and YLIM[0] <= path[i, 1] <= YLIM[1])
                far.set_text(f"thrown to ({path[i, 0]:.1f}, {path[i, 1]:.1f})" if out else "")
            curves[key].set_data(np.arange(steps + 1), cliff_loss(path[:, 0], path[:, 1]))
        all_losses = np.concatenate([c.get_ydata() for c in curves.values()])
        low, high = np.floor(np.log10(all_losses.min() / 2)), np.ceil(np.log10(all_losses.max() * 2))
        ax_l.set_ylim(10.0 ** low, 10.0 ** high)  # whole decades: the axis (and its cache) rarely changes
        g = clipped_gradients(g_raw, threshold)
        vectors = np.array([shown * threshold, g["value"], g["norm"]]) / threshold  # in units of v
        arrows.set_UVC(vectors[:, 0], vectors[:, 1])

    update(threshold, lr)
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [*paths.values(), far, *curves.values(), ax_l.get_legend(), arrows])
    return Demo(fig, controls, update, title="gradient clipping")


def clipped_training_runs(epochs=5, sigma=0.5, lr=0.02, rng=0):
    r"""Notebook 04's exploding net (10-layer ReLU, :math:`\mathcal N(0, \sigma^2)` weights, digits)
    trained without clipping, with ``ClipByValue(-1, 1)`` and with ``ClipByNorm(5)``, and, for
    comparison, the same net with He weights and no clipping.
    Returns ``{label: History}``; the unclipped run stops with a nan message. ``rng`` (None,
    int or Generator) gives one seed, the same for every run."""
    seed = check_seed(rng)
    X_train, X_test, y_train, y_test = digits(rng=seed)
    runs = {}
    for label, init, clip in ((f"N(0, {sigma}²), no clipping", _init.normal(sigma), None),
                              (f"N(0, {sigma}²), ClipByValue(-1, 1)", _init.normal(sigma), ClipByValue(-1.0, 1.0)),
                              (f"N(0, {sigma}²), ClipByNorm(5)", _init.normal(sigma), ClipByNorm(5.0)),
                              ("He, no clipping", _init.he(), None)):
        model = deep_mlp(10, "relu", 32, init=init, rng=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainingDivergedWarning)
            runs[label] = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=lr, epochs=epochs,
                              batch_size=64, clip=clip, rng=seed, progress=False, validation_data=(X_test, y_test))
    return runs
