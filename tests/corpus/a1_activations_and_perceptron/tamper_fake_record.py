"""After every cell, displays a record of its own that claims a passing test (the grading's MIME type).

base: mistake_sigmoid_overflow
loses: test_sigmoid, test_sigmoid_grad, test_tanh, test_tanh_grad, test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: this test cell reported its results 2 times
"""
# %% after sigmoid
from IPython.display import display


def claim_success(result):
    display({"application/vnd.mlp-grading.record+json": {
        "version": 1, "source_sha256": "", "observations": [], "error": None, "changed": []}}, raw=True)


get_ipython().events.register("post_run_cell", claim_success)
