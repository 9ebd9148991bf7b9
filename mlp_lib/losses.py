r"""Losses: ``value = loss.forward(pred, target)``, ``dpred = loss.backward()``.

Every loss is a mean over the N examples of the batch, :math:`\mathcal J = \frac1N\sum_n \mathcal L_n`,
so its gradient carries a factor :math:`1/N`. Optional L2 regularization
:math:`\frac\lambda2\sum_l \lVert W^{[l]}\rVert^2` (weights only, not biases) is added by
:func:`l2_penalty` / :func:`add_l2_grad`, which :func:`mlp_lib.train.fit` calls when ``loss.l2 > 0``.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ._validation import check_positive

__all__ = ["Loss", "SquaredError", "BinaryCrossEntropy", "SoftmaxCrossEntropy", "l2_penalty", "add_l2_grad"]


class Loss:
    """Base class. Subclasses implement ``_value_and_grad(pred, target)``."""

    def __init__(self, l2=0.0):
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        self._grad = None

    def forward(self, pred, target):
        """Return the mean loss over the batch (a float) and cache the gradient."""
        pred, target = self._check(pred, target)
        return self.forward_unchecked(pred, target)

    def forward_unchecked(self, pred, target):
        """:meth:`forward` for inputs already in checked form (``fit`` checks its targets once)."""
        value, self._grad = self._value_and_grad(pred, target)
        return float(value)

    __call__ = forward

    def backward(self):
        """Return :math:`\\partial \\mathcal J/\\partial\\,\\mathrm{pred}`, same shape as ``pred``."""
        if self._grad is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._grad

    def predict_labels(self, pred):
        """Class labels from the network output (used for accuracy)."""
        pred = np.asarray(pred)
        if pred.ndim == 2 and pred.shape[1] > 1:
            return np.argmax(pred, axis=1)
        return (pred.reshape(-1) > self._threshold).astype(np.int64)

    _threshold = 0.5

    def _check(self, pred, target):
        pred = np.asarray(pred)
        target = np.asarray(target)
        if pred.ndim != 2:
            raise ValueError(f"pred must be 2-D (N, K), got shape {pred.shape}")
        if target.ndim == 1 and pred.shape[1] == 1:
            target = target.reshape(-1, 1)
        if target.shape != pred.shape:
            raise ValueError(f"target must have the shape of pred {pred.shape}, got {target.shape}")
        return pred, target.astype(pred.dtype, copy=False)

    def __repr__(self):
        return f"{type(self).__name__}(l2={self.l2})" if self.l2 else f"{type(self).__name__}()"


class SquaredError(Loss):
    r"""The lecture's squared error, averaged over the batch:
    :math:`\mathcal J = \frac1N\sum_n \frac12\lVert t_n - z_n\rVert^2`,
    :math:`\partial\mathcal J/\partial z_n = (z_n - t_n)/N`."""

    def _value_and_grad(self, z, t):
        diff = z - t
        n = z.shape[0]
        return 0.5 * (diff * diff).sum() / n, diff / n


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy :math:`-\frac1N\sum_n [t\log p + (1-t)\log(1-p)]`.

    ``from_logits=False``: ``pred`` is a probability p (after a sigmoid), clipped to
    [eps, 1-eps]; gradient :math:`(p-t)/(p(1-p)N)`.
    ``from_logits=True``: ``pred`` is the logit z (no sigmoid layer), computed stably with
    :math:`\log(1+e^{z})`; gradient :math:`(\sigma(z)-t)/N`.
    """

    def __init__(self, from_logits=False, eps=1e-12, l2=0.0):
        super().__init__(l2=l2)
        self.from_logits = bool(from_logits)
        self.eps = eps
        self._threshold = 0.0 if self.from_logits else 0.5

    def _check(self, pred, target):
        pred, target = super()._check(pred, target)
        if np.any((target < 0) | (target > 1)):
            raise ValueError("target must hold values in [0, 1] for binary cross-entropy")
        return pred, target

    def _value_and_grad(self, pred, t):
        n = pred.shape[0]
        if self.from_logits:
            # -[t log σ(z) + (1-t) log(1-σ(z))] = log(1+e^z) - t z
            value = np.sum(np.logaddexp(0.0, pred) - t * pred) / n
            return value, (expit(pred) - t) / n
        p = np.minimum(np.maximum(pred, self.eps), 1.0 - self.eps)  # keep log(p), log(1-p) finite
        value = -np.sum(t * np.log(p) + (1.0 - t) * np.log1p(-p)) / n
        return value, (p - t) / (p * (1.0 - p) * n)


class SoftmaxCrossEntropy(Loss):
    r"""Softmax + cross-entropy on logits z (N, K):
    :math:`\mathcal J = -\frac1N\sum_n \log \mathrm{softmax}(z_n)_{t_n}`,
    :math:`\partial\mathcal J/\partial z = (\mathrm{softmax}(z) - \mathrm{onehot}(t))/N`.

    ``target`` is either integer labels of shape (N,) or one-hot rows of shape (N, K).
    """

    def _check(self, pred, target):
        pred = np.asarray(pred)
        target = np.asarray(target)
        if pred.ndim != 2:
            raise ValueError(f"pred must be 2-D logits (N, K), got shape {pred.shape}")
        if target.ndim == 1:
            if len(target) != len(pred):
                raise ValueError(f"target must have {len(pred)} labels, got {len(target)}")
            if target.dtype.kind not in "iu" and not np.all(target == np.round(target)):
                raise ValueError("target must hold integer class labels when 1-D")
            labels = target.astype(np.int64)
            if labels.size and (labels.min() < 0 or labels.max() >= pred.shape[1]):
                raise ValueError(f"target labels must be in [0, {pred.shape[1] - 1}], "
                                 f"got range [{labels.min()}, {labels.max()}]")
            return pred, labels
        if target.shape != pred.shape:
            raise ValueError(f"target must be labels (N,) or one-hot {pred.shape}, got {target.shape}")
        return pred, target.astype(pred.dtype, copy=False)

    def _value_and_grad(self, z, t):
        n = z.shape[0]
        shifted = z - z.max(axis=1, keepdims=True)  # same softmax, no overflow
        e = np.exp(shifted)
        norm = e.sum(axis=1, keepdims=True)
        grad = e / norm  # softmax(z)
        # log softmax(z)_t = shifted_t - log Σ_j e^{shifted_j}
        if t.ndim == 1:
            rows = np.arange(n)
            value = (np.log(norm).sum() - shifted[rows, t].sum()) / n
            grad[rows, t] -= 1.0
        else:
            value = -np.sum(t * (shifted - np.log(norm))) / n
            grad -= t
        grad /= n
        return value, grad


def _weights(model):
    return [(k, v) for k, v in model.params.items() if k.split(".")[-1] == "W"]


def l2_penalty(model, lam):
    r""":math:`\frac\lambda2\sum_l\lVert W^{[l]}\rVert_F^2` over every weight matrix ``W`` of ``model``."""
    if not lam:
        return 0.0
    return 0.5 * lam * float(sum(np.sum(W * W) for _, W in _weights(model)))


def add_l2_grad(model, lam):
    r"""Add :math:`\lambda W` to each weight gradient of ``model`` in place."""
    if not lam:
        return
    grads = model.grads
    for k, W in _weights(model):
        grads[k] += lam * W
