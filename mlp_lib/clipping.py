r"""Gradient clipping (lecture: "Gradient Clipping by value" and "by norm").

By value, per component, with a minimum :math:`\beta` and a maximum :math:`\alpha`:
:math:`g_i \leftarrow \min(\max(g_i, \beta), \alpha)` — changes the direction of :math:`g`.

By norm, with threshold :math:`v`: if :math:`\lVert g\rVert > v`,
:math:`g \leftarrow v\, g/\lVert g\rVert` — keeps the direction, bounds the step.
:math:`\lVert g\rVert` is the *global* norm over all parameter arrays together.

``grads`` may be one array or a dict of arrays (e.g. ``model.grads``).
"""
from __future__ import annotations

import numpy as np

from ._validation import check_positive

__all__ = ["global_norm", "clip_by_value", "clip_by_norm", "ClipByValue", "ClipByNorm"]


def _values(grads):
    return list(grads.values()) if isinstance(grads, dict) else [np.asarray(grads)]


def global_norm(grads):
    r""":math:`\lVert g\rVert = \sqrt{\sum_\text{arrays}\sum_i g_i^2}`."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in _values(grads))))


def _check_bounds(min_value, max_value):
    if max_value is None or min_value is None:
        raise ValueError("max_value and min_value must be numbers")
    if not min_value <= max_value:
        raise ValueError(f"min_value (β) must be <= max_value (α), got β={min_value}, α={max_value}")


def clip_by_value(grads, min_value, max_value):
    """Return a clipped copy: every component limited to [min_value (β), max_value (α)]."""
    _check_bounds(min_value, max_value)
    if isinstance(grads, dict):
        return {k: np.clip(g, min_value, max_value) for k, g in grads.items()}
    return np.clip(np.asarray(grads, dtype=np.float64), min_value, max_value)


def clip_by_norm(grads, max_norm):
    """Return ``(clipped_copy, norm_before)``; scaled by ``max_norm/norm`` only if ``norm > max_norm``."""
    max_norm = check_positive(max_norm, "max_norm")
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    if isinstance(grads, dict):
        return {k: g * scale for k, g in grads.items()}, norm
    return np.asarray(grads, dtype=np.float64) * scale, norm


class ClipByValue:
    """In-place clipping by value for training; ``ClipByValue(1.0)`` clips to [-1, 1]."""

    def __init__(self, max_value, min_value=None):
        self.max_value = float(max_value)
        self.min_value = -self.max_value if min_value is None else float(min_value)
        _check_bounds(self.min_value, self.max_value)

    def __call__(self, grads):
        """Clip the arrays of ``grads`` in place; return the global norm before clipping."""
        norm = global_norm(grads)
        for g in _values(grads):
            np.clip(g, self.min_value, self.max_value, out=g)
        return norm

    def __repr__(self):
        return f"ClipByValue(max_value={self.max_value}, min_value={self.min_value})"


class ClipByNorm:
    """In-place clipping by global norm for training."""

    def __init__(self, max_norm):
        self.max_norm = check_positive(max_norm, "max_norm")

    def __call__(self, grads):
        """Rescale the arrays of ``grads`` in place; return the global norm before clipping."""
        norm = global_norm(grads)
        if norm > self.max_norm:
            for g in _values(grads):
                g *= self.max_norm / norm
        return norm

    def __repr__(self):
        return f"ClipByNorm(max_norm={self.max_norm})"
