"""Exercises and quiz of lecture 05 — gradient clipping."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from . import exercise
from .quiz import Quiz

__all__ = ["G", "GRADS", "check_value_clip_direction", "check_largest_steps", "check_global_norm",
           "quiz_value_clipping"]

#: Exercise 5.1: a gradient to clip by value to [-1, 1].
G = np.array([3.0, 0.5])
#: Exercise 5.3: the gradients of a tiny network, one array per parameter.
GRADS = {"W": np.array([[3.0, 0.0], [0.0, 4.0]]), "b": np.array([12.0])}


def _angle(v):
    return float(np.degrees(np.arctan2(v[1], v[0])))


@exercise("5.1", "what clipping by value does to the direction")
def check_value_clip_direction(clipped, angle_change):
    """:data:`G` clipped to [-1, 1] per component, and the change of its direction in degrees."""
    expected = np.clip(G, -1.0, 1.0)
    check_array("clipped", clipped, expected, hint="each component into [β, α] = [−1, 1]: np.clip(g, -1, 1)")
    change = _angle(expected) - _angle(G)
    if np.ndim(angle_change) == 0 and np.isclose(abs(float(angle_change)), np.radians(abs(change)), rtol=1e-3):
        raise AssertionError("angle_change should be in degrees: np.degrees(...) of the difference in radians")
    check_array("angle_change", abs(np.asarray(angle_change, dtype=float)), abs(change), atol=0.05,
                hint="the direction of a 2-D vector v is np.arctan2(v[1], v[0]); compare clipped and g")
    return f"Clipping by value turned the gradient by {abs(change):.1f}°, towards the diagonal."


@exercise("5.2", "the largest step")
def check_largest_steps(by_norm, by_value):
    """Longest possible step η·‖clip(g)‖ with η = 0.3 and threshold 1 (α = −β = v = 1), in 2-D."""
    check_array("by_norm", by_norm, 0.3, hint="after clipping by norm ‖g‖ ≤ v = 1, so the step is at most η v")
    check_array("by_value", by_value, 0.3 * np.sqrt(2),
                hint="after clipping by value each of the 2 components is in [−1, 1]: ‖g‖ ≤ √2")
    return "The descents on the wall take exactly these largest steps (next cell)."


@exercise("5.3", "the norm over all parameters")
def check_global_norm(norm, scale):
    """The global norm of :data:`GRADS` and the factor that ClipByNorm(5) multiplies every gradient by."""
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in GRADS.values())))
    per_array = [float(np.linalg.norm(g)) for g in GRADS.values()]
    if np.ndim(norm) == 0 and any(np.isclose(float(norm), p) for p in per_array):
        raise AssertionError("that is the norm of one array: the global norm takes every entry of every array")
    check_array("norm", norm, total, hint="√(sum of the squares of all entries of W and b)")
    check_array("scale", scale, 5.0 / total, hint="if ‖g‖ > v, g ← g · v/‖g‖: every array by the same v/‖g‖")
    return "One factor for all arrays: the whole gradient keeps its direction."


def quiz_value_clipping():
    return Quiz("The gradient $g = (10, 1)$ is clipped by value to $[-1, 1]$. What happens to its direction?",
                [("Nothing: clipping only changes the length.",
                  "That is clipping by norm. By value, each component is cut on its own: (10, 1) becomes (1, 1)."),
                 ("It turns from about 6° to 45°: the step goes along the diagonal.",
                  "Right: (10, 1) points at 5.7°, the clipped (1, 1) at 45°. Whenever one component is cut more "
                  "than another, the direction changes."),
                 ("It flips: the step goes uphill.",
                  "Clipping never changes a component's sign, so the step still goes downhill in every "
                  "coordinate; only the direction within that quadrant changes.")], answer=1)
