"""Tests for mlp_lib.checks: every check passes on the library's own code and names the mistake otherwise.

Checks that compare with the reference solution (``REFERENCE``) are judged the way the grader judges
them: the observations of a run with the candidate against those of a run with the reference.
"""
import time

import numpy as np
import pytest

import mlp_lib
from mlp_lib import activations as A
from mlp_lib import checks
from mlp_lib.grading import record
from mlp_lib.grading.judge import judge_cell, source_sha256
from mlp_lib.losses import SquaredError


def fails(match, fn, *args, **kwargs):
    """Assert that fn(*args, **kwargs) raises AssertionError whose message contains ``match``."""
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    assert match in str(info.value), str(info.value)
    return str(info.value)


def run_recorded(check, *args, **kwargs):
    """``(observations, message of the AssertionError raised or None)`` of one check call."""
    recorder = record.Recorder()
    record._active[0] = recorder
    try:
        check(*args, **kwargs)
        error = None
    except AssertionError as exc:
        error = str(exc)
    finally:
        record._active[0] = None
    return recorder.observations, error


def cell_record(observations, error=None):
    return {"version": 1, "source_sha256": source_sha256(""), "observations": observations, "changed": [],
            "error": {"type": "AssertionError", "message": error, "line": None} if error else None}


def graded(check, candidate, reference, *args, **kwargs):
    """The grader's message for ``check(candidate, ...)`` judged against ``check(reference, ...)``, or None."""
    expected, problem = run_recorded(check, reference, *args, **kwargs)
    assert problem is None, problem
    mine, error = run_recorded(check, candidate, *args, **kwargs)
    verdict = judge_cell("", [cell_record(mine, error)], reference=cell_record(expected))
    return None if verdict.passed else verdict.message


# --------------------------------------------------------------------------- check_array

def test_check_array_passes_and_returns_none():
    assert checks.check_array("z", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9]) is None
    assert checks.check_array("loss", 0.25, 0.25) is None
    assert checks.check_array("dW", np.zeros((2, 8)), shape=(2, 8)) is None
    assert checks.check_array("later", np.ones(3), checks.REFERENCE) is None  # judged by the grader


def test_check_array_messages():
    fails("dW has shape (8, 2), expected (2, 8)", checks.check_array, "dW", np.zeros((8, 2)), np.zeros((2, 8)))
    fails("loss has shape (4, 1), expected a single number (shape ())",
          checks.check_array, "loss", np.zeros((4, 1)), 0.5)
    fails("sigmoid(x) is None — did you forget to return a value?", checks.check_array, "sigmoid(x)", None, [1.0])
    fails("w should be an array of numbers, got str", checks.check_array, "w", "abc")
    fails("w should be an array of numbers, got tuple", checks.check_array, "w", (np.zeros(2), 1.0), [0.0, 0.0])
    fails("db contains nan at index (1,)", checks.check_array, "db", [0.0, np.nan], [0.0, 1.0])
    fails("db contains inf", checks.check_array, "db", [np.inf], shape=(1,))
    msg = fails("z is wrong at index (1,): got 3, expected 2", checks.check_array, "z", [1.0, 3.0], [1.0, 2.0],
                hint="check the bias")
    assert msg.endswith(": check the bias")


def test_check_array_names_a_known_mistake():
    a, dout = np.array([0.5, -0.25]), np.array([2.0, -1.0])
    expected, ignoring = dout * (1 - a ** 2), 1 - a ** 2
    msg = fails("Tanh.backward(dout) is wrong: it ignores dout", checks.check_array, "Tanh.backward(dout)", ignoring,
                expected, mistakes={"it ignores dout": ignoring})
    assert "index" not in msg
    fails("Tanh.backward(dout) is wrong at index (0,)", checks.check_array, "Tanh.backward(dout)", -expected,
          expected, mistakes={"it ignores dout": ignoring})


def test_checks_judge_the_values_not_the_objects_comparisons():
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return True

        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return np.True_

    liar = np.array([5.0, 6.0]).view(Agreeable)
    fails("z is wrong at index (0,): got 5, expected 1", checks.check_array, "z", liar, [1.0, 2.0])
    checks.check_array("z", np.array([1.0, 2.0]).view(Agreeable), [1.0, 2.0])


def test_other_kinds_of_checks():
    rng = np.random.default_rng(0)
    W = rng.normal(0.0, 0.1, size=(100, 200))
    checks.check_statistics("W", W, shape=(100, 200), mean=0.0, std=0.1, std_text="0.1", mean_tol=0.005, std_tol=0.004)
    fails(f"W: the weights should have standard deviation sqrt(2/n_in) = 0.1414, got {W.std():.4f}",
          checks.check_statistics,
          "W", W, shape=(100, 200), mean=0.0, std=np.sqrt(2 / 100), std_text="sqrt(2/n_in)", mean_tol=0.005,
          std_tol=0.004)
    fails("W has shape (100, 200), expected (200, 100)", checks.check_statistics, "W", W, shape=(200, 100),
          mean=0.0, std=0.1, std_text="0.1", mean_tol=0.005, std_tol=0.004)
    checks.check_same("seed twice", W, W.copy())
    fails("seed twice: the results differ at index (0, 0)", checks.check_same, "seed twice", W, W + 1)
    checks.check_same("first row", W[:1], W, prefix=True)
    checks.check_differs("two seeds", W, W + 1)
    fails("two seeds: both results are the same", checks.check_differs, "two seeds", [(W, W)], [(W, W.copy())])
    checks.check_unchanged(W, W.copy(), "changed in place")
    fails("changed in place", checks.check_unchanged, W * 2, W, "changed in place")


def test_check_classifies():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    checks.check_classifies("AND", (np.array([2.0, 1.0]), -3.0), X, np.array([0, 0, 0, 1]), model="perceptron")
    fails("AND: 1 of 4 examples misclassified (predictions [0, 0, 1, 1], targets [0, 0, 0, 1])",
          checks.check_classifies, "AND", (np.array([2.0, 0.0]), -1.0), X, np.array([0, 0, 0, 1]), model="perceptron")
    W1, b1 = np.array([[5.0, 5.0], [5.0, 5.0]]), np.array([-2.5, -7.5])  # OR and AND units
    W2, b2 = np.array([[10.0], [-10.0]]), np.array([-5.0])               # OR and not AND: XOR
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    checks.check_classifies("XOR", (W1, b1, W2, b2), X, t, model="tanh-sigmoid")
    fails("XOR: 2 of 4 examples misclassified", checks.check_classifies, "XOR", (W1, b1, -W2, b2), X, t,
          model="tanh-sigmoid")
    fails("XOR: the parameters do not fit the inputs", checks.check_classifies, "XOR", (W1.T[:1], b1, W2, b2), X, t,
          model="tanh-sigmoid")


def test_check_minibatches():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    order = np.random.default_rng(0).permutation(10)
    good = [(X[order[i:i + 3]], y[order[i:i + 3]]) for i in range(0, 10, 3)]
    checks.check_minibatches("batches", good, X, y, 3)
    fails("batches: batch sizes [3, 3, 3], expected [3, 3, 3, 1]", checks.check_minibatches, "batches", good[:3],
          X, y, 3)
    unpaired = [(xb, yb[::-1]) for xb, yb in good]
    fails("batches: the rows of X_batch 0 do not belong to its labels y_batch", checks.check_minibatches,
          "batches", unpaired, X, y, 3)
    twice = [(X[:3], y[:3])] * 3 + [(X[9:], y[9:])]
    fails("every example must appear exactly once per epoch", checks.check_minibatches, "batches", twice, X, y, 3)


# --------------------------------------------------------------------------- check_activation

def stable_sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -x))


def test_check_activation_accepts_the_library_functions():
    for name in ("sigmoid", "tanh", "relu"):
        f, g = A.FUNCTIONS[name]
        assert graded(checks.check_activation, f, f, name, stable=name != "relu") is None
        assert graded(checks.check_activation, g, g, f"{name}_grad") is None


def test_check_activation_names_unstable_forms():
    def sigmoid_nan(x):  # exp(1000) / (1 + exp(1000)) = inf / inf
        return np.exp(x) / (1 + np.exp(x))

    def sigmoid_overflow(x):  # right values, but exp(1000) overflows on the way
        return 1 / (1 + np.exp(-x))

    def tanh_nan(x):
        return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))

    assert graded(checks.check_activation, sigmoid_nan, A.sigmoid, "sigmoid") == (
        "sigmoid(1000) returned nan — use a numerically stable form")
    assert graded(checks.check_activation, sigmoid_overflow, A.sigmoid, "sigmoid", stable=True) == (
        "sigmoid(-1000) triggered the numpy warning 'overflow encountered in exp': use a numerically stable form")
    assert graded(checks.check_activation, sigmoid_overflow, A.sigmoid, "sigmoid") is None  # warnings allowed
    assert graded(checks.check_activation, tanh_nan, A.tanh, "tanh").startswith("tanh(-1000) returned nan")


def test_check_activation_wrong_values():
    msg = graded(checks.check_activation, stable_sigmoid, A.tanh, "tanh", hint="tanh ranges over (−1, 1)")
    assert msg.startswith("tanh(x) is wrong at index (0, 0)") and msg.endswith(": tanh ranges over (−1, 1)")
    assert graded(checks.check_activation, lambda x: 1 - np.tanh(x), A.tanh_grad, "tanh_grad").startswith(
        "tanh_grad(x) is wrong")
    assert graded(checks.check_activation, lambda x: None, A.relu_grad, "relu_grad") == (
        "relu_grad(x) is None — did you forget to return a value?")


def test_check_activation_input_modified_in_place():
    def relu(x):
        x[x < 0] = 0
        return x

    fails("relu changed its input array in place", checks.check_activation, relu, "relu")


# --------------------------------------------------------------------------- gradients

class TanhLayer:
    """A Tanh layer in the course contract, with a switchable bug in backward."""

    def __init__(self, bug=False):
        self.params, self.grads, self.bug = {}, {}, bug

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out) if self.bug else dout * (1 - self.out ** 2)


def test_check_layer_gradients_passes_for_library_layers():
    x = np.random.default_rng(0).normal(size=(6, 3))
    checks.check_layer_gradients(mlp_lib.Dense(3, 4, rng=0), x, name="Dense")
    checks.check_layer_gradients(TanhLayer(), x, name="Tanh")
    checks.check_layer_gradients(mlp_lib.BatchNorm(3), x, name="BatchNorm")
    checks.check_layer_gradients(mlp_lib.BatchNorm(3).eval(), x, name="BatchNorm")


def test_check_layer_gradients_names_the_wrong_gradient():
    x = np.random.default_rng(0).normal(size=(3, 4))
    msg = fails("gradient of the input x differs from finite differences (relative error",
                checks.check_layer_gradients, TanhLayer(bug=True), x, name="Tanh", hint="check the derivative of tanh")
    assert msg.endswith("): check the derivative of tanh")


class TransposedDense(mlp_lib.Dense):
    def backward(self, dout, input_grad=True):
        dx = super().backward(dout)
        self.grads["W"] = self.grads["W"].T.copy()
        return dx


class NoReturnDense(mlp_lib.Dense):
    def backward(self, dout, input_grad=True):
        super().backward(dout)


class HalfBiasDense(mlp_lib.Dense):
    def backward(self, dout, input_grad=True):
        dx = super().backward(dout)
        self.grads["b"] = self.grads["b"] / 2
        return dx


def test_check_layer_gradients_shapes_and_missing_return():
    x = np.ones((3, 2))
    fails("dW has shape (8, 2), expected (2, 8)", checks.check_layer_gradients, TransposedDense(2, 8, rng=0), x)
    fails("dx (the value backward returns) is None", checks.check_layer_gradients, NoReturnDense(2, 8, rng=0), x)
    fails("gradient of b differs from finite differences", checks.check_layer_gradients,
          HalfBiasDense(2, 3, rng=0), np.random.default_rng(1).normal(size=(4, 2)))


def test_check_model_gradients_numbers_layers_like_the_lecture():
    X = np.random.default_rng(0).normal(size=(5, 2))
    y = np.random.default_rng(1).normal(size=(5, 1))
    good = [mlp_lib.Dense(2, 4, rng=0), TanhLayer(), mlp_lib.Dense(4, 1, rng=1)]
    checks.check_model_gradients(good, SquaredError(), X, y)
    bad = [mlp_lib.Dense(2, 4, rng=0), TanhLayer(bug=True), mlp_lib.Dense(4, 1, rng=1)]
    msg = fails("gradient of W1 differs from finite differences (relative error", checks.check_model_gradients,
                bad, SquaredError(), X, y, hint="check the derivative of tanh")
    assert msg.endswith("): check the derivative of tanh")


# --------------------------------------------------------------------------- check_not_imported

def test_check_not_imported_accepts_own_code():
    def sigmoid(x):
        return stable_sigmoid(x)  # a helper of the student's own, using numpy only

    class Dense:
        def forward(self, x):
            return x @ np.ones((2, 2))

    checks.check_not_imported(sigmoid, "sigmoid")
    checks.check_not_imported(Dense, "Dense")


def _wrapped_module(x):
    return A.sigmoid(x)


def _wrapped_package(x):
    return mlp_lib.activations.sigmoid(x)


def _imported_inside(x):
    from mlp_lib.activations import sigmoid
    return sigmoid(x)


def _by_name(x):
    return __import__("mlp_lib").activations.sigmoid(x)


def _by_module_name(x):
    return __import__("importlib").import_module("mlp_lib.activations").sigmoid(x)


def _via_helper(x):
    return _wrapped_module(x)


def test_check_not_imported_detects_imports_and_wrappers():
    expected = "sigmoid must be implemented here, not imported from mlp_lib — no points for this part"
    for fn in (A.sigmoid, _wrapped_module, _wrapped_package, _imported_inside, _by_name, _by_module_name,
               _via_helper, lambda x, f=A.sigmoid: f(x)):
        fails(expected, checks.check_not_imported, fn, "sigmoid")
    fails("(it uses mlp_lib.activations.sigmoid)", checks.check_not_imported, A.sigmoid, "sigmoid")
    fails("(it uses the module name 'mlp_lib.activations')", checks.check_not_imported, _by_module_name, "sigmoid")

    class Dense(mlp_lib.Dense):
        pass

    class Tanh:
        def __init__(self):
            self.layer = mlp_lib.Tanh()

        def forward(self, x):
            return self.layer.forward(x)

    fails("(it uses mlp_lib.layers.Dense (as a base class))", checks.check_not_imported, Dense, "Dense")
    fails("Tanh must be implemented here", checks.check_not_imported, Tanh, "Tanh")
    fails("relu is None", checks.check_not_imported, None, "relu")


def test_check_not_imported_ignores_text_that_mentions_mlp_lib():
    def sigmoid(x):
        """My own version; mlp_lib uses expit."""
        # not mlp_lib.activations.sigmoid: written here
        message = "see mlp_lib's sigmoid for comparison"
        return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float))) if message else None

    class Dense:
        """Like mlp_lib.Dense, but mine."""

        def forward(self, x):
            return x

    checks.check_not_imported(sigmoid, "sigmoid")
    checks.check_not_imported(Dense, "Dense")


def test_check_not_imported_ignores_attribute_names_that_match_globals():
    def forward(x):
        return x.A  # an attribute named like the global A (mlp_lib.activations) is not a use of it

    checks.check_not_imported(forward, "forward")


# --------------------------------------------------------------------------- time_limit

def test_time_limit_stops_an_infinite_loop_even_through_except_exception():
    start = time.perf_counter()
    with pytest.raises(AssertionError, match=r"train_perceptron did not finish within 0.3 s \(infinite loop\?\)"):
        with checks.time_limit(0.3, "train_perceptron"):
            while True:
                try:
                    time.sleep(0.01)
                except Exception:  # a student's broad except must not swallow the time limit
                    pass
    assert time.perf_counter() - start < 2


def test_time_limit_traceback_shows_where_the_code_was_stopped():
    with pytest.raises(AssertionError) as info:
        with checks.time_limit(0.2, "loop"):
            while True:
                pass
    assert isinstance(info.value.__context__, checks.TimeLimitExceeded)
    assert str(info.value.__context__) == "stopped here after 0.2 s"


def test_time_limit_lets_quick_code_finish_and_restores_the_alarm():
    import signal
    before = signal.getsignal(signal.SIGALRM)
    with checks.time_limit(5, "quick"):
        total = sum(range(100))
    assert total == 4950
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
