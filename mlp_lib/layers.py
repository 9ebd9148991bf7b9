r"""Layers: the :class:`Layer` contract, :class:`Dense` and :class:`Sequential`.

Every layer has ``out = layer.forward(x)`` and ``dx = layer.backward(dout)``; the forward
pass caches exactly what the backward pass needs. Trainable parameters live in
``layer.params`` and their gradients in ``layer.grads``: dicts with the same keys. ``backward``
stores each gradient as a new array (``self.grads["W"] = x.T @ dout``, as on the slide), so read
``grads`` after the backward pass; optimizers update the ``params`` arrays in place.
"""
from __future__ import annotations

import numpy as np

from . import init as _init
from ._validation import as_array, check_int, check_rng

__all__ = ["Layer", "Dense", "Sequential"]


class Layer:
    """Base class: ``forward``/``backward`` plus ``params``/``grads`` dicts and a train flag.

    ``backward(dout, input_grad=True)``: with ``input_grad=False`` a layer may skip the
    gradient with respect to its input (nothing uses it for the first layer) and return None.
    """

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout, input_grad=True):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def train(self):
        """Switch to training mode (BatchNorm uses batch statistics)."""
        self.training = True
        return self

    def eval(self):
        """Switch to evaluation mode (BatchNorm uses running statistics)."""
        self.training = False
        return self

    def zero_grad(self):
        for g in self.grads.values():
            g.fill(0.0)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    r"""Fully connected layer :math:`z = x W + b`.

    Parameters
    ----------
    in_features, out_features : int
        :math:`n^{[l-1]}` and :math:`n^{[l]}`; ``W`` has shape (in_features, out_features).
    init : str, callable or :class:`mlp_lib.init.Initializer`, default "xavier"
        How to draw ``W`` (see :mod:`mlp_lib.init`); ``b`` starts at zero.
    rng : None, int or numpy.random.Generator
        Source of randomness for the initializer.
    dtype : numpy dtype, default float64

    Shapes: x (N, in_features) -> z (N, out_features).
    Backward: :math:`\partial L/\partial W = x^T\,\delta`, :math:`\partial L/\partial b = \sum_n \delta_n`,
    :math:`\partial L/\partial x = \delta\, W^T` with :math:`\delta = \partial L/\partial z`.
    """

    def __init__(self, in_features, out_features, init="xavier", rng=None, dtype=np.float64):
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.out_features = check_int(out_features, "out_features", minimum=1)
        self.init = _init.get(init)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a floating point type, got {self.dtype}")
        rng = check_rng(rng)
        W = np.asarray(self.init((self.in_features, self.out_features), rng), dtype=self.dtype)
        self.params = {"W": W, "b": np.zeros(self.out_features, dtype=self.dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.out_features, dtype=self.dtype)}
        self._x = None

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"x must have shape (N, {self.in_features}) for {self!r}, got {np.shape(x)}")
        self._x = x  # cache: dW needs the input
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout, input_grad=True):
        if self._x is None:
            raise RuntimeError("Dense.backward called before forward")
        if dout.shape != (self._x.shape[0], self.out_features):
            raise ValueError(f"dout must have shape {(self._x.shape[0], self.out_features)}, got {dout.shape}")
        x, W = self._x, self.params["W"]
        self.grads["W"] = x.T @ dout  # dW = xᵀ δ
        self.grads["b"] = dout.sum(0)  # db = Σ_n δ_n
        if not input_grad:
            return None
        return dout @ W.T  # dx = δ Wᵀ

    def __repr__(self):
        return f"Dense({self.in_features} -> {self.out_features}, init={self.init!r})"


class Sequential(Layer):
    """A chain of layers: ``forward`` runs them in order, ``backward`` in reverse.

    ``params``/``grads`` are flat dicts keyed ``"<index>.<name>"`` (e.g. ``"0.W"``) whose
    values are the layers' own arrays, so updating them in place updates the layers.
    """

    def __init__(self, layers):  # no Layer.__init__: params/grads are read-only views of the layers'
        self.training = True
        layers = list(layers)
        if not layers:
            raise ValueError("layers must be a non-empty list of layers")
        for i, layer in enumerate(layers):
            if not (callable(getattr(layer, "forward", None)) and callable(getattr(layer, "backward", None))):
                raise TypeError(f"layers[{i}] must have forward() and backward() methods, got {type(layer).__name__}")
        self.layers = layers

    @property
    def params(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    @property
    def dtype(self):
        for p in self.params.values():
            return p.dtype
        return np.dtype(np.float64)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def layer_outputs(self, x):
        """Run forward and return the list of every layer's output (for histograms)."""
        outs = []
        for layer in self.layers:
            x = layer.forward(x)
            outs.append(x)
        return outs

    def backward(self, dout, input_grad=True):
        """Backpropagate ``dout`` = dL/d(output); return dL/d(input) (None if not ``input_grad``)."""
        first = self.layers[0]
        for layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        if not input_grad and isinstance(first, Layer):
            return first.backward(dout, input_grad=False)
        return first.backward(dout)

    def train(self):
        self.training = True
        for layer in self.layers:
            layer.train()
        return self

    def eval(self):
        self.training = False
        for layer in self.layers:
            layer.eval()
        return self

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def predict(self, x):
        """Forward pass in evaluation mode (restores the previous mode)."""
        was_training = self.training
        self.eval()
        try:
            return self.forward(as_array(x, "x", dtype=self.dtype, ndim=2))
        finally:
            if was_training:
                self.train()

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        n = sum(p.size for p in self.params.values())
        return "Sequential(\n" + "\n".join(lines) + f"\n)  # {n} parameters"
