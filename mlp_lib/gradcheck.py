r"""Gradient checking by central finite differences.

.. math:: \frac{\partial f}{\partial \theta_i} \approx \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h}

compared with the analytic (backprop) gradient by the relative error
:math:`\lVert a - n\rVert / (\lVert a\rVert + \lVert n\rVert)`. In float64 with ``h = 1e-5``:
~1e-7 or smaller is right; ~1e-2 or larger is a bug.

As in CS231n's ``eval_numerical_gradient``, each entry of the array the layer actually reads is
perturbed in place and restored. :func:`check_layer` and :func:`check_model` work on a float64
deep copy of the layer or model, so the original is never disturbed; in that copy a parameter
array stays one object wherever the layer refers to it (``self.W is self.params["W"]`` holds in
the copy too), so a perturbation of ``params["W"]`` is what ``forward`` sees.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "GradCheckResult", "check_model", "check_layer", "check_loss"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f()`` w.r.t. the array ``x``.

    Each entry of ``x`` is perturbed in place (``f`` reads ``x``), one at a time, and restored.
    The step is the one actually stored, ``x[i] + h`` and ``x[i] - h`` rounded to ``x``'s dtype;
    ``h = 1e-5`` suits float64 (in float32 the function values carry ~1e-7 relative rounding,
    so prefer float64 arrays, as :func:`check_layer` does).
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x must be a floating-point numpy array perturbed in place, got {type(x).__name__}")
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus, f_plus = x[i], f()
        x[i] = old - h
        minus, f_minus = x[i], f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (float(plus) - float(minus))
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


def _float64_copy(obj):
    """A deep copy of a layer or model whose parameter and gradient arrays are all float64.

    One ``copy.deepcopy`` whose memo maps each original array to its float64 copy: every
    reference to an array (in ``params``, in ``grads`` or as another attribute) leads to the same
    copy, so aliases survive and a float32 layer computes in float64 in the copy.
    """
    memo = {}
    for layer in getattr(obj, "layers", [obj]):
        for arrays in (getattr(layer, "params", {}), getattr(layer, "grads", {})):
            for arr in arrays.values():
                if isinstance(arr, np.ndarray) and id(arr) not in memo:
                    memo[id(arr)] = arr.astype(np.float64)  # always a new array
    return copy.deepcopy(obj, memo)


def check_model(model, loss, X, y, h=1e-5, keys=None):
    """Compare backprop gradients of ``loss(model(X), y)`` with finite differences.

    The check runs on a float64 deep copy of ``model`` (see :func:`check_layer`; BatchNorm running
    statistics of the original are untouched) in its current train/eval mode. ``keys`` limits it
    to some arrays.
    """
    model = _float64_copy(model)
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

    The layer is checked on a deep copy in which every array of ``params`` and ``grads`` is
    float64, with ``x`` in float64; each entry of ``params[key]`` is perturbed in place there.
    Attributes that are the same array as a parameter (``self.W is self.params["W"]``) are the
    same float64 array in the copy, so a layer that reads ``self.W`` is checked correctly.

    float32 parameters are therefore checked at float64 precision: the relative errors mean the
    same as for float64 layers (~1e-7 right, ~1e-2 a bug) and test the layer's maths, not
    float32 rounding, which with ``h = 1e-5`` alone would give errors of ~1e-2. (A layer that
    casts its own computations back to float32 cannot be checked this finely.)
    """
    layer = _float64_copy(layer)
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


def check_loss(loss, y_hat, y, h=1e-5):
    """Check ``loss.backward()`` against finite differences of ``loss.forward`` w.r.t. ``y_hat``."""
    y_hat = np.array(y_hat, dtype=np.float64)
    loss.forward(y_hat, y)
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numerical_gradient(lambda: loss.forward(y_hat, y), y_hat, h)
    result = GradCheckResult()
    result.errors["y_hat"] = relative_error(analytic, numeric)
    result.analytic["y_hat"], result.numeric["y_hat"] = analytic, numeric
    return result


def _state(obj):
    """Copy of the non-parameter state (BatchNorm running statistics) to restore per evaluation."""
    layers = getattr(obj, "layers", [obj])
    return [(l, l.running_mean.copy(), l.running_var.copy()) for l in layers if hasattr(l, "running_mean")]


def _restore(obj, state):
    for layer, mean, var in state:
        layer.running_mean, layer.running_var = mean.copy(), var.copy()
