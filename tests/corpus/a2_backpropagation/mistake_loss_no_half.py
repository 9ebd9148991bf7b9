"""J without the ½ (its gradient is right).

loses: test_squared_error
message: J is wrong: got 0.125, expected 0.0625
"""
# %% loss
import numpy as np


def squared_error(z, t):
    n = z.shape[0]
    diff = z - t
    return float(np.sum(diff * diff)) / n, diff / n
