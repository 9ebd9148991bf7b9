"""Training loops until an epoch has no mistakes, ignoring max_epochs: it never ends on XOR.

loses: test_train_perceptron_max_epochs
message: train_perceptron on XOR did not finish within 3 s (infinite loop?)
"""
# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    epochs = 0
    while True:
        epochs += 1
        mistakes = 0
        for x_i, t_i in zip(X, t):
            if step(np.dot(w, x_i) + b) != t_i:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, t_i, lr)
        if mistakes == 0:
            return w, b, epochs
