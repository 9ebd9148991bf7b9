"""Lecture 05 widget: gradient clipping on a surface with a cliff."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib.gradcheck import numerical_gradient, relative_error
from mlp_lib.widgets import clipping as K
from widget_checks import sweep


@pytest.fixture(scope="module")
def demo():
    return K.clipping_demo()


@pytest.mark.parametrize("name, values", [("threshold", [0.25, 1.0, 5.0]), ("lr", [0.05, 0.3, 0.5])])
def test_clipping_demo_updates(demo, name, values):
    sweep(demo, name, values)


def test_unknown_control_raises(demo):
    with pytest.raises(ValueError, match="unknown control"):
        demo.update(alpha=1.0)


def test_cliff_gradient_matches_finite_differences():
    for point in ([-2.0, 1.0], [-0.3, 1.0], [0.5, -1.0]):
        theta = np.array(point)
        numeric = numerical_gradient(lambda: float(K.cliff_loss(*theta)), theta)
        assert relative_error(K.cliff_grad(point), numeric) < 1e-7


def test_value_clipping_turns_the_gradient_norm_clipping_does_not():
    g = K.clipped_gradients(K.cliff_grad(K.POINT), 1.0)
    assert np.linalg.norm(g["none"]) > 10  # on the cliff the gradient is huge
    cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)  # noqa: E731
    assert cos(g["none"], g["norm"]) == pytest.approx(1.0)
    assert np.linalg.norm(g["norm"]) == pytest.approx(1.0)
    assert cos(g["none"], g["value"]) < 0.97
    assert np.all(np.abs(g["value"]) <= 1.0)


def test_without_clipping_descent_is_thrown_away_with_clipping_it_stays():
    paths = {m: K.descend(clip=m, lr=0.3, threshold=1.0) for m in K.METHODS}
    far = lambda p: np.max(np.linalg.norm(p - np.array(K.CLIFF["m"]), axis=1))  # noqa: E731
    assert far(paths["none"]) > 6
    for m in ("value", "norm"):
        assert far(paths[m]) <= far(paths[m][:1]) + 1e-9  # never farther than the start
        assert K.cliff_loss(*paths[m][-1]) < 2.5


def test_descend_rejects_unknown_method():
    with pytest.raises(ValueError, match="clip must be one of"):
        K.descend(clip="sideways")


def test_clipping_rescues_the_exploding_net_and_he_never_explodes():
    runs = K.clipped_training_runs(epochs=2)
    labels = list(runs)
    assert labels[0] == "N(0, 0.5²), no clipping" and runs[labels[0]].diverged
    for label in labels[1:]:
        history = runs[label]
        assert not history.diverged, label
        assert history.loss[-1] < history.loss[0] or label.startswith("He"), label
    assert runs["He, no clipping"].loss[0] < 2.5  # starts near chance (ln 10 ≈ 2.30), not at 33 or 94
