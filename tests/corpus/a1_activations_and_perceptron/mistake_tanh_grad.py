"""tanh'(x) written as 1 − tanh(x), without the square.

loses: test_tanh_grad
message: tanh_grad([-1, 2]) is wrong
"""
# %% tanh
import numpy as np


def tanh(x):
    x = np.asarray(x, dtype=float)
    u = np.exp(-2.0 * np.abs(x))
    return np.sign(x) * (1.0 - u) / (1.0 + u)


def tanh_grad(x):
    return 1.0 - tanh(x)
