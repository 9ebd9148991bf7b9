"""An off-by-one in the loop bound: max_epochs + 1 epochs when training does not converge.

On data it separates, the loop stops early and the epoch count is right.

loses: test_train_perceptron_max_epochs
message: w after max_epochs = 4 epochs is wrong
"""
# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    epochs = 0
    while epochs <= max_epochs:
        epochs += 1
        mistakes = 0
        for x_i, t_i in zip(X, t):
            if step(np.dot(w, x_i) + b) != t_i:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, t_i, lr)
        if mistakes == 0:
            break
    return w, b, epochs
