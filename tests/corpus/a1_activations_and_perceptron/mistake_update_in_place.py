"""The perceptron update with w += …: it changes the caller's w.

loses: test_perceptron_update
message: perceptron_update changed the w it was given — return a new array
"""
# %% perceptron_update
import numpy as np


def step(z):
    """Heaviside step (given): 1 where z >= 0, else 0."""
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_update(w, b, x, t, lr=1.0):
    y_hat = step(np.dot(w, x) + b)
    w += lr * (t - y_hat) * x
    b += lr * (t - y_hat)
    return w, b
