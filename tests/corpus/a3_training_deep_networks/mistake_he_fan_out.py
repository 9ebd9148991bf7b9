"""He with the fan-out n_out (the slide's n^[l]) instead of the fan-in.

loses: test_he
message: he_init(100, 200, rng): the weights should have standard deviation sqrt(2/n_in) = 0.1414, got 0.09
"""
# %% init
import numpy as np


def xavier_init(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))


def he_init(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_out), size=(n_in, n_out))
