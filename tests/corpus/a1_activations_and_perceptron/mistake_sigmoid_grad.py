"""σ'(x) written as σ(x)(1 − x): the input where the output belongs.

loses: test_sigmoid_grad
message: sigmoid_grad(0) is wrong
"""
# %% sigmoid
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))


def sigmoid_grad(x):
    return sigmoid(x) * (1 - x)
