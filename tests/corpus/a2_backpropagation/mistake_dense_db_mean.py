"""db averaged over the batch instead of summed.

loses: test_dense_backward
message: db is wrong: it is the mean over the batch, not the sum (db = Σₙ δₙ)
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
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.mean(axis=0)
        return dout @ self.params["W"].T
