r"""The lecture's back-propagation algorithm for sigmoid units, written as on the slide.

One example :math:`\langle x, t\rangle` at a time:

1. forward pass: every unit computes :math:`a_k = \sigma(\sum_h a_h W_{hk} + b_k)`;
   the hidden outputs are :math:`y_h`, the network outputs :math:`z_k`;
2. for each output unit k: :math:`\delta_k = z_k(1 - z_k)(t_k - z_k)`;
3. for each hidden unit h (last hidden layer first):
   :math:`\delta_h = y_h(1 - y_h)\sum_k W_{hk}\,\delta_k`;
4. for each weight: :math:`W_{hk} \leftarrow W_{hk} + \eta\,\delta_k\,x_h`, where :math:`x_h` is the
   input that the weight multiplies (and :math:`b_k \leftarrow b_k + \eta\,\delta_k`).

All deltas are computed with the old weights before any weight changes.

Lecture erratum: the slide's δ formulas lost their minus signs. It prints
``δ_k = z_k(1 z_k)(t_k y_k)`` and ``δ_h = y_h(1 y_h) Σ_k W_hk δ_k`` (and ``y_k`` where it means the
output ``z_k``); the correct formulas are :math:`\delta_k = z_k(1 - z_k)(t_k - z_k)` and
:math:`\delta_h = y_h(1 - y_h)\sum_k W_{hk}\delta_k`.
This :math:`\delta_k` is the *negative* gradient of :math:`\frac12(t_k - z_k)^2` with respect to the
unit's net input, :math:`-\partial E/\partial\,\mathrm{net}_k = (t_k - z_k)\,z_k(1 - z_k)`, which is why
the update :math:`\Delta W_{hk} = +\eta\,\delta_k\,x_h` is a gradient *descent* step.

In code the arguments follow the library's vocabulary (``y`` for the target, ``lr`` for the
learning rate :math:`\eta`); inside, the values keep the slide's letters (``t`` for the target,
``y`` for hidden outputs, ``z`` for the outputs) so that each line can be read against the slide.

``weights[j]`` has shape (n_in, n_out), so ``weights[j][h, k]`` is the slide's :math:`W_{hk}` and the
layout matches :class:`mlp_lib.layers.Dense`. :func:`to_sequential` / :func:`from_sequential`
convert to and from ``Sequential([Dense, Sigmoid, Dense, Sigmoid, ...])``: one call of
:func:`textbook_update` equals one :class:`~mlp_lib.optim.SGD` step of that model with
:class:`~mlp_lib.losses.SquaredError` on a batch of one example.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_array, check_positive
from .activations import Sigmoid, sigmoid
from .layers import Dense, Sequential

__all__ = ["textbook_forward", "textbook_deltas", "textbook_update", "textbook_backprop_epoch",
           "to_sequential", "from_sequential"]


def textbook_forward(weights, biases, x):
    """Outputs of every layer for one example: ``[x, y^{(1)}, ..., z]`` (1-D arrays).

    Each unit k of a layer computes :math:`\\sigma(\\sum_h a_h W_{hk} + b_k)` from the previous
    layer's outputs :math:`a`.
    """
    weights, biases = _check_network(weights, biases)
    x = _check_example(x, "x", weights[0].shape[0])
    return _forward(weights, biases, x)


def textbook_deltas(weights, biases, x, y):
    r"""The deltas of every layer for one example ``x`` with target ``y`` (the slide's :math:`t`),
    ``deltas[j]`` for the units of layer j.

    Output units :math:`\delta_k = z_k(1-z_k)(t_k-z_k)`; hidden units
    :math:`\delta_h = y_h(1-y_h)\sum_k W_{hk}\delta_k`. Returns ``(outputs, deltas)`` with
    ``outputs`` as in :func:`textbook_forward`.
    """
    weights, biases = _check_network(weights, biases)
    x = _check_example(x, "x", weights[0].shape[0])
    t = _check_example(y, "y", weights[-1].shape[1])
    outputs = _forward(weights, biases, x)
    return outputs, _deltas(weights, outputs, t)


def textbook_update(weights, biases, x, y, lr):
    r"""One step of the slide's algorithm on one example; returns new ``(weights, biases)`` lists.

    Parameters
    ----------
    weights : list of ndarray, ``weights[j]`` of shape (n_j, n_{j+1})
    biases : list of ndarray, ``biases[j]`` of shape (n_{j+1},)
    x : ndarray of shape (n_0,)
    y : ndarray of shape (n_L,), the target (the slide's :math:`t`; a number when n_L = 1)
    lr : float, the learning rate :math:`\eta > 0`

    The inputs are not modified.
    """
    weights, biases = _check_network(weights, biases)
    x = _check_example(x, "x", weights[0].shape[0])
    t = _check_example(y, "y", weights[-1].shape[1])
    lr = check_positive(lr, "lr")
    W_new = [W.copy() for W in weights]
    b_new = [b.copy() for b in biases]
    _update(W_new, b_new, x, t, lr)
    return W_new, b_new


def textbook_backprop_epoch(weights, biases, X, y, lr):
    r"""One pass over the training examples in order, one :func:`textbook_update` per example.

    Parameters
    ----------
    X : ndarray of shape (N, n_0)
    y : ndarray of shape (N, n_L), or (N,) when there is one output unit: the targets
    lr : float, the learning rate :math:`\eta`

    Returns new ``(weights, biases)`` lists; the inputs are not modified.
    """
    weights, biases = _check_network(weights, biases)
    n_in, n_out = weights[0].shape[0], weights[-1].shape[1]
    X = as_array(X, "X", ndim=2)
    if X.shape[1] != n_in:
        raise ValueError(f"X must have shape (N, {n_in}) for this network, got {X.shape}")
    T = as_array(y, "y", ndim=(1, 2))  # the slide's targets t, one row per example
    if T.ndim == 1 and n_out == 1:
        T = T.reshape(-1, 1)
    if T.shape != (len(X), n_out):
        raise ValueError(f"y must have shape ({len(X)}, {n_out}) to match X and the network, got {T.shape}")
    lr = check_positive(lr, "lr")
    W_new = [W.copy() for W in weights]
    b_new = [b.copy() for b in biases]
    for x, t in zip(X, T):  # for each training example <x, t>
        _update(W_new, b_new, x, t, lr)
    return W_new, b_new


def _forward(weights, biases, x):
    outputs = [x]
    for W, b in zip(weights, biases):
        a = outputs[-1]
        out = np.empty(W.shape[1])
        for k in range(W.shape[1]):  # each unit k of the layer
            out[k] = sigmoid(a @ W[:, k] + b[k])
        outputs.append(out)
    return outputs


def _deltas(weights, outputs, t):
    z = outputs[-1]
    delta = np.empty(len(z))
    for k in range(len(z)):  # for each output unit k
        delta[k] = z[k] * (1 - z[k]) * (t[k] - z[k])
    deltas = [delta]
    for j in range(len(weights) - 1, 0, -1):  # hidden layers, last first
        y, W, delta_next = outputs[j], weights[j], deltas[0]
        delta = np.empty(len(y))
        for h in range(len(y)):  # for each hidden unit h
            delta[h] = y[h] * (1 - y[h]) * (W[h, :] @ delta_next)  # Σ_k W_hk δ_k
        deltas.insert(0, delta)
    return deltas


def _update(weights, biases, x, t, lr):
    """In place on the lists' arrays: all deltas first (old weights), then every weight."""
    outputs = _forward(weights, biases, x)
    deltas = _deltas(weights, outputs, t)
    for W, b, a, delta in zip(weights, biases, outputs[:-1], deltas):
        for h in range(W.shape[0]):  # for each network weight W_hk
            for k in range(W.shape[1]):
                W[h, k] = W[h, k] + lr * delta[k] * a[h]  # ΔW_hk = η δ_k x_h
        for k in range(len(b)):
            b[k] = b[k] + lr * delta[k]


def _check_network(weights, biases):
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"weights must be a non-empty list of 2-D arrays, got {type(weights).__name__}")
    if not isinstance(biases, (list, tuple)):
        raise TypeError(f"biases must be a list of 1-D arrays, got {type(biases).__name__}")
    if len(biases) != len(weights):
        raise ValueError(f"weights and biases must have the same length, got {len(weights)} and {len(biases)}")
    weights = [as_array(W, f"weights[{j}]", ndim=2) for j, W in enumerate(weights)]
    biases = [as_array(b, f"biases[{j}]", ndim=1) for j, b in enumerate(biases)]
    for j, (W, b) in enumerate(zip(weights, biases)):
        if 0 in W.shape:
            raise ValueError(f"weights[{j}] must not be empty, got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"biases[{j}] must have shape ({W.shape[1]},) to match weights[{j}] "
                             f"{W.shape}, got {b.shape}")
        if j and W.shape[0] != weights[j - 1].shape[1]:
            raise ValueError(f"weights[{j}] must have {weights[j - 1].shape[1]} rows (the outputs of "
                             f"weights[{j - 1}]), got shape {W.shape}")
    return weights, biases


def _check_example(v, name, size):
    v = as_array(v, name, ndim=(0, 1)).reshape(-1)
    if v.shape != (size,):
        raise ValueError(f"{name} must have {size} entries for this network, got {v.size}")
    return v


def to_sequential(weights, biases):
    """``Sequential([Dense, Sigmoid, Dense, Sigmoid, ...])`` holding copies of the weights (float64)."""
    weights, biases = _check_network(weights, biases)
    layers = []
    for W, b in zip(weights, biases):
        dense = Dense(W.shape[0], W.shape[1], init="zeros")
        dense.params["W"][...] = W
        dense.params["b"][...] = b
        layers += [dense, Sigmoid()]
    return Sequential(layers)


def from_sequential(model):
    """Copies of the ``(weights, biases)`` lists of a ``Sequential([Dense, Sigmoid, ...])``."""
    layers = getattr(model, "layers", None)
    if not isinstance(model, Sequential) or not layers:
        raise TypeError(f"model must be an mlp_lib Sequential, got {type(model).__name__}")
    if len(layers) % 2 or not all(isinstance(l, Dense) and isinstance(s, Sigmoid)
                                  for l, s in zip(layers[::2], layers[1::2])):
        got = ", ".join(type(l).__name__ for l in layers)
        raise ValueError(f"model must alternate Dense and Sigmoid layers (the slide's sigmoid units), got [{got}]")
    weights = [np.array(l.params["W"], dtype=np.float64) for l in layers[::2]]
    biases = [np.array(l.params["b"], dtype=np.float64) for l in layers[::2]]
    return weights, biases
