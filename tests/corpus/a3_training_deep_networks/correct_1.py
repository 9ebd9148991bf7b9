"""Correct answers written differently (1): He and Xavier from uniform distributions of the right variance,
clipping with minimum/maximum and g · min(1, v/‖g‖), rng.shuffle, BatchNorm with ε added to σ.

clip_by_norm divides by a zero norm for a zero gradient: numpy warns "divide by zero", min(1, inf) = 1 and
the result is right — a warning is not a failure. Adding ε to the standard deviation instead of the
variance is a convention found in real code; the tests' tolerance accepts it.

loses: nothing
"""
# %% init
import numpy as np


def xavier_init(n_in, n_out, rng):
    a = np.sqrt(3.0 / n_in)  # U(-a, a) has variance a²/3 = 1/n_in
    return rng.uniform(-a, a, size=(n_in, n_out))


def he_init(n_in, n_out, rng):
    a = np.sqrt(6.0 / n_in)  # variance a²/3 = 2/n_in
    return rng.uniform(-a, a, size=(n_in, n_out))

# %% clipping
import numpy as np


def clip_by_value(g, min_value, max_value):
    return np.minimum(np.maximum(g, min_value), max_value)


def clip_by_norm(g, max_norm):
    norm = np.linalg.norm(g)
    return g * min(1.0, max_norm / norm)

# %% minibatches
import numpy as np


def minibatches(X, y, batch_size, rng):
    order = np.arange(len(X))
    rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        yield X[batch], y[batch]

# %% batchnorm
import numpy as np


class BatchNorm:
    """Batch normalization of x (N, D) per feature, with learned gamma and beta of shape (D,)."""

    def __init__(self, num_features, momentum=0.9, eps=1e-5):
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.grads = {"gamma": np.zeros(num_features), "beta": np.zeros(num_features)}
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.momentum, self.eps = momentum, eps
        self.training = True  # set to False for evaluation mode
        self.cache = None  # what forward keeps for backward

    def forward(self, x):
        if self.training:
            mu = x.mean(axis=0)
            var = ((x - mu) ** 2).mean(axis=0)
            n = len(x)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var * n / (n - 1)
        else:
            mu, var = self.running_mean, self.running_var
        std = np.sqrt(var) + self.eps  # ε on the standard deviation
        x_hat = (x - mu) / std
        self.cache = (x_hat, std, self.training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout):
        x_hat, std, training = self.cache
        self.grads["gamma"] = (dout * x_hat).sum(axis=0)
        self.grads["beta"] = dout.sum(axis=0)
        d_hat = dout * self.params["gamma"]
        if not training:
            return d_hat / std
        n = len(dout)
        return (n * d_hat - d_hat.sum(axis=0) - x_hat * (d_hat * x_hat).sum(axis=0)) / (n * std)
