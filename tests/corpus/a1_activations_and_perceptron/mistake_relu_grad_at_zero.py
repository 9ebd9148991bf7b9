"""ReLU'(0) taken as 1 (x >= 0) where the assignment says 0.

loses: test_relu_grad
message: relu_grad(0) is wrong at index (0,): got 1, expected 0
"""
# %% relu
import numpy as np


def relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def relu_grad(x):
    return (np.asarray(x) >= 0).astype(float)
