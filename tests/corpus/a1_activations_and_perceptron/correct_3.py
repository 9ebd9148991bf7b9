"""Correct answers written differently (3): a clipped exponential, np.heaviside, np.clip.

loses: nothing
"""
# %% sigmoid
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=float), -500.0, 500.0)))


def sigmoid_grad(x):
    return sigmoid(x) * (1 - sigmoid(x))

# %% relu
import numpy as np


def relu(x):
    return np.clip(np.asarray(x, dtype=float), 0.0, None)


def relu_grad(x):
    return np.heaviside(np.asarray(x, dtype=float), 0.0)
