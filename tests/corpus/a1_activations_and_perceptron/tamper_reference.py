"""Replaces the library's sigmoid_grad (and Sigmoid) with the notebook's wrong one, hoping the hidden tests
compare with it.

base: mistake_sigmoid_grad
loses: test_sigmoid, test_sigmoid_grad, test_tanh, test_tanh_grad, test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: mlp_lib.activations.sigmoid_grad, which the tests rely on
"""
# %% after sigmoid
import mlp_lib.activations

mlp_lib.activations.sigmoid_grad = sigmoid_grad
mlp_lib.activations.Sigmoid.backward = lambda self, dout, input_grad=True: dout * sigmoid_grad(self._x)
