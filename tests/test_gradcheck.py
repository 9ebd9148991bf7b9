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
