import numpy as np
import pytest

from mlp_lib.clipping import ClipByNorm, ClipByValue, clip_by_norm, clip_by_value, global_norm


def _cos(a, b):
    return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))


def test_clip_by_value_limits_each_component_and_changes_direction():
    g = np.array([10.0, 0.5, -3.0])
    clipped = clip_by_value(g, -1.0, 1.0)  # β = -1, α = 1
    np.testing.assert_array_equal(clipped, [1.0, 0.5, -1.0])
    assert _cos(g, clipped) < 0.99  # direction changed


def test_clip_by_norm_keeps_direction_and_returns_norm_before():
    g = np.array([3.0, 4.0])
    clipped, norm = clip_by_norm(g, 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, [0.6, 0.8])
    assert np.linalg.norm(clipped) == pytest.approx(1.0)
    assert _cos(g, clipped) == pytest.approx(1.0)
    unchanged, norm = clip_by_norm(g, 10.0)
    np.testing.assert_array_equal(unchanged, g)


def test_norm_is_global_over_a_dict_of_arrays():
    grads = {"0.W": np.array([[3.0]]), "0.b": np.array([4.0])}
    assert global_norm(grads) == 5.0
    clipped, norm = clip_by_norm(grads, 2.5)
    np.testing.assert_allclose(clipped["0.W"], [[1.5]])
    np.testing.assert_allclose(clipped["0.b"], [2.0])
    assert grads["0.W"][0, 0] == 3.0  # functions return copies


def test_inplace_clippers_for_training():
    grads = {"a": np.array([3.0, -8.0]), "b": np.array([0.5])}
    assert ClipByValue(2.0)(grads) == pytest.approx(np.sqrt(9 + 64 + 0.25))
    np.testing.assert_array_equal(grads["a"], [2.0, -2.0])
    grads = {"a": np.array([3.0, 4.0])}
    ClipByNorm(1.0)(grads)
    np.testing.assert_allclose(grads["a"], [0.6, 0.8])
    assert ClipByValue(2.0, min_value=-0.5).min_value == -0.5


def test_random_directions():
    rng = np.random.default_rng(0)
    for _ in range(20):
        g = rng.normal(size=10) * 10
        by_norm, _ = clip_by_norm(g, 1.0)
        assert _cos(g, by_norm) == pytest.approx(1.0)
        by_value = clip_by_value(g, -1.0, 1.0)
        assert np.all(np.abs(by_value) <= 1.0)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: clip_by_norm(np.ones(2), 0.0), ValueError, "max_norm must be > 0"),
    (lambda: clip_by_value(np.ones(2), 1.0, -1.0), ValueError, "min_value"),
    (lambda: ClipByNorm(-1), ValueError, "max_norm"),
    (lambda: ClipByValue(-1.0), ValueError, "min_value"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
