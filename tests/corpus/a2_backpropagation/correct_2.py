"""Correct answers written differently (2): einsum, a copied cache, the loss as a mean, updates by rebinding.

loses: nothing
"""
# %% dense
import numpy as np


class Dense:
    """Fully connected layer z = x W + b: x (N, in_features) -> z (N, out_features)."""

    def __init__(self, in_features, out_features, rng=None):
        rng = np.random.default_rng(rng)
        std = np.sqrt(1.0 / in_features)  # Xavier initialization (assignment 3)
        self.params = {"W": rng.normal(0.0, std, size=(in_features, out_features)),
                       "b": np.zeros(out_features)}
        self.grads = {"W": np.zeros((in_features, out_features)), "b": np.zeros(out_features)}
        self.x = None  # the input of the last forward pass

    def forward(self, x):
        self.x = np.array(x, dtype=float, copy=True)
        return np.matmul(x, self.params["W"]) + self.params["b"][None, :]

    def backward(self, dout):
        self.grads["W"] = np.einsum("ni,nj->ij", self.x, dout)
        self.grads["b"] = dout.sum(0)
        return np.einsum("nj,ij->ni", dout, self.params["W"])

    def __repr__(self):
        n_in, n_out = self.params["W"].shape
        return f"Dense({n_in} -> {n_out})"

# %% activations
import numpy as np


class Tanh:
    """tanh as a layer; forward keeps its output, which is all backward needs."""

    def __init__(self):
        self.params, self.grads = {}, {}  # no parameters
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        a = self.out
        return dout - dout * a * a


class Sigmoid:
    """The logistic sigmoid as a layer."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.out = None

    def forward(self, x):
        self.out = np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + exp(-x)) without overflow
        return self.out

    def backward(self, dout):
        return np.multiply(dout, self.out * (1.0 - self.out))

# %% loss
import numpy as np


def squared_error(z, t):
    J = np.mean(0.5 * np.sum((t - z) ** 2, axis=1))
    dz = -(t - z) / z.shape[0]
    return J, dz

# %% train_step
import numpy as np


def train_step(layers, X, t, lr):
    out = X
    for i in range(len(layers)):
        out = layers[i].forward(out)
    J, dout = squared_error(out, t)
    for i in reversed(range(len(layers))):
        dout = layers[i].backward(dout)
    for layer in layers:
        for key in list(layer.params):
            layer.params[key] = layer.params[key] - lr * layer.grads[key]
    return J
