"""Correct answers written differently (1): piecewise sigmoid, tanh via sigmoid, np.where, a while loop.

The sigmoid's docstring mentions mlp_lib: text is not a use of the library.

loses: nothing
"""
# %% sigmoid
import numpy as np


def sigmoid(x):
    """My own version; mlp_lib uses expit. exp is only taken where it cannot overflow."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def sigmoid_grad(x):
    s = sigmoid(x)
    return s - s * s

# %% tanh
import numpy as np


def tanh(x):
    """tanh(x) = 2 σ(2x) − 1, with my stable sigmoid."""
    return 2.0 * sigmoid(2.0 * np.asarray(x, dtype=float)) - 1.0


def tanh_grad(x):
    return 1 - tanh(x) ** 2

# %% relu
import numpy as np


def relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.0)


def relu_grad(x):
    return np.where(np.asarray(x) > 0, 1.0, 0.0)

# %% perceptron_update
import numpy as np


def step(z):
    """Heaviside step (given): 1 where z >= 0, else 0."""
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_update(w, b, x, t, lr=1.0):
    error = t - step(w @ x + b)
    return w + lr * error * x, b + lr * error

# %% train_perceptron
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    w = np.zeros(X.shape[1])
    b = 0.0
    epochs = 0
    while epochs < max_epochs:
        epochs += 1
        mistakes = 0
        for i in range(len(X)):
            if step(X[i] @ w + b) != t[i]:
                mistakes += 1
                w, b = perceptron_update(w, b, X[i], t[i], lr)
        if mistakes == 0:
            break
    return w, b, epochs
