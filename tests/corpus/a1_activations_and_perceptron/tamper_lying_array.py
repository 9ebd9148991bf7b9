"""tanh_grad returns an ndarray subclass whose comparisons always say "equal" (and whose ufuncs lie).

The values are judged as the numbers they hold, so this scores what the same wrong tanh_grad does.

base: mistake_tanh_grad
loses: test_tanh_grad
message: tanh_grad([-1, 2]) is wrong
"""
# %% tanh
import numpy as np


class Agreeable(np.ndarray):
    """Equal to everything, close to everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.True_ if ufunc.nout == 1 else (np.True_,) * ufunc.nout

    def __array_function__(self, func, types, args, kwargs):
        return True


def tanh(x):
    x = np.asarray(x, dtype=float)
    u = np.exp(-2.0 * np.abs(x))
    return np.sign(x) * (1.0 - u) / (1.0 + u)


def tanh_grad(x):
    return np.asarray(1.0 - tanh(x)).view(Agreeable)
