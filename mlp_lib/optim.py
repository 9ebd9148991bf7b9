r"""Gradient descent: the update :math:`\theta \leftarrow \theta - \eta g` and the batching
that decides how :math:`g` is estimated (lecture: "Various GD types").

With :func:`minibatches`, ``batch_size`` chooses the variant:

* ``batch_size = n`` (or None): batch GD, :math:`g = \frac1n\sum_{i=1}^n \nabla_\theta \mathcal L(d_i)`;
* ``batch_size = 1``: stochastic GD, :math:`\hat g = \nabla_\theta \mathcal L(d_i)`;
* ``1 < batch_size < n``: mini-batch GD, :math:`\hat g = \frac1{|\mathcal B|}\sum_{d\in\mathcal B}\nabla_\theta\mathcal L(d)`.

The learning rate is ``lr`` in code and :math:`\eta` in the formulas.
"""
from __future__ import annotations

from ._validation import check_int, check_positive, check_rng

__all__ = ["SGD", "minibatches", "is_weight"]


def is_weight(key):
    """True for the key of a weight matrix (``"W"``, ``"0.W"``): what weight decay shrinks.

    Biases and BatchNorm's ``gamma``/``beta`` are not weights in this sense.
    """
    return key.rsplit(".", 1)[-1] == "W"


class SGD:
    r"""Gradient descent with optional momentum :math:`\mu` and weight decay :math:`\lambda`.

    .. math::
        g \leftarrow g + \lambda W \ \text{(weights only)}, \qquad
        v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + v

    which is :math:`\theta \leftarrow \theta - \eta g` without momentum. Weight decay is the
    gradient of the L2 penalty :math:`\frac\lambda2\sum_l\lVert W^{[l]}\rVert^2`: taking it in the
    update means the loss need not know about it (and ``fit`` reports the data loss alone).

    Parameters
    ----------
    lr : float, default 0.1
        The learning rate :math:`\eta > 0`.
    momentum : float in [0, 1), default 0
    weight_decay : float >= 0, default 0
        :math:`\lambda`, applied to weight matrices only (keys named ``W``, see :func:`is_weight`).

    ``step(params, grads)`` takes two dicts with the same keys (``model.params``,
    ``model.grads``) and updates the parameter arrays in place; the gradients are not changed.
    """

    def __init__(self, lr=0.1, momentum=0.0, weight_decay=0.0):
        self.lr = check_positive(lr, "lr")
        self.momentum = check_positive(momentum, "momentum", allow_zero=True)
        if not self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
        self.velocity = {}

    def step(self, params, grads):
        """Apply one update to every array in ``params`` using ``grads`` (same keys)."""
        lr, mu, lam = self.lr, self.momentum, self.weight_decay
        for key, theta in params.items():
            g = grads[key]
            if lam and is_weight(key):
                g = g + lam * theta  # ∇(λ/2 ‖W‖²) = λ W
            if mu:
                v = self.velocity.get(key)
                v = self.velocity[key] = -lr * g if v is None else mu * v - lr * g  # v ← μ v − η g
                theta += v
            else:
                theta -= lr * g  # θ ← θ − η g

    def __repr__(self):
        extra = "".join(f", {name}={value}" for name, value in (("momentum", self.momentum),
                                                               ("weight_decay", self.weight_decay)) if value)
        return f"SGD(lr={self.lr}{extra})"


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
        batch = order[start:start + batch_size]  # gather one batch, not a shuffled copy of X
        yield X[batch], y[batch]
