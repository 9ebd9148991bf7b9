r"""Activation functions :math:`f` and their derivatives :math:`f'`, also as layers.

Functions (elementwise unless stated), all numerically stable for large :math:`|x|`:

=============  ===========================================  =====================================
name           :math:`f(x)`                                 :math:`f'(x)`
=============  ===========================================  =====================================
step           :math:`1` if :math:`x \ge 0` else :math:`0`  :math:`0` (undefined at 0)
identity       :math:`x`                                    :math:`1`
sigmoid        :math:`\sigma(x) = 1/(1+e^{-x})`, in (0, 1)  :math:`\sigma(x)(1-\sigma(x))`
tanh           :math:`\tanh x`, in **(−1, 1)**              :math:`1-\tanh^2 x`
relu           :math:`\max(0, x)`                           :math:`1` if :math:`x>0` else 0
leaky_relu     :math:`x` if :math:`x>0` else :math:`a x`    :math:`1` if :math:`x>0` else :math:`a`
softmax        :math:`e^{x_k}/\sum_j e^{x_j}` along a row    Jacobian-vector product, see below
=============  ===========================================  =====================================

Lecture erratum: the slide says tanh squashes to (0, 1); its range is (−1, 1).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ._validation import check_positive
from .layers import Layer

__all__ = ["step", "step_grad", "identity", "identity_grad", "sigmoid", "sigmoid_grad", "tanh",
           "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "softmax",
           "softmax_backward", "Activation", "Step", "Identity", "Sigmoid", "Tanh", "ReLU",
           "LeakyReLU", "Softmax", "get", "NAMES"]


def step(x):
    """Heaviside step of the perceptron: 1 where x >= 0, else 0."""
    return (np.asarray(x) >= 0).astype(np.float64)


def step_grad(x):
    """Derivative of the step: 0 everywhere (undefined at 0) — why perceptrons cannot backprop."""
    return np.zeros_like(np.asarray(x, dtype=np.float64))


def identity(x):
    return np.asarray(x)


def identity_grad(x):
    return np.ones_like(np.asarray(x, dtype=np.float64))


def sigmoid(x):
    r""":math:`\sigma(x) = 1/(1+e^{-x})`.

    Written naively, ``1/(1+np.exp(-x))`` overflows for x = -1000. ``scipy.special.expit``
    evaluates the same formula stably (as :math:`e^{x}/(1+e^{x})` for negative x), so
    ``sigmoid(±1000)`` gives 1 and 0 with no warning, and it is one fast ufunc call.
    """
    return expit(np.asarray(x))


def sigmoid_grad(x):
    r""":math:`\sigma'(x) = \sigma(x)(1-\sigma(x)) = \sigma(x)\,\sigma(-x)`.

    The second form is the same number without the cancellation in :math:`1-\sigma(x)`: for
    x = 40 it gives 4.2e-18 (full relative precision) where ``s * (1 - s)`` gives 0.
    """
    x = np.asarray(x)
    return sigmoid(x) * sigmoid(-x)


def tanh(x):
    """Hyperbolic tangent, range (−1, 1)."""
    return np.tanh(x)


def tanh_grad(x):
    r""":math:`\tanh'(x) = 1 - \tanh^2(x)`."""
    t = np.tanh(x)
    return 1.0 - t * t


def relu(x):
    r""":math:`\max(0, x)`."""
    return np.maximum(x, 0.0)


def relu_grad(x):
    """1 where x > 0, else 0 (we take 0 at x = 0)."""
    return (np.asarray(x) > 0).astype(np.float64)


def leaky_relu(x, alpha=0.01):
    r""":math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, 1.0, alpha)


def softmax(x, axis=-1):
    r""":math:`\mathrm{softmax}(x)_k = e^{x_k - m}/\sum_j e^{x_j - m}` with :math:`m = \max_j x_j`.

    Subtracting the row maximum changes nothing mathematically and keeps ``exp`` from overflowing.
    """
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(s, dout, axis=-1):
    r"""Given :math:`s = \mathrm{softmax}(x)` and :math:`\partial L/\partial s`, return
    :math:`\partial L/\partial x = s \odot (\partial L/\partial s - \sum_k s_k\, \partial L/\partial s_k)`."""
    return s * (dout - np.sum(dout * s, axis=axis, keepdims=True))


class Activation(Layer):
    """An elementwise activation as a layer: ``forward`` caches what ``backward`` needs."""

    def __init__(self):
        super().__init__()
        self._cache = None

    def _check_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache


class Step(Activation):
    """Perceptron step; its backward returns zeros (no gradient flows through a step)."""

    def forward(self, x):
        self._cache = x
        return (x >= 0).astype(x.dtype)

    def backward(self, dout, input_grad=True):
        self._check_cache()
        return np.zeros_like(dout) if input_grad else None


class Identity(Activation):
    """:math:`f(x) = x`; a linear unit."""

    def forward(self, x):
        self._cache = True
        return x

    def backward(self, dout, input_grad=True):
        self._check_cache()
        return dout if input_grad else None


class Sigmoid(Activation):
    r""":math:`z = \sigma(x)`; backward :math:`dx = dz\,\sigma(x)(1-\sigma(x))` from the cached output."""

    def forward(self, x):
        out = expit(x)  # σ(x), overflow-free
        self._cache = out
        return out

    def backward(self, dout, input_grad=True):
        s = self._check_cache()
        return dout * s * (1.0 - s) if input_grad else None


class Tanh(Activation):
    r""":math:`z = \tanh x`; backward :math:`dx = dz\,(1 - z^2)` from the cached output."""

    def forward(self, x):
        out = np.tanh(x)
        self._cache = out
        return out

    def backward(self, dout, input_grad=True):
        t = self._check_cache()
        return dout * (1.0 - t * t) if input_grad else None


class ReLU(Activation):
    r""":math:`z = \max(0, x)`; backward passes ``dout`` where :math:`x > 0`."""

    def forward(self, x):
        self._cache = x > 0
        return np.maximum(x, 0.0)

    def backward(self, dout, input_grad=True):
        mask = self._check_cache()
        return dout * mask if input_grad else None


class LeakyReLU(Activation):
    r""":math:`z = x` for :math:`x>0`, :math:`\alpha x` otherwise; default :math:`\alpha = 0.01`."""

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = check_positive(alpha, "alpha", allow_zero=True)

    def forward(self, x):
        self._cache = x > 0
        return np.where(self._cache, x, self.alpha * x)

    def backward(self, dout, input_grad=True):
        mask = self._check_cache()
        return np.where(mask, dout, self.alpha * dout) if input_grad else None

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(Activation):
    """Row-wise softmax as a layer (for probabilities; train with SoftmaxCrossEntropy on logits)."""

    def forward(self, x):
        out = softmax(x, axis=1)
        self._cache = out
        return out

    def backward(self, dout, input_grad=True):
        s = self._check_cache()
        return softmax_backward(s, dout, axis=1) if input_grad else None


NAMES = {"step": Step, "identity": Identity, "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU,
         "leaky_relu": LeakyReLU, "softmax": Softmax}

FUNCTIONS = {"step": (step, step_grad), "identity": (identity, identity_grad),
             "sigmoid": (sigmoid, sigmoid_grad), "tanh": (tanh, tanh_grad), "relu": (relu, relu_grad),
             "leaky_relu": (leaky_relu, leaky_relu_grad)}


def get(name, **kwargs):
    """Return a new activation layer from its name in :data:`NAMES` (e.g. ``get("tanh")``)."""
    if isinstance(name, Layer):
        return name
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"activation must be one of {sorted(NAMES)}, got {name!r}")
    return NAMES[name](**kwargs)
