"""Training always runs max_epochs epochs, also after an epoch without mistakes.

The weights stop changing once there are no mistakes, so only the epoch count is wrong.

loses: test_train_perceptron_epochs
message: epochs on AND is wrong: got 50, expected 6
"""
# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        for x_i, t_i in zip(X, t):
            w, b = perceptron_update(w, b, x_i, t_i, lr)
    return w, b, max_epochs
