"""relu written as abs(x), with np.array changed so that test inputs lose their negative entries — where
abs and ReLU agree.

base: mistake_relu_abs
loses: test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: the notebook replaced numpy.array, numpy.linspace
"""
# %% after relu
import numpy as np

_array, _linspace = np.array, np.linspace
np.array = lambda data, *args, **kwargs: np.maximum(_array(data, *args, **kwargs), 0)
np.linspace = lambda *args, **kwargs: np.maximum(_linspace(*args, **kwargs), 0)
