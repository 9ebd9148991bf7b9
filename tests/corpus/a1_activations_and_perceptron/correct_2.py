"""Correct answers written differently (2): 0.5(1 + tanh(x/2)), clipped exponentials, masks, a loop that
detects mistakes by a change of the weights.

tanh_grad is 4 / (e^x + e^-x)²: right everywhere, but exp overflows at ±1000 with a numpy warning — a
warning is not a failure where the assignment does not ask for none.

loses: nothing
"""
# %% sigmoid
import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def sigmoid_grad(x):
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))  # σ'(x) = e^-|x| / (1 + e^-|x|)²
    return e / (1.0 + e) ** 2

# %% tanh
import numpy as np


def tanh(x):
    z = np.clip(np.asarray(x, dtype=float), -20.0, 20.0)  # tanh(±20) is ±1 to 17 digits
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def tanh_grad(x):
    x = np.asarray(x, dtype=float)
    return 4.0 / (np.exp(x) + np.exp(-x)) ** 2

# %% relu
import numpy as np


def relu(x):
    x = np.asarray(x, dtype=float)
    return x * (x > 0)


def relu_grad(x):
    return (np.asarray(x) > 0) * 1.0

# %% perceptron_update
import numpy as np


def step(z):
    """Heaviside step (given): 1 where z >= 0, else 0."""
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_update(w, b, x, t, lr=1.0):
    if step(np.dot(w, x) + b) == t:
        return w.copy(), float(b)
    sign = 1.0 if t == 1 else -1.0
    return w + lr * sign * x, float(b + lr * sign)

# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        changed = False
        for x_i, t_i in zip(X, t):
            w_new, b_new = perceptron_update(w, b, x_i, t_i, lr)
            changed = changed or not np.array_equal(w_new, w) or b_new != b
            w, b = w_new, b_new
        if not changed:
            return w, b, epoch + 1
    return w, b, max_epochs
