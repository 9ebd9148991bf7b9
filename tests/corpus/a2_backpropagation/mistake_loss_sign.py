"""dJ/dz with the sign of the slide's δ: (t − z) / N.

loses: test_squared_error_gradient
message: dz is wrong: it has the wrong sign: dJ/dz = (z − t) / N (the slide's δ is its negative)
"""
# %% loss
import numpy as np


def squared_error(z, t):
    n = z.shape[0]
    diff = z - t
    return 0.5 * float(np.sum(diff * diff)) / n, (t - z) / n
