import numpy as np
import pytest

from mlp_lib import BatchNorm, Dense, Sequential, Sigmoid, Tanh
from mlp_lib.gradcheck import check_layer, check_model, numerical_gradient, relative_error
from mlp_lib.layers import Layer
from mlp_lib.losses import SquaredError


def test_numerical_gradient_of_a_quadratic():
    x = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored


def test_relative_error():
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([0.0], [1e-12]) == pytest.approx(1e-12)  # both ~0: absolute
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0], [1.0, 2.0])


class WrongTanh(Layer):
    """A bug a student makes: tanh' written as 1 - x² instead of 1 - tanh²(x)."""

    def forward(self, x):
        self._x = x
        return np.tanh(x)

    def backward(self, dout, input_grad=True):
        return dout * (1 - self._x ** 2)


def test_detects_a_wrong_derivative_and_names_the_layer():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(2, 4, rng=1), WrongTanh(), Dense(4, 1, rng=2), Sigmoid()])
    result = check_model(model, SquaredError(), rng.normal(size=(5, 2)), rng.uniform(size=5))
    assert result.errors["2.W"] < 1e-7  # layers above the bug are fine
    assert result.errors["0.W"] > 1e-3  # below it the gradient is wrong
    assert result.per_layer["0"] > 1e-3 and result.worst() in {"0.W", "0.b"}
    assert not result.ok()
    assert "WRONG" in repr(result)


def test_does_not_disturb_the_model():
    model = Sequential([Dense(3, 3, rng=0), BatchNorm(3), Tanh(), Dense(3, 1, rng=1)])
    before = {k: v.copy() for k, v in model.params.items()}
    rm = model.layers[1].running_mean.copy()
    check_model(model, SquaredError(), np.random.default_rng(0).normal(size=(4, 3)), np.zeros(4))
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, before[k])
    np.testing.assert_array_equal(model.layers[1].running_mean, rm)


def test_float32_model_is_checked_in_float64():
    model = Sequential([Dense(2, 3, rng=0, dtype=np.float32), Tanh(), Dense(3, 1, rng=1, dtype=np.float32)])
    result = check_model(model, SquaredError(), np.ones((2, 2)), np.zeros(2))
    assert result.max_error < 1e-7
    assert model.layers[0].params["W"].dtype == np.float32


class AliasedDense(Layer):
    """A correct layer that also keeps its parameters as attributes and reads those:
    ``self.W is self.params["W"]`` (a common way to write a layer)."""

    def __init__(self, n_in, n_out, rng=0, dtype=np.float64):
        super().__init__()
        gen = np.random.default_rng(rng)
        self.W = gen.normal(size=(n_in, n_out)).astype(dtype)
        self.b = gen.normal(size=n_out).astype(dtype)
        self.params = {"W": self.W, "b": self.b}
        self.grads = {"W": np.zeros_like(self.W), "b": np.zeros_like(self.b)}

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout, input_grad=True):
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.sum(0)
        return dout @ self.W.T


def test_layer_that_reads_its_parameters_under_other_names():
    # Regression (issue 11): the check perturbed float64 copies in params, which this layer
    # never reads, and reported "relative error 1" for a correct layer.
    x = np.random.default_rng(1).normal(size=(5, 3))
    result = check_layer(AliasedDense(3, 4), x)
    assert result.max_error < 1e-7, result
    model = Sequential([AliasedDense(3, 4, rng=2), Tanh(), AliasedDense(4, 1, rng=3)])
    result = check_model(model, SquaredError(), x, np.zeros(5))
    assert set(result.errors) == {"0.W", "0.b", "2.W", "2.b"} and result.max_error < 1e-7, result


def test_float32_parameters_are_checked_at_float64_precision():
    layer = AliasedDense(3, 4, dtype=np.float32)
    x = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    result = check_layer(layer, x)
    assert result.max_error < 1e-7, result  # the maths, not float32 rounding
    assert layer.W.dtype == np.float32 and layer.W is layer.params["W"]  # the original is untouched
    # a wrong backward in a float32 layer is still caught
    class Wrong(AliasedDense):
        def backward(self, dout, input_grad=True):
            dx = super().backward(dout)
            self.grads["W"] = 2 * self.grads["W"]
            return dx
    assert check_layer(Wrong(3, 4, dtype=np.float32), x).errors["W"] > 0.1


def test_the_original_layer_is_not_perturbed():
    layer = AliasedDense(2, 2)
    W = layer.W.copy()
    check_layer(layer, np.ones((3, 2)))
    np.testing.assert_array_equal(layer.W, W)
    assert layer.W is layer.params["W"]


def test_numerical_gradient_needs_a_float_array_it_can_perturb():
    with pytest.raises(TypeError, match="floating-point numpy array"):
        numerical_gradient(lambda: 0.0, np.arange(3))
    x = np.arange(6.0).reshape(2, 3).T  # not contiguous: still perturbed in place, entry by entry
    g = numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


def test_check_layer_reports_shape_mistakes():
    class Transposed(Dense):
        def backward(self, dout, input_grad=True):
            super().backward(dout)
            self.grads["W"] = self.grads["W"].T
            return dout @ self.params["W"].T

    with pytest.raises(ValueError, match=r"shape \(3, 2\), expected \(2, 3\)"):
        check_layer(Transposed(2, 3, rng=0), np.ones((4, 2)))


def test_unknown_key():
    model = Sequential([Dense(2, 1, rng=0)])
    with pytest.raises(ValueError, match="keys"):
        check_model(model, SquaredError(), np.ones((2, 2)), np.zeros(2), keys=["9.W"])
