r"""Batch normalization (lecture: "Vanishing/Exploding Gradient Solutions").

Train mode, over a mini-batch :math:`\mathcal B` of N rows:

.. math::
    \mu = \frac1N\sum_n x_n,\quad \sigma^2 = \frac1N\sum_n (x_n-\mu)^2,\quad
    \hat x = \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}},\quad y = \gamma\,\hat x + \beta

and the running statistics move towards the batch ones:
:math:`\mu_{run} \leftarrow m\,\mu_{run} + (1-m)\,\mu` (likewise the variance, unbiased).
Eval mode uses :math:`\mu_{run}, \sigma^2_{run}` instead, so a prediction does not depend on
the rest of its batch.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_int, check_positive
from .layers import Layer

__all__ = ["BatchNorm"]


class BatchNorm(Layer):
    r"""Normalize each feature over the batch, then scale by :math:`\gamma` and shift by :math:`\beta`.

    Parameters
    ----------
    num_features : int
        D, the width of the layer it follows; ``gamma`` and ``beta`` have shape (D,).
    momentum : float in [0, 1), default 0.9
        Weight of the old running statistics.
    eps : float, default 1e-5
        Added to the variance before the square root.

    Shapes: x (N, D) -> y (N, D). Backward in train mode (the batch statistics depend on x):

    .. math::
        \frac{\partial L}{\partial x} = \frac{\gamma}{N\sqrt{\sigma^2+\epsilon}}
        \Big(N\,\delta - \sum_n \delta_n - \hat x \sum_n \delta_n \hat x_n\Big),\qquad
        \frac{\partial L}{\partial\gamma} = \sum_n \delta_n\hat x_n,\quad
        \frac{\partial L}{\partial\beta} = \sum_n \delta_n
    """

    def __init__(self, num_features, momentum=0.9, eps=1e-5, dtype=np.float64):
        super().__init__()
        self.num_features = check_int(num_features, "num_features", minimum=1)
        self.momentum = float(momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.eps = check_positive(eps, "eps")
        dtype = np.dtype(dtype)
        self.params = {"gamma": np.ones(num_features, dtype), "beta": np.zeros(num_features, dtype)}
        self.grads = {"gamma": np.zeros(num_features, dtype), "beta": np.zeros(num_features, dtype)}
        self.running_mean = np.zeros(num_features, dtype)
        self.running_var = np.ones(num_features, dtype)
        self._cache = None

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(f"x must have shape (N, {self.num_features}) for {self!r}, got {np.shape(x)}")
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in train mode needs a batch of at least 2 rows "
                                 f"(got {n}); use a larger batch_size or call model.eval()")
            mu = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var * n / (n - 1)
        else:
            mu, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mu) * inv_std
        self._cache = (x_hat, inv_std, self.training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout, input_grad=True):
        if self._cache is None:
            raise RuntimeError("BatchNorm.backward called before forward")
        x_hat, inv_std, batch_stats = self._cache
        if dout.shape != x_hat.shape:
            raise ValueError(f"dout must have shape {x_hat.shape}, got {dout.shape}")
        self.grads["gamma"] = (dout * x_hat).sum(0)  # dγ = Σ_n δ_n x̂_n
        self.grads["beta"] = dout.sum(0)  # dβ = Σ_n δ_n
        if not input_grad:
            return None
        dx_hat = dout * self.params["gamma"]
        if not batch_stats:  # eval mode: mu and var are constants
            return dx_hat * inv_std
        n = dout.shape[0]
        return (inv_std / n) * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum}, eps={self.eps})"
