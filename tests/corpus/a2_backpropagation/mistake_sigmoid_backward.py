"""Sigmoid.backward with a sign slip: a(1 + a).

loses: test_sigmoid_backward
message: Sigmoid.backward(dout) is wrong at index
"""
# %% activations
import numpy as np


class Tanh:
    """tanh as a layer; forward keeps its output, which is all backward needs."""

    def __init__(self):
        self.params, self.grads = {}, {}  # no parameters
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


class Sigmoid:
    """The logistic sigmoid as a layer."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.out = None

    def forward(self, x):
        self.out = np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + exp(-x)) without overflow
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 + self.out)
