"""train_step updates the weights only, not the biases.

loses: test_train_step
message: b1 after one step is wrong
"""
# %% train_step
import numpy as np


def train_step(layers, X, t, lr):
    out = X
    for layer in layers:
        out = layer.forward(out)
    J, dout = squared_error(out, t)
    for layer in reversed(layers):
        dout = layer.backward(dout)
    for layer in layers:
        if "W" in layer.params:
            layer.params["W"] -= lr * layer.grads["W"]
    return J
