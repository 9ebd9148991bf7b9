"""relu written as |x|.

loses: test_relu
message: relu([-2, 0, 3]) is wrong at index (0,): got 2, expected 0
"""
# %% relu
import numpy as np


def relu(x):
    return np.abs(np.asarray(x, dtype=float))


def relu_grad(x):
    return (np.asarray(x) > 0).astype(float)
