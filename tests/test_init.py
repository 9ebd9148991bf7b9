import numpy as np
import pytest

from mlp_lib import Dense
from mlp_lib import init

SHAPE = (400, 300)


@pytest.mark.parametrize("scheme, expected_std", [
    (init.normal(0.01), 0.01),
    (init.normal(1.0), 1.0),
    (init.xavier(), np.sqrt(1 / 400)),            # the lecture's Xavier: N(0, 1/n_in)
    (init.glorot(), np.sqrt(2 / (400 + 300))),    # Glorot & Bengio: N(0, 2/(n_in+n_out))
    (init.glorot_uniform(), np.sqrt(2 / (400 + 300))),
    (init.he(), np.sqrt(2 / 400)),                # He: N(0, 2/n_in)
    (init.uniform(-0.3, 0.3), 0.6 / np.sqrt(12)),
], ids=repr)
def test_standard_deviation_matches_the_formula(scheme, expected_std):
    W = scheme(SHAPE, rng=0)
    assert W.shape == SHAPE
    assert abs(W.mean()) < 0.02 * expected_std * 10
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert scheme.std(SHAPE) == pytest.approx(expected_std)


def test_both_xavier_forms_are_named_and_differ():
    assert repr(init.xavier()) == "xavier()" and repr(init.glorot()) == "glorot()"
    assert init.xavier().std((100, 10)) != init.glorot().std((100, 10))


def test_normal_shows_and_uses_its_mean():
    # Regression: normal(0.01, mean=1.0) printed as normal(std=0.01), hiding the mean.
    scheme = init.normal(0.01, mean=1.0)
    assert repr(scheme) == "normal(std=0.01, mean=1.0)"
    assert repr(init.normal(0.5)) == "normal(std=0.5, mean=0.0)"
    assert "init=normal(std=0.01, mean=1.0)" in repr(Dense(3, 2, init=scheme, rng=0))
    W = scheme(SHAPE, rng=0)
    assert W.mean() == pytest.approx(1.0, abs=1e-3) and W.std() == pytest.approx(0.01, rel=0.02)


def test_constants():
    np.testing.assert_array_equal(init.zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.constant(0.5)((2, 2)), np.full((2, 2), 0.5))


def test_seed_or_generator_reproducible():
    a = init.he()((5, 4), rng=3)
    b = init.he()((5, 4), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, init.he()((5, 4), rng=4))


def test_dense_accepts_names_objects_and_callables():
    assert Dense(3, 2, init="he", rng=0).init.name == "he"
    assert Dense(3, 2, init=init.normal(0.5), rng=0).init.hyper["std"] == 0.5
    d = Dense(3, 2, init=lambda shape, rng: np.ones(shape))
    np.testing.assert_array_equal(d.params["W"], np.ones((3, 2)))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: init.normal(-1.0), ValueError, "std must be > 0"),
    (lambda: init.normal(0.1, mean="zero"), TypeError, "mean must be a finite real number"),
    (lambda: init.normal(0.1, mean=np.nan), TypeError, "mean must be a finite real number"),
    (lambda: init.uniform(1.0, 0.0), ValueError, "high must be greater than low"),
    (lambda: init.constant("a"), TypeError, "value must be a real number"),
    (lambda: init.get("lecun"), ValueError, "init must be one of"),
    (lambda: init.get(3), TypeError, "init must be a name"),
    (lambda: init.he()((3,)), ValueError, "shape must be"),
])
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
