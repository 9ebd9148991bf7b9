"""The update subtracts η (t − ŷ) x.

loses: test_perceptron_update
message: w after the update is wrong at index (0,): got 0.5, expected -0.5
"""
# %% perceptron_update
import numpy as np


def step(z):
    """Heaviside step (given): 1 where z >= 0, else 0."""
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_update(w, b, x, t, lr=1.0):
    y_hat = step(np.dot(w, x) + b)
    return w - lr * (t - y_hat) * x, float(b - lr * (t - y_hat))
