r"""Gradient checking by central finite differences.

.. math:: \frac{\partial f}{\partial \theta_i} \approx \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}

compared with the analytic (backprop) gradient by the relative error
:math:`\lVert a - n\rVert / (\lVert a\rVert + \lVert n\rVert)`. In float64 with ``h = 1e-5``:
~1e-7 or smaller is right; ~1e-2 or larger is a bug.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "GradCheckResult", "check_model", "check_layer", "check_loss"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f()`` w.r.t. the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` reads it.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be a contiguous array that can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b, zero=1e-7):
    r""":math:`\lVert a-b\rVert / (\lVert a\rVert+\lVert b\rVert)`.

    When both gradients are essentially zero (:math:`\lVert a\rVert+\lVert b\rVert <` ``zero``, e.g.
    the bias of a Dense layer followed by BatchNorm) the ratio would only compare rounding
    noise, so the absolute difference :math:`\lVert a-b\rVert` is returned instead.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    diff = float(np.linalg.norm(a - b))
    return diff if denom < zero else diff / float(denom)


@dataclass
class GradCheckResult:
    """Relative error per checked array (keys like ``"0.W"`` or ``"x"``) and per layer."""

    errors: dict = field(default_factory=dict)
    analytic: dict = field(default_factory=dict)
    numeric: dict = field(default_factory=dict)

    @property
    def per_layer(self):
        """Largest relative error among each layer's arrays, keyed by the layer's index/name."""
        out = {}
        for key, err in self.errors.items():
            layer = key.rsplit(".", 1)[0] if "." in key else key
            out[layer] = max(err, out.get(layer, 0.0))
        return out

    @property
    def max_error(self):
        return max(self.errors.values(), default=0.0)

    def ok(self, tol=1e-7):
        return self.max_error < tol

    def worst(self):
        """The key with the largest relative error."""
        return max(self.errors, key=self.errors.get) if self.errors else None

    def __repr__(self):
        rows = [f"  {k:>10s}: {e:.2e}  {'ok' if e < 1e-6 else 'CHECK' if e < 1e-3 else 'WRONG'}"
                for k, e in self.errors.items()]
        return "GradCheckResult(relative errors\n" + "\n".join(rows) + "\n)"


def _as_float64(obj):
    """A float64 deep copy of a model/layer so checks do not disturb the original."""
    obj = copy.deepcopy(obj)
    layers = getattr(obj, "layers", [obj])
    for layer in layers:
        for d in (layer.params, layer.grads):
            for k in list(d):
                d[k] = np.asarray(d[k], dtype=np.float64).copy()
    return obj


def check_model(model, loss, X, y, h=1e-5, keys=None):
    """Compare backprop gradients of ``loss(model(X), y)`` with finite differences.

    The check runs on a float64 deep copy of ``model`` (BatchNorm running statistics of the
    original are untouched) in its current train/eval mode. ``keys`` limits it to some arrays.
    """
    model = _as_float64(model)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    state = _state(model)

    def f():
        _restore(model, state)
        return loss.forward(model.forward(X), y)

    f()
    model.backward(loss.backward())
    result = GradCheckResult()
    params, grads = model.params, model.grads
    for key in (keys if keys is not None else params):
        if key not in params:
            raise ValueError(f"keys: {key!r} is not a parameter of the model; have {sorted(params)}")
        analytic = np.array(grads[key], dtype=np.float64)
        numeric = numerical_gradient(f, params[key], h)
        result.errors[key] = relative_error(analytic, numeric)
        result.analytic[key], result.numeric[key] = analytic, numeric
    return result


def check_layer(layer, x, rng=0, h=1e-5):
    r"""Check one layer's backward: input gradient ``"x"`` and every parameter.

    Uses the scalar :math:`L = \sum (\mathrm{layer}(x) \odot r)` with a fixed random ``r``, so
    :math:`\partial L/\partial\,\mathrm{out} = r`.
    """
    layer = _as_float64(layer)
    x = np.array(x, dtype=np.float64)
    state = _state(layer)
    r = np.random.default_rng(rng).standard_normal(layer.forward(x).shape)

    def f():
        _restore(layer, state)
        return float(np.sum(layer.forward(x) * r))

    f()
    dx = layer.backward(r)
    result = GradCheckResult()
    arrays = {"x": (x, dx)}
    arrays.update({k: (layer.params[k], np.array(layer.grads[k])) for k in layer.params})
    for key, (arr, analytic) in arrays.items():
        numeric = numerical_gradient(f, arr, h)
        analytic = np.asarray(analytic, dtype=np.float64)
        if analytic.shape != numeric.shape:
            raise ValueError(f"the gradient for {key!r} has shape {analytic.shape}, expected {numeric.shape}")
        result.errors[key] = relative_error(analytic, numeric)
        result.analytic[key], result.numeric[key] = analytic, numeric
    return result


def check_loss(loss, pred, target, h=1e-5):
    """Check ``loss.backward()`` against finite differences of ``loss.forward`` w.r.t. ``pred``."""
    pred = np.array(pred, dtype=np.float64)
    loss.forward(pred, target)
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numerical_gradient(lambda: loss.forward(pred, target), pred, h)
    result = GradCheckResult()
    result.errors["pred"] = relative_error(analytic, numeric)
    result.analytic["pred"], result.numeric["pred"] = analytic, numeric
    return result


def _state(obj):
    """Copy of the non-parameter state (BatchNorm running statistics) to restore per evaluation."""
    layers = getattr(obj, "layers", [obj])
    return [(l, l.running_mean.copy(), l.running_var.copy()) for l in layers if hasattr(l, "running_mean")]


def _restore(obj, state):
    for layer, mean, var in state:
        layer.running_mean, layer.running_var = mean.copy(), var.copy()
