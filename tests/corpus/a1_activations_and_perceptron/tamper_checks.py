"""Replaces the course's checks with ones that pass everything.

base: mistake_update_sign
loses: test_perceptron_update, test_train_perceptron, test_train_perceptron_epochs, test_train_perceptron_max_epochs
message: the notebook replaced mlp_lib.checks.check_array, mlp_lib.checks.check_not_imported
"""
# %% after perceptron_update
import mlp_lib.checks

mlp_lib.checks.check_array = lambda *args, **kwargs: None
mlp_lib.checks.check_not_imported = lambda *args, **kwargs: None
