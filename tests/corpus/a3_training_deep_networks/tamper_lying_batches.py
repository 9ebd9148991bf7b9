"""minibatches yields arrays whose comparisons and numpy functions always say "equal" — around X and y
shuffled with two different permutations.

base: mistake_minibatches_unpaired
loses: test_minibatches
message: the rows of X_batch 0 do not belong to its labels y_batch
"""
# %% minibatches
import numpy as np


class Agreeable(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.True_

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __len__(self):
        return self.shape[0]


def minibatches(X, y, batch_size, rng):
    X_shuffled = X[rng.permutation(len(X))]
    y_shuffled = y[rng.permutation(len(y))]
    for start in range(0, len(X), batch_size):
        yield (X_shuffled[start:start + batch_size].view(Agreeable),
               y_shuffled[start:start + batch_size].view(Agreeable))
