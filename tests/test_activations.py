import warnings

import numpy as np
import pytest

from mlp_lib import activations as A
from mlp_lib.gradcheck import check_layer, numerical_gradient, relative_error

X = np.linspace(-4, 4, 41) + 0.013  # avoid the kinks of relu/step at exactly 0


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "leaky_relu"])
def test_derivative_matches_finite_differences(name):
    f, df = A.FUNCTIONS[name]
    x = X.copy()
    numeric = numerical_gradient(lambda: float(np.sum(f(x))), x)
    assert relative_error(df(X), numeric) < 1e-8


@pytest.mark.parametrize("layer", [A.Identity(), A.Sigmoid(), A.Tanh(), A.ReLU(), A.LeakyReLU(0.1), A.Softmax()],
                         ids=repr)
def test_layer_backward_gradcheck(layer):
    x = np.random.default_rng(0).normal(size=(5, 4)) * 2
    result = check_layer(layer, x)
    assert result.max_error < 1e-7, result


def test_known_values():
    assert A.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(A.sigmoid(np.log(3.0)), 0.75)
    np.testing.assert_allclose(A.tanh_grad(0.0), 1.0)
    np.testing.assert_array_equal(A.relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.relu_grad(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(A.leaky_relu(np.array([-2.0, 3.0]), 0.1), [-0.2, 3.0])
    np.testing.assert_array_equal(A.step(np.array([-1e-9, 0.0, 2.0])), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(A.step_grad(np.array([-1.0, 1.0])), [0.0, 0.0])


def test_tanh_range_is_minus_one_to_one_erratum():
    # The slide says (0, 1): wrong. tanh is odd and reaches towards -1.
    t = A.tanh(np.array([-5.0, 5.0]))
    assert t[0] < -0.99 and t[1] > 0.99


def test_numerically_stable_at_extremes():
    big = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = A.sigmoid(big)
        g = A.sigmoid_grad(big)
        p = A.softmax(np.array([[1000.0, 0.0, -1000.0], [1e4, 1e4, 0.0]]))
        layer_out = A.Sigmoid().forward(big.reshape(1, -1))
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(g)) and np.all(np.isfinite(p))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    np.testing.assert_allclose(layer_out.ravel(), s)
    np.testing.assert_allclose(A.sigmoid(-30.0), np.exp(-30.0) / (1 + np.exp(-30.0)), rtol=1e-12)


def test_softmax_rows_sum_to_one_and_shift_invariant():
    z = np.random.default_rng(1).normal(size=(4, 6))
    p = A.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(A.softmax(z + 123.0), p)


def test_step_layer_passes_no_gradient():
    layer = A.Step()
    out = layer.forward(np.array([[-1.0, 2.0]]))
    np.testing.assert_array_equal(out, [[0.0, 1.0]])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 2))), [[0.0, 0.0]])


def test_get_by_name_and_unknown_name():
    assert isinstance(A.get("tanh"), A.Tanh)
    assert A.get("leaky_relu", alpha=0.2).alpha == 0.2
    with pytest.raises(ValueError, match="activation must be one of"):
        A.get("swish")


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        A.Tanh().backward(np.ones((1, 1)))


def test_activations_have_no_params_and_readable_repr():
    for cls in A.NAMES.values():
        layer = cls()
        assert layer.params == {} and layer.grads == {}
        assert repr(layer).startswith(cls.__name__)


# ------------------------------------------------------------------ independent references: scipy.special

def test_activations_against_scipy_special():
    from scipy.special import expit, log_expit, softmax

    x = np.linspace(-40, 40, 161) + 0.013
    np.testing.assert_allclose(A.sigmoid(x), expit(x), rtol=1e-15)
    np.testing.assert_allclose(np.log(A.sigmoid(x[x > -30])), log_expit(x[x > -30]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(A.sigmoid_grad(x), expit(x) * expit(-x), rtol=1e-12, atol=1e-300)
    # tanh x = 2σ(2x) − 1 and tanh' x = 4σ(2x)σ(−2x)
    np.testing.assert_allclose(A.tanh(x), 2 * expit(2 * x) - 1, rtol=1e-12, atol=1e-15)
    # 1 − tanh² cancels where tanh x rounds to ±1: exact to 2 ulps of 1 (absolute) there, not relative
    np.testing.assert_allclose(A.tanh_grad(x), 4 * expit(2 * x) * expit(-2 * x), rtol=1e-12, atol=4.5e-16)
    z = np.random.default_rng(3).normal(scale=5.0, size=(6, 4))
    np.testing.assert_allclose(A.softmax(z), softmax(z, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(A.Softmax().forward(z), softmax(z, axis=1), rtol=1e-13)


def test_softmax_backward_is_the_jacobian_product():
    from scipy.special import softmax

    rng = np.random.default_rng(4)
    z, dout = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    layer = A.Softmax()
    layer.forward(z)
    dx = layer.backward(dout)
    for n in range(3):  # ∂s/∂z = diag(s) − s sᵀ, symmetric
        s = softmax(z[n])
        np.testing.assert_allclose(dx[n], (np.diag(s) - np.outer(s, s)) @ dout[n], rtol=1e-12, atol=1e-15)
