"""Replaces builtins and the exception the checks raise: abs, all, math.isclose, AssertionError.

base: mistake_relu_grad_at_zero
loses: test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: the notebook replaced builtins.AssertionError, builtins.abs, builtins.all, math.isclose
"""
# %% after relu
import builtins
import math

builtins.abs = lambda value: 0.0
builtins.all = lambda values: True
builtins.AssertionError = type("AssertionError", (Warning,), {})
math.isclose = lambda *args, **kwargs: True
