r"""Gradient descent: the update :math:`\theta \leftarrow \theta - \alpha g` and the batching
that decides how :math:`g` is estimated (lecture: "Various GD types").

With :func:`minibatches`, ``batch_size`` chooses the variant:

* ``batch_size = n`` (or None): batch GD, :math:`g = \frac1n\sum_{i=1}^n \nabla_\theta \mathcal L(d_i)`;
* ``batch_size = 1``: stochastic GD, :math:`\hat g = \nabla_\theta \mathcal L(d_i)`;
* ``1 < batch_size < n``: mini-batch GD, :math:`\hat g = \frac1{|\mathcal B|}\sum_{d\in\mathcal B}\nabla_\theta\mathcal L(d)`.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_int, check_positive, check_rng

__all__ = ["SGD", "minibatches"]


class SGD:
    r"""Gradient descent :math:`\theta \leftarrow \theta - \alpha g`, optionally with momentum
    :math:`v \leftarrow \mu v - \alpha g,\ \theta \leftarrow \theta + v`.

    ``step(params, grads)`` takes two dicts with the same keys (``model.params``,
    ``model.grads``) and updates the parameter arrays in place.
    """

    def __init__(self, lr=0.1, momentum=0.0):
        self.lr = check_positive(lr, "lr")
        self.momentum = float(momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.velocity = {}

    def step(self, params, grads):
        """Apply one update to every array in ``params`` using ``grads`` (same keys)."""
        lr = self.lr
        for key, theta in params.items():
            g = grads[key]
            if self.momentum:
                v = self.velocity.get(key)
                if v is None:
                    v = self.velocity[key] = np.zeros_like(theta)
                v *= self.momentum
                v -= lr * g
                theta += v
            else:
                theta -= lr * g  # θ ← θ − α g

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})" if self.momentum else f"SGD(lr={self.lr})"


def minibatches(X, y, batch_size=None, shuffle=True, rng=None):
    """Yield ``(X_batch, y_batch)`` covering the data once (one epoch).

    Parameters
    ----------
    X : ndarray of shape (n, ...)
    y : ndarray of shape (n, ...)
    batch_size : int or None
        n (or None) for batch GD, 1 for stochastic GD, k for mini-batch GD. The last batch
        holds the remainder when ``batch_size`` does not divide n.
    shuffle : bool
        Visit the examples in a new random order each call (seeded by ``rng``).
    rng : None, int or numpy.random.Generator
    """
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y must have the same number of rows, got {n} and {len(y)}")
    batch_size = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    if not shuffle or batch_size >= n:  # batch GD needs no shuffling: the mean is order-free
        for start in range(0, n, batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]
        return
    order = check_rng(rng).permutation(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]  # gather one batch, not a shuffled copy of X
        yield X[idx], y[idx]
