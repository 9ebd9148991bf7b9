import warnings

import numpy as np
import pytest
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.metrics import log_loss, mean_squared_error

from mlp_lib.gradcheck import check_loss
from mlp_lib.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError

rng = np.random.default_rng(0)


def test_squared_error_is_the_lectures_half_mean():
    y_hat = np.array([[1.0], [3.0]])
    y = np.array([0.0, 1.0])
    # (½·1² + ½·2²) / 2 = 1.25
    assert SquaredError().forward(y_hat, y) == 1.25


# ------------------------------------------------------------------ independent references

@pytest.mark.parametrize("k", [1, 3])
def test_squared_error_against_sklearn_mean_squared_error(k):
    y_hat, y = rng.normal(size=(9, k)), rng.normal(size=(9, k))
    # sklearn averages over the N rows and the K outputs; the lecture's J = (1/N) Σ ½‖y − ŷ‖²
    assert SquaredError().forward(y_hat, y) == pytest.approx(0.5 * k * mean_squared_error(y, y_hat), rel=1e-12)


def test_binary_cross_entropy_against_sklearn_log_loss():
    p = rng.uniform(0.01, 0.99, size=(11, 1))
    y = rng.integers(0, 2, size=11)
    assert BinaryCrossEntropy().forward(p, y) == pytest.approx(log_loss(y, p[:, 0], labels=[0, 1]), rel=1e-12)
    z = rng.normal(scale=3.0, size=(11, 1))
    assert BinaryCrossEntropy(from_logits=True).forward(z, y) == pytest.approx(
        log_loss(y, expit(z[:, 0]), labels=[0, 1]), rel=1e-12)


def test_binary_cross_entropy_from_logits_against_scipy_log_expit():
    z = np.array([[-800.0], [-30.0], [0.3], [40.0], [700.0]])
    y = np.array([[1.0], [0.0], [0.25], [1.0], [0.0]])  # soft targets are allowed
    expected = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))
    assert BinaryCrossEntropy(from_logits=True).forward(z, y) == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_against_sklearn_and_scipy():
    z = rng.normal(scale=2.0, size=(8, 4))
    labels = rng.integers(0, 4, size=8)
    value = SoftmaxCrossEntropy().forward(z, labels)
    assert value == pytest.approx(log_loss(labels, softmax(z, axis=1), labels=range(4)), rel=1e-10)
    assert value == pytest.approx(-np.mean(log_softmax(z, axis=1)[np.arange(8), labels]), rel=1e-12)
    np.testing.assert_allclose(SoftmaxCrossEntropy().forward(z, np.eye(4)[labels]), value, rtol=1e-12)
    loss = SoftmaxCrossEntropy()
    loss.forward(z, labels)
    np.testing.assert_allclose(loss.backward(), (softmax(z, axis=1) - np.eye(4)[labels]) / 8, rtol=1e-12)


# ------------------------------------------------------------------ gradients

@pytest.mark.parametrize("loss, y_hat, y", [
    (SquaredError(), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))),
    (SquaredError(), rng.normal(size=(6, 1)), rng.integers(0, 2, 6)),
    (BinaryCrossEntropy(), rng.uniform(0.05, 0.95, size=(6, 1)), rng.integers(0, 2, 6)),
    (BinaryCrossEntropy(), rng.uniform(0.05, 0.95, size=(6, 2)), rng.uniform(size=(6, 2))),
    (BinaryCrossEntropy(from_logits=True), rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 2))),
    (SoftmaxCrossEntropy(), rng.normal(size=(7, 4)), rng.integers(0, 4, 7)),
    (SoftmaxCrossEntropy(), rng.normal(size=(3, 3)), np.eye(3)),
], ids=["se", "se-1d-y", "bce", "bce-soft-y", "bce-logits", "softmax-ce-labels", "softmax-ce-onehot"])
def test_gradients_match_finite_differences(loss, y_hat, y):
    assert check_loss(loss, y_hat, y).max_error < 1e-7


def _slope(loss, p, y, h):
    """Central difference of the loss's own value at the probability p (one example), over the
    step actually stored (p ± h rounded)."""
    plus, minus = np.array([[p + h]]), np.array([[p - h]])
    return (loss.forward(plus, y) - loss.forward(minus, y)) / (plus[0, 0] - minus[0, 0])


@pytest.mark.parametrize("p", [0.0, 1.0, -1e-9, 1.0 + 1e-9, 2e-13, 1 - 2e-13])
@pytest.mark.parametrize("y", [1.0, 0.0, 0.3])
def test_binary_cross_entropy_value_and_gradient_agree_at_clipped_probabilities(p, y):
    # Regression: at p = 0 the gradient was -1e12 while the value (clipped to [eps, 1-eps]) was
    # flat there. Beyond eps the logs are continued by their tangents: the value's own slope,
    # measured with a step that stays in that region, is the gradient.
    loss = BinaryCrossEntropy(eps=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward(np.array([[p]]), np.array([[y]]))
        grad = loss.backward()[0, 0]
        slope = _slope(loss, p, np.array([[y]]), h=1e-13)
    assert np.isfinite(value) and np.isfinite(grad)
    assert grad == pytest.approx(slope, rel=1e-3)


def test_binary_cross_entropy_gradient_at_zero_is_the_tangent_slope():
    loss = BinaryCrossEntropy(eps=1e-12)
    loss.forward(np.array([[0.0], [1.0]]), np.array([1, 0]))
    np.testing.assert_allclose(loss.backward(), [[-1e12 / 2], [1e12 / 2]], rtol=1e-12)  # ∓(1/ε)/N


def test_binary_cross_entropy_is_continuous_and_smooth_at_eps():
    loss, eps = BinaryCrossEntropy(eps=1e-6), 1e-6
    y = np.array([[1.0]])
    below = loss.forward(np.array([[eps * (1 - 1e-9)]]), y)
    above = loss.forward(np.array([[eps * (1 + 1e-9)]]), y)
    assert above == pytest.approx(-np.log(eps), rel=1e-8) and below == pytest.approx(above, rel=1e-8)
    left, right = _slope(loss, eps - 1e-10, y, 1e-11), _slope(loss, eps + 1e-10, y, 1e-11)
    assert left == pytest.approx(-1 / eps, rel=1e-3) and right == pytest.approx(-1 / eps, rel=1e-3)


def test_losses_are_stable_for_extreme_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v1 = SoftmaxCrossEntropy().forward(np.array([[1000.0, -1000.0]]), np.array([1]))
        v2 = BinaryCrossEntropy(from_logits=True).forward(np.array([[-1000.0]]), np.array([1]))
        v3 = BinaryCrossEntropy().forward(np.array([[0.0], [1.0]]), np.array([1, 0]))
    assert v1 == pytest.approx(2000.0) and v2 == pytest.approx(1000.0)
    assert v3 == pytest.approx(-np.log(1e-12) + 1)  # log ε − (0 − ε)/ε, for each row


# ------------------------------------------------------------------ classification or not

def test_only_the_cross_entropies_are_classification_losses():
    assert not SquaredError.classification
    assert BinaryCrossEntropy.classification and SoftmaxCrossEntropy.classification
    assert not hasattr(SquaredError(), "predict_labels")


def test_predicted_labels_and_accuracy():
    bce, logits = BinaryCrossEntropy(), BinaryCrossEntropy(from_logits=True)
    np.testing.assert_array_equal(bce.predict_labels(np.array([[0.2], [0.7]])), [0, 1])
    np.testing.assert_array_equal(logits.predict_labels(np.array([[-0.1], [0.1]])), [0, 1])
    assert bce.accuracy(np.array([[0.2], [0.7], [0.9]]), np.array([0, 0, 1])) == pytest.approx(2 / 3)
    # two independent binary outputs: every decision counts
    assert bce.accuracy(np.array([[0.2, 0.7], [0.9, 0.4]]), np.array([[0, 1], [0, 0]])) == 0.75
    sce = SoftmaxCrossEntropy()
    z = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0]])
    np.testing.assert_array_equal(sce.predict_labels(z), [0, 1])
    assert sce.accuracy(z, np.array([0, 2])) == 0.5 == sce.accuracy(z, np.eye(3)[[0, 2]])


def test_backward_before_forward_and_bad_targets():
    with pytest.raises(RuntimeError, match="before forward"):
        SquaredError().backward()
    with pytest.raises(ValueError, match=r"y must have the shape of y_hat \(3, 2\)"):
        SquaredError().forward(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        SoftmaxCrossEntropy().forward(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        BinaryCrossEntropy().forward(np.full((2, 1), 0.5), np.array([0, 2]))
    with pytest.raises(ValueError, match="eps must be"):
        BinaryCrossEntropy(eps=0.0)
    with pytest.raises(TypeError):
        SquaredError(l2=0.1)  # L2 is the optimizer's weight decay now: SGD(lr, weight_decay=λ)
