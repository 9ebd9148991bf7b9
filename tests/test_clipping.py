import warnings

import numpy as np
import pytest

from mlp_lib.clipping import ClipByNorm, ClipByValue, clip_by_norm, clip_by_value, global_norm


def _cos(a, b):
    return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))


def test_clip_by_value_limits_each_component_and_changes_direction():
    g = np.array([10.0, 0.5, -3.0])
    clipped = clip_by_value(g, -1.0, 1.0)  # β = -1, α = 1: np.clip's order
    np.testing.assert_array_equal(clipped, [1.0, 0.5, -1.0])
    assert _cos(g, clipped) < 0.99  # direction changed


def test_clip_by_norm_keeps_direction():
    g = np.array([3.0, 4.0])
    clipped = clip_by_norm(g, 1.0)
    assert global_norm(g) == 5.0
    np.testing.assert_allclose(clipped, [0.6, 0.8])
    assert np.linalg.norm(clipped) == pytest.approx(1.0)
    assert _cos(g, clipped) == pytest.approx(1.0)
    np.testing.assert_array_equal(clip_by_norm(g, 10.0), g)


def test_functions_and_callables_take_the_same_bounds_and_give_the_same_result():
    g = np.array([[2.5, -0.3], [-4.0, 0.7]])
    for args in [(-1.0, 1.0), (-0.5, 1.0), (-2.0, 0.5)]:
        inplace = {"g": g.copy()}
        ClipByValue(*args)(inplace)
        np.testing.assert_array_equal(inplace["g"], clip_by_value(g, *args))
    inplace = {"g": g.copy()}
    ClipByNorm(2.0)(inplace)
    np.testing.assert_array_equal(inplace["g"], clip_by_norm(g, 2.0))


def test_functions_return_the_kind_they_were_given():
    g = np.array([3.0, -4.0])
    grads = {"0.W": np.array([[3.0]]), "0.b": np.array([4.0])}
    for clip in (lambda x: clip_by_value(x, -1.0, 1.0), lambda x: clip_by_norm(x, 1.0)):
        assert isinstance(clip(g), np.ndarray) and clip(g).shape == g.shape
        out = clip(grads)
        assert isinstance(out, dict) and list(out) == list(grads)
        assert all(out[k].shape == grads[k].shape for k in grads)


def test_norm_is_global_over_a_dict_of_arrays():
    grads = {"0.W": np.array([[3.0]]), "0.b": np.array([4.0])}
    assert global_norm(grads) == 5.0
    clipped = clip_by_norm(grads, 2.5)
    np.testing.assert_allclose(clipped["0.W"], [[1.5]])
    np.testing.assert_allclose(clipped["0.b"], [2.0])
    assert grads["0.W"][0, 0] == 3.0  # functions return copies


def test_inplace_clippers_return_the_norm_before_clipping():
    grads = {"a": np.array([3.0, -8.0]), "b": np.array([0.5])}
    assert ClipByValue(-2.0, 2.0)(grads) == pytest.approx(np.sqrt(9 + 64 + 0.25))
    np.testing.assert_array_equal(grads["a"], [2.0, -2.0])
    grads = {"a": np.array([3.0, 4.0])}
    assert ClipByNorm(1.0)(grads) == 5.0
    np.testing.assert_allclose(grads["a"], [0.6, 0.8])
    assert ClipByValue(-0.5, 2.0).min_value == -0.5
    assert repr(ClipByValue(-1, 1)) == "ClipByValue(-1.0, 1.0)" and repr(ClipByNorm(5)) == "ClipByNorm(5.0)"


@pytest.mark.parametrize("scale", [1e200, 1e300, 8e307])
def test_clip_by_norm_of_a_huge_finite_gradient_keeps_its_direction(scale):
    # Regression: squaring first made the norm inf and ClipByNorm returned zeros (and warned).
    direction = np.array([1.0, -2.0, 0.5, 0.0])
    grads = {"0.W": (scale * direction[:3]).reshape(3, 1), "0.b": scale * direction[3:]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning
        norm = ClipByNorm(5.0)(grads)
        copy = clip_by_norm(scale * direction, 5.0)
    clipped = np.concatenate([grads["0.W"].ravel(), grads["0.b"]])
    assert norm > 5.0
    for g in (clipped, copy):
        assert np.all(np.isfinite(g))
        assert np.linalg.norm(g) == pytest.approx(5.0, rel=1e-12)
        np.testing.assert_allclose(g, 5.0 * direction / np.linalg.norm(direction), rtol=1e-12)


def test_global_norm_without_overflow_or_underflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert global_norm(np.array([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
        assert global_norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200, rel=1e-15)
        assert global_norm(np.array([3e30, 4e30], dtype=np.float32)) == pytest.approx(5e30, rel=1e-6)
        assert global_norm(np.full(2, 1.7e308)) == np.inf  # the true norm exceeds the largest float
        assert global_norm({"a": np.zeros(3), "b": np.zeros(0)}) == 0.0


def test_float32_gradients_stay_float32_in_place():
    grads = {"W": np.array([3e30, -4e30], dtype=np.float32)}
    ClipByNorm(1.0)(grads)
    assert grads["W"].dtype == np.float32
    np.testing.assert_allclose(grads["W"], [0.6, -0.8], rtol=1e-6)


def test_random_directions():
    rng = np.random.default_rng(0)
    for _ in range(20):
        g = rng.normal(size=10) * 10
        assert _cos(g, clip_by_norm(g, 1.0)) == pytest.approx(1.0)
        assert np.all(np.abs(clip_by_value(g, -1.0, 1.0)) <= 1.0)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: clip_by_norm(np.ones(2), 0.0), ValueError, "max_norm must be > 0"),
    (lambda: clip_by_value(np.ones(2), 1.0, -1.0), ValueError, r"min_value \(β\) must be <= max_value"),
    (lambda: clip_by_value(np.ones(2), -1.0, None), TypeError, "max_value must be a real number"),
    (lambda: ClipByValue("low", 1.0), TypeError, "min_value must be a real number"),
    (lambda: ClipByNorm(-1), ValueError, "max_norm"),
    (lambda: ClipByValue(1.0, -1.0), ValueError, "min_value"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
