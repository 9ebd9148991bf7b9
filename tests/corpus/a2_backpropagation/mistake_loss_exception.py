"""squared_error uses an undefined name N: it raises, so both its tests fail; the training step is
tested with a correct loss.

loses: test_squared_error, test_squared_error_gradient
message: NameError: name 'N' is not defined
"""
# %% loss
import numpy as np


def squared_error(z, t):
    n = z.shape[0]
    diff = z - t
    return 0.5 * float(np.sum(diff * diff)) / N, diff / N
