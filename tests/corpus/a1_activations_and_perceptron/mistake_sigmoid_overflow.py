"""The textbook sigmoid 1 / (1 + e^-x): right values, but exp(1000) overflows with a warning.

The part asks for no warnings at ±1000; sigmoid_grad, which calls it, is tested with a correct sigmoid.

loses: test_sigmoid
message: sigmoid(-1000) triggered the numpy warning 'overflow encountered in exp': use a numerically stable form
"""
# %% sigmoid
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)
