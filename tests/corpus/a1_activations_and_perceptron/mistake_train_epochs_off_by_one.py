"""The epoch count leaves out the last epoch, the one without mistakes.

loses: test_train_perceptron_epochs
message: epochs on AND is wrong: got 5, expected 6
"""
# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    epochs = 0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, t_i in zip(X, t):
            if step(np.dot(w, x_i) + b) != t_i:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, t_i, lr)
        if mistakes == 0:
            break
        epochs += 1
    return w, b, epochs
