"""Correct answers written differently (1): a Dense layer that keeps its parameters under other names too.

``self.W is self.params["W"]``: the layer reads self.W and self.b, the tests and the training loop
change params in place. (mlp_lib.gradcheck used to perturb copies of params and read "relative error 1"
for such a layer; the graded tests compare with the reference instead.)

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
        self.W, self.b = self.params["W"], self.params["b"]  # the same arrays, shorter names

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.grads["W"][...] = np.dot(self.x.T, dout)
        self.grads["b"][...] = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)

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
        return np.multiply(dout, 1.0 - np.square(self.out))


class Sigmoid:
    """The logistic sigmoid as a layer."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.out = None

    def forward(self, x):
        self.out = np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + exp(-x)) without overflow
        return self.out

    def backward(self, dout):
        s = self.out
        return dout * s - dout * s * s

# %% loss
import numpy as np


def squared_error(z, t):
    N = len(z)
    d = z - t
    return 0.5 * np.sum(d ** 2) / N, d / N

# %% train_step
import numpy as np


def train_step(layers, X, t, lr):
    activations = X
    for layer in layers:
        activations = layer.forward(activations)
    J, grad = squared_error(activations, t)
    for layer in layers[::-1]:
        grad = layer.backward(grad)
    for layer in layers:
        for key, value in layer.params.items():
            value -= lr * layer.grads[key]
    return J
