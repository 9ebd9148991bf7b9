r"""Losses: ``value = loss.forward(y_hat, y)``, ``dy_hat = loss.backward()``.

``y_hat`` is the network output for a batch of N examples, shape (N, K); ``y`` the targets.
Every loss is a mean over the batch, :math:`\mathcal J = \frac1N\sum_n \mathcal L_n`, so its
gradient carries a factor :math:`1/N`. L2 regularization is not part of the loss: it is the
optimizer's weight decay, ``SGD(lr, weight_decay=λ)`` (:mod:`mlp_lib.optim`).

``loss.classification`` says whether the outputs are class scores: ``fit`` and ``evaluate``
report an accuracy for those (with ``loss.predict_labels``) and for no other loss, whatever
values the targets take.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from ._validation import check_positive

__all__ = ["Loss", "SquaredError", "BinaryCrossEntropy", "SoftmaxCrossEntropy"]


class Loss:
    """Base class. Subclasses implement ``_value_and_grad(y_hat, y)`` on checked inputs."""

    #: True for losses whose outputs are class scores (they have ``predict_labels``).
    classification = False

    def __init__(self):
        self._grad = None

    def forward(self, y_hat, y):
        """Return the mean loss over the batch (a float) and cache its gradient."""
        y_hat, y = self._check(y_hat, y)
        return self.forward_unchecked(y_hat, y)

    def forward_unchecked(self, y_hat, y):
        """:meth:`forward` for inputs already in checked form (``fit`` checks its targets once)."""
        value, self._grad = self._value_and_grad(y_hat, y)
        return float(value)

    __call__ = forward

    def backward(self):
        r"""Return :math:`\partial \mathcal J/\partial \hat y`, same shape as ``y_hat``."""
        if self._grad is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._grad

    def _check(self, y_hat, y):
        y_hat = np.asarray(y_hat)
        y = np.asarray(y)
        if y_hat.ndim != 2:
            raise ValueError(f"y_hat must be 2-D (N, K), got shape {y_hat.shape}")
        if y.ndim == 1 and y_hat.shape[1] == 1:
            y = y.reshape(-1, 1)
        if y.shape != y_hat.shape:
            raise ValueError(f"y must have the shape of y_hat {y_hat.shape}, got {y.shape}")
        return y_hat, y.astype(y_hat.dtype, copy=False)

    def __repr__(self):
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    r"""The lecture's squared error, averaged over the batch:
    :math:`\mathcal J = \frac1N\sum_n \frac12\lVert y_n - \hat y_n\rVert^2`,
    :math:`\partial\mathcal J/\partial \hat y_n = (\hat y_n - y_n)/N`.

    A regression loss: ``fit`` reports no accuracy for it, even when the targets are 0 and 1.
    """

    def _value_and_grad(self, y_hat, y):
        diff = y_hat - y
        n = y_hat.shape[0]
        return 0.5 * (diff * diff).sum() / n, diff / n


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy :math:`\mathcal J = -\frac1N\sum_n [y\log p + (1-y)\log(1-p)]`.

    ``from_logits=True``: ``y_hat`` is the logit z (no sigmoid layer), computed stably as
    :math:`\log(1+e^{z}) - y z`; gradient :math:`(\sigma(z)-y)/N`.

    ``from_logits=False`` (default): ``y_hat`` is a probability p (after a sigmoid); gradient
    :math:`\frac1N\big(-\frac{y}{p} + \frac{1-y}{1-p}\big) = \frac{p-y}{p(1-p)N}`.
    At p = 0 or 1 the logarithms are infinite, so below ``eps`` each of
    :math:`\log p` and :math:`\log(1-p)` is continued by its tangent at ``eps``,
    e.g. :math:`\log p \approx \log\epsilon + (p-\epsilon)/\epsilon` for :math:`p < \epsilon`. The
    value stays finite and the gradient is exactly its derivative everywhere (slope
    :math:`1/\epsilon` beyond the ends), so the two never disagree. (Clipping p for the value
    alone, as before, made the value flat there while the gradient said :math:`-10^{12}`.)
    Logits avoid the problem altogether.
    """

    classification = True

    def __init__(self, from_logits=False, eps=1e-12):
        super().__init__()
        self.from_logits = bool(from_logits)
        self.eps = check_positive(eps, "eps")
        if self.eps >= 0.5:
            raise ValueError(f"eps must be < 0.5, got {eps}")

    def predict_labels(self, y_hat):
        """Labels 1 where p > 0.5 (z > 0 for logits), else 0: shape (N,) for one output column,
        (N, K) for K independent binary outputs."""
        y_hat = np.asarray(y_hat)
        labels = (y_hat > (0.0 if self.from_logits else 0.5)).astype(np.int64)
        return labels.reshape(-1) if y_hat.ndim == 2 and y_hat.shape[1] == 1 else labels

    def accuracy(self, y_hat, y):
        """Fraction of the binary decisions that match the targets (a target counts as 1 above 0.5)."""
        y_hat = np.asarray(y_hat)
        labels = y_hat > (0.0 if self.from_logits else 0.5)
        return np.count_nonzero(labels == (np.reshape(y, y_hat.shape) > 0.5)) / labels.size

    def _check(self, y_hat, y):
        y_hat, y = super()._check(y_hat, y)
        if np.any((y < 0) | (y > 1)):
            raise ValueError("y must hold values in [0, 1] for binary cross-entropy")
        return y_hat, y

    def _value_and_grad(self, y_hat, y):
        n = y_hat.shape[0]
        if self.from_logits:
            z = y_hat  # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1+e^z) - y z
            return np.sum(np.logaddexp(0.0, z) - y * z) / n, (expit(z) - y) / n
        eps, p, q = self.eps, y_hat, 1.0 - y_hat
        p_in, q_in = np.maximum(p, eps), np.maximum(q, eps)  # p and 1 - p, kept >= eps
        log_p = np.log(p_in) + (p - p_in) / eps  # log p, continued by its tangent below eps
        log_q = np.log(q_in) + (q - q_in) / eps  # log(1 - p), likewise
        not_y = 1.0 - y
        value = -np.sum(y * log_p + not_y * log_q) / n
        grad = (not_y / q_in - y / p_in) / n  # the derivative of exactly that value
        return value, grad

    def __repr__(self):
        return "BinaryCrossEntropy(from_logits=True)" if self.from_logits else "BinaryCrossEntropy()"


class SoftmaxCrossEntropy(Loss):
    r"""Softmax + cross-entropy on logits z (N, K):
    :math:`\mathcal J = -\frac1N\sum_n \log \mathrm{softmax}(z_n)_{y_n}`,
    :math:`\partial\mathcal J/\partial z = (\mathrm{softmax}(z) - \mathrm{onehot}(y))/N`.

    ``y`` is either integer labels of shape (N,) or one-hot rows of shape (N, K).
    """

    classification = True

    def predict_labels(self, y_hat):
        """Class labels (N,): the index of the largest logit of each row."""
        return np.argmax(y_hat, axis=1)

    def accuracy(self, y_hat, y):
        """Fraction of rows whose largest logit is the target class (labels (N,) or one-hot rows)."""
        y = np.asarray(y)
        labels = y if y.ndim == 1 else np.argmax(y, axis=1)
        return np.count_nonzero(np.argmax(y_hat, axis=1) == labels) / len(labels)

    def _check(self, y_hat, y):
        y_hat = np.asarray(y_hat)
        y = np.asarray(y)
        if y_hat.ndim != 2:
            raise ValueError(f"y_hat must be 2-D logits (N, K), got shape {y_hat.shape}")
        if y.ndim == 1:
            if len(y) != len(y_hat):
                raise ValueError(f"y must have {len(y_hat)} labels, got {len(y)}")
            if y.dtype.kind not in "iu" and not np.all(y == np.round(y)):
                raise ValueError("y must hold integer class labels when 1-D")
            labels = y.astype(np.int64, copy=False)
            if labels.size and (labels.min() < 0 or labels.max() >= y_hat.shape[1]):
                raise ValueError(f"y labels must be in [0, {y_hat.shape[1] - 1}], "
                                 f"got range [{labels.min()}, {labels.max()}]")
            return y_hat, labels
        if y.shape != y_hat.shape:
            raise ValueError(f"y must be labels (N,) or one-hot {y_hat.shape}, got {y.shape}")
        return y_hat, y.astype(y_hat.dtype, copy=False)

    def _value_and_grad(self, z, y):
        n = z.shape[0]
        shifted = z - z.max(axis=1, keepdims=True)  # same softmax, no overflow
        e = np.exp(shifted)
        norm = e.sum(axis=1, keepdims=True)
        grad = e / norm  # softmax(z)
        # log softmax(z)_y = shifted_y - log Σ_j e^{shifted_j}
        if y.ndim == 1:
            rows = np.arange(n)
            value = (np.log(norm).sum() - shifted[rows, y].sum()) / n
            grad[rows, y] -= 1.0
        else:
            value = -np.sum(y * (shifted - np.log(norm))) / n
            grad -= y
        grad /= n
        return value, grad
