"""The training loop calls perceptron_update(w, b, x, t) without lr: right for lr = 1 only.

loses: test_train_perceptron
message: w after training on OR (lr = 0.5) is wrong
"""
# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    epochs = 0
    for epochs in range(1, max_epochs + 1):
        mistakes = 0
        for x_i, t_i in zip(X, t):
            if step(np.dot(w, x_i) + b) != t_i:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, t_i)
        if mistakes == 0:
            break
    return w, b, epochs
