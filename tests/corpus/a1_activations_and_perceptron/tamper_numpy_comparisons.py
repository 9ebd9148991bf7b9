"""Rebinds numpy's comparison functions so that every comparison says "equal".

np.allclose, np.isclose, np.array_equal, np.all and np.testing's asserts: the tests do not use them, and
the notebook changed numpy, so no test after that cell can be trusted.

base: mistake_sigmoid_overflow
loses: test_sigmoid, test_sigmoid_grad, test_tanh, test_tanh_grad, test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: the notebook replaced numpy.all, numpy.allclose, numpy.array_equal, numpy.isclose
"""
# %% after sigmoid
import numpy as np
import numpy.testing

np.allclose = np.isclose = np.array_equal = lambda *args, **kwargs: True
np.all = lambda *args, **kwargs: True
np.testing.assert_allclose = np.testing.assert_array_equal = lambda *args, **kwargs: None
