import numpy as np
import pytest

from mlp_lib import BatchNorm, Dense, Identity, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh
from mlp_lib.gradcheck import check_layer, check_model
from mlp_lib.losses import SoftmaxCrossEntropy, SquaredError


def test_public_contract_imports():
    import mlp_lib

    for name in ["Sequential", "Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Identity", "BatchNorm"]:
        assert hasattr(mlp_lib, name)


def test_dense_shapes_and_formula():
    layer = Dense(3, 2, rng=0)
    assert layer.params["W"].shape == (3, 2) and layer.params["b"].shape == (2,)
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"])


def test_dense_backward_worked_by_hand():
    layer = Dense(2, 1, init="zeros")
    layer.params["W"][:] = [[2.0], [-1.0]]
    layer.params["b"][:] = [0.5]
    x = np.array([[1.0, 3.0]])
    assert layer.forward(x)[0, 0] == 2 * 1 - 1 * 3 + 0.5  # -0.5
    dx = layer.backward(np.array([[4.0]]))
    np.testing.assert_array_equal(layer.grads["W"], [[4.0], [12.0]])  # x^T δ
    np.testing.assert_array_equal(layer.grads["b"], [4.0])
    np.testing.assert_array_equal(dx, [[8.0, -4.0]])  # δ W^T


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (7, 2)])
def test_dense_gradcheck(shape):
    x = np.random.default_rng(2).normal(size=(4, shape[0]))
    result = check_layer(Dense(*shape, rng=3), x)
    assert result.max_error < 1e-7, result


@pytest.mark.parametrize("act", [Sigmoid, Tanh, ReLU, LeakyReLU, Identity])
def test_sequential_gradcheck_every_parameter(act):
    rng = np.random.default_rng(4)
    model = Sequential([Dense(3, 5, rng=5), act(), Dense(5, 4, rng=6), BatchNorm(4), act(), Dense(4, 3, rng=7)])
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 3, size=8)
    result = check_model(model, SoftmaxCrossEntropy(), X, y)
    assert set(result.errors) == set(model.params)
    assert result.max_error < 1e-7, result


def test_sequential_params_are_views_and_keys_match():
    model = Sequential([Dense(2, 3, rng=0), Tanh(), Dense(3, 1, rng=1)])
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b"] == list(model.grads)
    model.params["0.W"][0, 0] = 42.0
    assert model.layers[0].params["W"][0, 0] == 42.0


def test_backward_can_skip_input_gradient_but_returns_it_by_default():
    model = Sequential([Dense(2, 3, rng=0), Tanh(), Dense(3, 1, rng=1)])
    x = np.ones((4, 2))
    out = model.forward(x)
    dx = model.backward(np.ones_like(out))
    assert dx.shape == (4, 2)
    grads = {k: v.copy() for k, v in model.grads.items()}
    model.forward(x)
    assert model.backward(np.ones_like(out), input_grad=False) is None
    for k, v in model.grads.items():
        np.testing.assert_array_equal(v, grads[k])


def test_train_eval_propagate_and_predict_restores_mode():
    model = Sequential([Dense(2, 3, rng=0), BatchNorm(3), ReLU()])
    model.eval()
    assert all(not layer.training for layer in model.layers)
    model.train()
    model.predict(np.ones((2, 2)))
    assert all(layer.training for layer in model.layers)


def test_repr_is_readable():
    model = Sequential([Dense(2, 4, init="he", rng=0), ReLU(), Dense(4, 1, rng=0), Sigmoid()])
    text = repr(model)
    assert "(0): Dense(2 -> 4, init=he())" in text and "(3): Sigmoid()" in text and "17 parameters" in text


def test_same_seed_same_weights_different_seed_different():
    a, b, c = Dense(4, 3, rng=7), Dense(4, 3, rng=7), Dense(4, 3, rng=8)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], c.params["W"])


def test_float32_option():
    layer = Dense(3, 2, rng=0, dtype=np.float32)
    assert layer.params["W"].dtype == np.float32
    out = layer.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"in_features": 0, "out_features": 2}, ValueError, "in_features"),
    ({"in_features": 2.5, "out_features": 2}, TypeError, "in_features"),
    ({"in_features": 2, "out_features": 2, "init": "magic"}, ValueError, "init must be one of"),
    ({"in_features": 2, "out_features": 2, "rng": "seed"}, TypeError, "rng"),
    ({"in_features": 2, "out_features": 2, "dtype": np.int64}, TypeError, "dtype"),
])
def test_dense_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Dense(**kwargs)


def test_dense_wrong_input_shape_names_expected_shape():
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3\)"):
        Dense(3, 2, rng=0).forward(np.ones((4, 2)))
    layer = Dense(3, 2, rng=0)
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="dout must have shape"):
        layer.backward(np.ones((4, 3)))


def test_sequential_bad_arguments():
    with pytest.raises(ValueError, match="layers"):
        Sequential([])
    with pytest.raises(TypeError, match=r"layers\[1\]"):
        Sequential([Dense(2, 2), "relu"])


def test_squared_error_through_the_model_matches_finite_differences():
    rng = np.random.default_rng(9)
    model = Sequential([Dense(2, 6, rng=1), Tanh(), Dense(6, 2, rng=2), Sigmoid()])
    result = check_model(model, SquaredError(), rng.normal(size=(5, 2)), rng.uniform(size=(5, 2)))
    assert result.max_error < 1e-7, result


def test_sequential_params_cannot_be_replaced_by_mistake():
    model = Sequential([Dense(2, 1, rng=0)])
    with pytest.raises(AttributeError):
        model.params = {}


def _torch_forward(torch, model, X, params):
    """The same network written with torch operations on ``params`` (tensors keyed like model.params)."""
    F = torch.nn.functional
    h = torch.tensor(X)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Dense):
            h = h @ params[f"{i}.W"] + params[f"{i}.b"]
        elif isinstance(layer, BatchNorm):  # batch statistics, biased variance: training mode
            h = F.batch_norm(h, None, None, weight=params[f"{i}.gamma"], bias=params[f"{i}.beta"],
                             training=True, eps=layer.eps)
        elif isinstance(layer, LeakyReLU):
            h = F.leaky_relu(h, layer.alpha)
        else:
            h = {Tanh: torch.tanh, ReLU: torch.relu, Sigmoid: torch.sigmoid, Identity: lambda t: t}[type(layer)](h)
    return h


@pytest.mark.parametrize("case", ["softmax-ce", "bce", "squared-error"])
def test_mlp_gradients_match_pytorch_autograd(case):
    """A whole MLP's loss and every parameter gradient against PyTorch's autograd (an
    independent implementation), when PyTorch happens to be installed."""
    torch = pytest.importorskip("torch")
    from mlp_lib.losses import BinaryCrossEntropy

    rng = np.random.default_rng(11)
    X = rng.normal(size=(9, 4))
    hidden = [Dense(4, 6, rng=1), Tanh(), Dense(6, 5, rng=2), BatchNorm(5), ReLU(), Dense(5, 5, rng=3),
              LeakyReLU(0.1), Dense(5, 4, rng=4), Sigmoid()]
    if case == "softmax-ce":
        model, loss, y = Sequential(hidden + [Dense(4, 3, rng=5)]), SoftmaxCrossEntropy(), rng.integers(0, 3, 9)
    elif case == "bce":
        model, loss, y = Sequential(hidden + [Dense(4, 1, rng=5), Sigmoid()]), BinaryCrossEntropy(), rng.integers(0, 2, 9)
    else:
        model, loss, y = Sequential(hidden + [Dense(4, 2, rng=5), Identity()]), SquaredError(), rng.normal(size=(9, 2))
    value = loss.forward(model.forward(X), y)
    model.backward(loss.backward())

    params = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in model.params.items()}
    out = _torch_forward(torch, model, X, params)
    F = torch.nn.functional
    if case == "softmax-ce":
        reference = F.cross_entropy(out, torch.tensor(y))
    elif case == "bce":
        reference = F.binary_cross_entropy(out, torch.tensor(y, dtype=torch.float64).reshape(-1, 1))
    else:
        reference = 0.5 * ((out - torch.tensor(y)) ** 2).sum() / len(X)
    reference.backward()
    assert value == pytest.approx(reference.item(), rel=1e-12)
    assert set(params) == set(model.grads)
    for key, p in params.items():
        np.testing.assert_allclose(model.grads[key], p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=key)
