"""The training-mode backward pass treats μ and σ² as constants (the evaluation-mode formula).

loses: test_batchnorm_backward
message: dx for dout = ones is wrong
"""
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
            n = x.shape[0]
            mu, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var * n / (n - 1)
        else:
            mu, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mu) * inv_std
        self.cache = (x_hat, inv_std, self.training)
        return self.params["gamma"] * x_hat + self.params["beta"]

    def backward(self, dout):
        x_hat, inv_std, training = self.cache
        self.grads["gamma"] = np.sum(dout * x_hat, axis=0)
        self.grads["beta"] = np.sum(dout, axis=0)
        d_hat = dout * self.params["gamma"]
        return d_hat * inv_std
        n = dout.shape[0]
        return (inv_std / n) * (n * d_hat - d_hat.sum(axis=0) - x_hat * np.sum(d_hat * x_hat, axis=0))
