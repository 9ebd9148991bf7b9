"""σ(x) = e^x / (1 + e^x) for every x: inf / inf = nan at x = 1000; tanh from the textbook formula too.

loses: test_sigmoid, test_tanh
message: sigmoid(1000) returned nan — use a numerically stable form
message: tanh(-1000) returned nan — use a numerically stable form
"""
# %% sigmoid
import numpy as np

def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))

def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)

# %% tanh
import numpy as np

def tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))

def tanh_grad(x):
    return 1 - tanh(x) ** 2
