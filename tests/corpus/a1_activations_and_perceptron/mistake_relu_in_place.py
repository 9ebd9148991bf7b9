"""relu sets the negative entries of its input to 0 and returns it: right values, but the caller's array changes.

loses: test_relu
message: relu changed its input array in place — compute and return a new array instead
"""
# %% relu
import numpy as np


def relu(x):
    x[x < 0] = 0
    return x


def relu_grad(x):
    return (np.asarray(x) > 0).astype(float)
