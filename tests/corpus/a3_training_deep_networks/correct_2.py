"""Correct answers written differently (2): standard normals scaled, np.where clipping, rng.choice,
a step-by-step (computational graph) BatchNorm backward with in-place running statistics.

loses: nothing
"""
# %% init
import numpy as np


def xavier_init(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)


def he_init(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)

# %% clipping
import numpy as np


def clip_by_value(g, min_value, max_value):
    return np.where(g > max_value, max_value, np.where(g < min_value, min_value, g))


def clip_by_norm(g, max_norm):
    norm = np.sqrt((g ** 2).sum())
    return g * (max_norm / max(norm, max_norm))

# %% minibatches
import numpy as np


def minibatches(X, y, batch_size, rng):
    n = len(y)
    order = rng.choice(n, size=n, replace=False)
    X_shuffled, y_shuffled = X[order], y[order]
    start = 0
    while start < n:
        yield X_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size]
        start += batch_size

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
        m = self.momentum
        if self.training:
            n = x.shape[0]
            mu = np.sum(x, axis=0) / n
            xmu = x - mu
            var = np.sum(xmu ** 2, axis=0) / n
            self.running_mean *= m
            self.running_mean += (1 - m) * mu
            self.running_var *= m
            self.running_var += (1 - m) * var * n / (n - 1)
        else:
            xmu = x - self.running_mean
            var = self.running_var
        sqrtvar = np.sqrt(var + self.eps)
        ivar = 1.0 / sqrtvar
        x_hat = xmu * ivar
        self.cache = (x_hat, xmu, ivar, sqrtvar, var, self.training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout):
        x_hat, xmu, ivar, sqrtvar, var, training = self.cache
        n = dout.shape[0]
        self.grads["beta"] = np.sum(dout, axis=0)
        self.grads["gamma"] = np.sum(dout * x_hat, axis=0)
        dx_hat = dout * self.params["gamma"]
        dxmu1 = dx_hat * ivar
        if not training:
            return dxmu1
        divar = np.sum(dx_hat * xmu, axis=0)
        dsqrtvar = -divar / sqrtvar ** 2
        dvar = 0.5 * dsqrtvar / np.sqrt(var + self.eps)
        dsq = dvar * np.ones_like(dout) / n
        dxmu2 = 2 * xmu * dsq
        dx1 = dxmu1 + dxmu2
        dmu = -np.sum(dx1, axis=0)
        return dx1 + dmu * np.ones_like(dout) / n
