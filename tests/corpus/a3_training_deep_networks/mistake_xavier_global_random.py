"""Xavier drawn from np.random instead of the rng argument: right statistics, not reproducible.

loses: test_xavier
message: xavier_init with the same seed twice: the results differ
"""
# %% init
import numpy as np


def xavier_init(n_in, n_out, rng):
    return np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)


def he_init(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
