"""X and y shuffled with two different permutations: the rows no longer belong to their labels.

loses: test_minibatches
message: the rows of X_batch 0 do not belong to its labels y_batch
"""
# %% minibatches
import numpy as np


def minibatches(X, y, batch_size, rng):
    X_shuffled = X[rng.permutation(len(X))]
    y_shuffled = y[rng.permutation(len(y))]
    for start in range(0, len(X), batch_size):
        yield X_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size]
