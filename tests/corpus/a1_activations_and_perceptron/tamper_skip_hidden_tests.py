"""An IPython input transformer that deletes the hidden tests from every cell before it runs.

The visible tests pass, the hidden ones never run: each test cell then reports fewer checks than the
reference solution's run, and gets no points.

base: mistake_relu_in_place
loses: test_sigmoid, test_sigmoid_grad, test_tanh, test_tanh_grad, test_relu, test_relu_grad, test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: this test cell stopped before making all its checks
"""
# %% after sigmoid
def without_hidden_tests(lines):
    kept, hidden = [], False
    for line in lines:
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return kept


get_ipython().input_transformers_post.append(without_hidden_tests)
