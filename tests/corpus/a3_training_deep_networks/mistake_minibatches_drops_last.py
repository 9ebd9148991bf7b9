"""The last, smaller batch is dropped.

loses: test_minibatches
message: batch sizes [3, 3, 3], expected [3, 3, 3, 1]
"""
# %% minibatches
import numpy as np


def minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
