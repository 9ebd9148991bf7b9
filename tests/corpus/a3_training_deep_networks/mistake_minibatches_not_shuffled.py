"""The batches are taken in the original order: no shuffling.

loses: test_minibatches
message: minibatches with two different seeds: both results are the same: shuffle with rng
"""
# %% minibatches
import numpy as np


def minibatches(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
