"""Xavier with the variance 1/n_in passed to rng.normal as the standard deviation.

loses: test_xavier
message: the weights should have standard deviation sqrt(1/n_in) = 0.1000, got 0.0100
"""
# %% init
import numpy as np


def xavier_init(n_in, n_out, rng):
    return rng.normal(0.0, 1.0 / n_in, size=(n_in, n_out))


def he_init(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
