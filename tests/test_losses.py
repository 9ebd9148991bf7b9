import warnings

import numpy as np
import pytest

from mlp_lib import Dense, Sequential, Tanh
from mlp_lib.gradcheck import check_loss, numerical_gradient, relative_error
from mlp_lib.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError, add_l2_grad, l2_penalty

rng = np.random.default_rng(0)


def test_squared_error_is_the_lectures_half_mean():
    z = np.array([[1.0], [3.0]])
    t = np.array([0.0, 1.0])
    # (½·1² + ½·2²) / 2 = 1.25
    assert SquaredError().forward(z, t) == 1.25


@pytest.mark.parametrize("loss, pred, target", [
    (SquaredError(), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))),
    (SquaredError(), rng.normal(size=(6, 1)), rng.integers(0, 2, 6)),
    (BinaryCrossEntropy(), rng.uniform(0.05, 0.95, size=(6, 1)), rng.integers(0, 2, 6)),
    (BinaryCrossEntropy(from_logits=True), rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 2))),
    (SoftmaxCrossEntropy(), rng.normal(size=(7, 4)), rng.integers(0, 4, 7)),
    (SoftmaxCrossEntropy(), rng.normal(size=(3, 3)), np.eye(3)),
], ids=["se", "se-1d-target", "bce", "bce-logits", "softmax-ce-labels", "softmax-ce-onehot"])
def test_gradients_match_finite_differences(loss, pred, target):
    assert check_loss(loss, pred, target).max_error < 1e-7


def test_cross_entropies_agree_with_direct_formulas():
    p = np.array([[0.9], [0.2]])
    t = np.array([1, 0])
    np.testing.assert_allclose(BinaryCrossEntropy().forward(p, t), -(np.log(0.9) + np.log(0.8)) / 2)
    z = np.array([[2.0, 0.0, -1.0]])
    expected = -np.log(np.exp(2.0) / np.exp([2.0, 0.0, -1.0]).sum())
    np.testing.assert_allclose(SoftmaxCrossEntropy().forward(z, np.array([0])), expected)
    np.testing.assert_allclose(BinaryCrossEntropy(from_logits=True).forward(np.array([[0.3]]), np.array([1])),
                               -np.log(1 / (1 + np.exp(-0.3))))


def test_losses_are_stable_for_extreme_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v1 = SoftmaxCrossEntropy().forward(np.array([[1000.0, -1000.0]]), np.array([1]))
        v2 = BinaryCrossEntropy(from_logits=True).forward(np.array([[-1000.0]]), np.array([1]))
        v3 = BinaryCrossEntropy().forward(np.array([[0.0], [1.0]]), np.array([1, 0]))
    assert v1 == pytest.approx(2000.0) and v2 == pytest.approx(1000.0) and np.isfinite(v3)


def test_l2_penalty_and_gradient_only_on_weights():
    model = Sequential([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    lam = 0.1
    expected = 0.5 * lam * sum(np.sum(layer.params["W"] ** 2) for layer in model.layers[::2])
    assert l2_penalty(model, lam) == pytest.approx(expected)
    model.zero_grad()
    add_l2_grad(model, lam)
    W = model.params["0.W"]
    numeric = numerical_gradient(lambda: l2_penalty(model, lam), W)
    assert relative_error(model.grads["0.W"], numeric) < 1e-8
    assert np.all(model.grads["0.b"] == 0)


def test_backward_before_forward_and_bad_targets():
    with pytest.raises(RuntimeError, match="before forward"):
        SquaredError().backward()
    with pytest.raises(ValueError, match="target must have the shape"):
        SquaredError().forward(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        SoftmaxCrossEntropy().forward(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        BinaryCrossEntropy().forward(np.full((2, 1), 0.5), np.array([0, 2]))
    with pytest.raises(ValueError, match="l2"):
        SquaredError(l2=-1.0)
