"""sigmoid imported from mlp_lib; relu wraps mlp_lib's.

loses: test_sigmoid, test_sigmoid_grad, test_relu, test_relu_grad
message: sigmoid must be implemented here, not imported from mlp_lib — no points for this part
message: relu must be implemented here, not imported from mlp_lib — no points for this part
"""
# %% sigmoid
from mlp_lib.activations import sigmoid, sigmoid_grad

# %% relu
import mlp_lib


def relu(x):
    return mlp_lib.activations.relu(x)


def relu_grad(x):
    return mlp_lib.activations.relu_grad(x)
