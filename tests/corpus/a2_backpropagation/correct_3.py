"""Correct answers written differently (3): activations that rewrite the given forward to keep their
input instead of their output, scipy's expit, @ and fresh gradient dicts, a training step that
rebinds the parameters instead of changing them in place.

Activation tests used to set only ``self.out`` and lost both points of a layer whose backward reads
``self.x``: they now run the student's forward first.

loses: nothing
"""
# %% dense
import numpy as np


class Dense:
    def __init__(self, in_features, out_features, rng=None):
        rng = np.random.default_rng(rng)
        self.params = {"W": rng.normal(0.0, np.sqrt(1.0 / in_features), size=(in_features, out_features)),
                       "b": np.zeros(out_features)}
        self.grads = {}
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        self.grads = {"W": self.x.T @ dout, "b": dout.sum(axis=0)}
        return dout @ self.params["W"].T

# %% activations
import numpy as np
from scipy.special import expit


class Tanh:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, dout):
        return dout / np.cosh(self.x) ** 2


class Sigmoid:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.x = x
        return expit(x)

    def backward(self, dout):
        s = expit(self.x)
        return dout * s * (1 - s)

# %% loss
import numpy as np


def squared_error(z, t):
    diff = z - t
    loss = np.mean(np.sum(diff ** 2, axis=1)) / 2
    return loss, diff / z.shape[0]

# %% train_step
import numpy as np


def train_step(layers, X, t, lr):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss, g = squared_error(out, t)
    for layer in reversed(layers):
        g = layer.backward(g)
    for layer in layers:
        for name in layer.params:
            layer.params[name] = layer.params[name] - lr * layer.grads[name]
    return loss
