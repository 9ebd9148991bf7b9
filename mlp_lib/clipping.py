r"""Gradient clipping (lecture: "Gradient Clipping by value" and "by norm").

By value, per component, with a minimum :math:`\beta` and a maximum :math:`\alpha`:
:math:`g_i \leftarrow \min(\max(g_i, \beta), \alpha)` — changes the direction of :math:`g`.

By norm, with threshold :math:`v`: if :math:`\lVert g\rVert > v`,
:math:`g \leftarrow v\, g/\lVert g\rVert` — keeps the direction, bounds the step.
:math:`\lVert g\rVert` is the *global* norm over all parameter arrays together.

``grads`` may be one array or a dict of arrays (e.g. ``model.grads``). Two forms, with the
bounds in the same order:

* functions, for looking at a gradient: ``clip_by_value(g, min_value, max_value)`` and
  ``clip_by_norm(g, max_norm)`` both return a clipped copy of the same kind as ``g``;
* callables for training, ``ClipByValue(min_value, max_value)`` and ``ClipByNorm(max_norm)``:
  ``clip(grads)`` clips the arrays in place and returns the global norm before clipping.

Bounds come in the order of ``np.clip``: :math:`\beta` (min) before :math:`\alpha` (max). The norm
is computed without overflow: a gradient with entries of 1e200 is clipped to length :math:`v` in
its own direction, not to zeros.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_positive

__all__ = ["global_norm", "clip_by_value", "clip_by_norm", "ClipByValue", "ClipByNorm"]


def _values(grads):
    return list(grads.values()) if isinstance(grads, dict) else [np.asarray(grads)]


def _scaled_norm(grads):
    r"""``(m, r)`` with :math:`\lVert g\rVert = m\,r`: :math:`m = \max_i |g_i|`, :math:`r = \lVert g/m\rVert`.

    Squaring first overflows for entries above ~1e154 (float64; ~1e19 in float32) and gives
    :math:`\lVert g\rVert = \infty`; dividing by the largest entry first keeps every square in
    [0, 1] (LAPACK's ``nrm2`` does the same). The plain sum of squares is tried first: it is
    exact whenever it neither overflows nor underflows, which is the usual case.
    """
    arrays = _values(grads)
    with np.errstate(over="ignore", under="ignore"):
        total = sum(float(np.vdot(g, g)) for g in arrays)
    if 1e-290 < total < np.inf:
        return 1.0, float(np.sqrt(total))
    m = max((float(np.max(np.abs(g))) for g in arrays if g.size), default=0.0)
    if m == 0.0 or not np.isfinite(m):
        return m, float(m != 0.0)  # 0 for a zero gradient; inf or nan stay as they are
    with np.errstate(under="ignore"):
        r = np.sqrt(sum(float(np.vdot(g / m, g / m)) for g in arrays))
    return m, float(r)


def global_norm(grads):
    r""":math:`\lVert g\rVert = \sqrt{\sum_\text{arrays}\sum_i g_i^2}`, computed without overflow.

    It is ``inf`` only if the true norm exceeds the largest float (or ``g`` holds inf).
    """
    m, r = _scaled_norm(grads)
    with np.errstate(over="ignore"):
        return float(m * r)


def _check_bounds(min_value, max_value):
    """``(min_value, max_value)`` as floats, or a clear error."""
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value):
            raise TypeError(f"{name} must be a real number, got {value!r}")
    if not min_value <= max_value:
        raise ValueError(f"min_value (β) must be <= max_value (α), got β={min_value}, α={max_value}")
    return float(min_value), float(max_value)


def _norm_scale(m, r, max_norm):
    r"""The factor :math:`v/\lVert g\rVert` as ``(1/m) * (v/r)``, finite even when :math:`m r` overflows."""
    return (1.0 / m) * (max_norm / r)


def clip_by_value(grads, min_value, max_value):
    r"""Return a copy with every component limited to :math:`[\beta, \alpha]`.

    Parameters
    ----------
    grads : ndarray or dict of ndarray
    min_value : float
        :math:`\beta`, the smallest value a component may keep.
    max_value : float
        :math:`\alpha`, the largest.

    Returns
    -------
    ndarray or dict of ndarray, like ``grads`` (float64 for an array-like)
    """
    min_value, max_value = _check_bounds(min_value, max_value)
    if isinstance(grads, dict):
        return {k: np.clip(g, min_value, max_value) for k, g in grads.items()}
    return np.clip(np.asarray(grads, dtype=np.float64), min_value, max_value)


def clip_by_norm(grads, max_norm):
    r"""Return a copy scaled to norm ``max_norm`` (:math:`v`) if its global norm is larger.

    Returns
    -------
    ndarray or dict of ndarray, like ``grads``: :math:`v\,g/\lVert g\rVert` if
    :math:`\lVert g\rVert > v`, else an unchanged copy. (:func:`global_norm` gives the norm.)
    """
    max_norm = check_positive(max_norm, "max_norm")
    if not isinstance(grads, dict):
        grads = np.asarray(grads, dtype=np.float64)
    m, r = _scaled_norm(grads)
    scale = _norm_scale(m, r, max_norm) if m * r > max_norm else 1.0
    if isinstance(grads, dict):
        return {k: g * scale for k, g in grads.items()}
    return grads * scale


class ClipByValue:
    r"""In-place clipping by value for training: ``ClipByValue(-1.0, 1.0)`` clips to [-1, 1].

    Takes :math:`\beta` (``min_value``) and :math:`\alpha` (``max_value``) in the order of
    :func:`clip_by_value`.
    """

    def __init__(self, min_value, max_value):
        self.min_value, self.max_value = _check_bounds(min_value, max_value)

    def __call__(self, grads):
        """Clip the arrays of ``grads`` in place; return the global norm before clipping."""
        norm = global_norm(grads)
        for g in _values(grads):
            np.clip(g, self.min_value, self.max_value, out=g)
        return norm

    def __repr__(self):
        return f"ClipByValue({self.min_value}, {self.max_value})"


class ClipByNorm:
    """In-place clipping by global norm for training: ``ClipByNorm(5.0)``."""

    def __init__(self, max_norm):
        self.max_norm = check_positive(max_norm, "max_norm")

    def __call__(self, grads):
        """Rescale the arrays of ``grads`` in place; return the global norm before clipping."""
        m, r = _scaled_norm(grads)
        with np.errstate(over="ignore"):
            norm = float(m * r)
        if norm > self.max_norm:
            scale = _norm_scale(m, r, self.max_norm)
            for g in _values(grads):
                g *= scale
        return norm

    def __repr__(self):
        return f"ClipByNorm({self.max_norm})"
