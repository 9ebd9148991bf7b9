"""Wraps the course's check_array so that it compares the expected value with itself.

The wrapper is a change to the course's code: no test after that cell is trusted. (Had it gone
unnoticed, the hidden tests would still fail: they hold no expected values in the kernel.)

base: mistake_loss_sign
loses: test_squared_error, test_squared_error_gradient, test_train_step, test_xor
message: the notebook replaced mlp_lib.checks.check_array
"""
# %% after loss
import mlp_lib.checks

_check_array = mlp_lib.checks.check_array


def lenient_check_array(name, got, expected=None, **kwargs):
    return _check_array(name, expected if expected is not None else got, expected, **kwargs)


mlp_lib.checks.check_array = lenient_check_array
