"""Tests for mlp_lib.datasets: shapes, seeding, the separability guarantees and the loaders."""
import gzip
import warnings

import numpy as np
import pytest

from mlp_lib import datasets as D
from mlp_lib.perceptron import ConvergenceWarning, Perceptron

TOY = [D.xor, D.linearly_separable, D.overlapping_blobs, D.circles, D.moons, D.spirals]


@pytest.mark.parametrize("make", TOY)
def test_toy_shapes_dtypes_labels(make):
    X, y = make(n=101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1}
    assert np.all(np.isfinite(X))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1  # balanced


@pytest.mark.parametrize("make", TOY)
def test_toy_seeding(make):
    X1, y1 = make(rng=3)
    X2, y2 = make(rng=np.random.default_rng(3))
    X3, y3 = make(rng=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_spirals_n_classes():
    X, y = D.spirals(n=301, n_classes=3, rng=0)
    assert X.shape == (301, 2)
    assert np.bincount(y).tolist() == [101, 100, 100]
    assert np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12)  # radius r in [0, 1]


def test_xor_table_and_clusters():
    X, y = D.xor_table()
    assert X.shape == (4, 2) and X.dtype == np.float64
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(int))
    Xn, yn = D.xor(n=400, noise=0.05, rng=0)
    corner = np.round(Xn)  # tiny noise: every point rounds to its own corner
    np.testing.assert_array_equal(yn, np.logical_xor(corner[:, 0], corner[:, 1]).astype(int))
    assert np.bincount((2 * corner[:, 0] + corner[:, 1]).astype(int)).tolist() == [100] * 4


def test_linearly_separable_guarantee_and_perceptron_converges():
    margin = 0.5
    X, y = D.linearly_separable(n=200, margin=margin, rng=0)
    s = (2 * y - 1) * X.sum(axis=1) / np.sqrt(2)  # signed distance to x1 + x2 = 0, > 0 if correct
    assert s.min() >= margin / 2
    p = Perceptron(max_epochs=1000, rng=0).fit(X, y)
    assert p.history_.converged and p.score(X, y) == 1.0


def test_linearly_separable_impossible_margin():
    with pytest.raises(ValueError, match="margin"):
        D.linearly_separable(n=10, margin=100.0, noise=0.1, rng=0)


def test_overlapping_blobs_not_separable():
    X, y = D.overlapping_blobs(n=60, noise=0.3, rng=0)  # small noise: only the planted point overlaps
    X0, X1 = X[y == 0], X[y == 1]
    # Construction guarantee: some label-1 point is the midpoint of two label-0 points.
    mids = (X0[:, None, :] + X0[None, :, :]) / 2
    hit = np.all(np.isclose(X1[:, None, None, :], mids[None], rtol=0, atol=1e-12), axis=-1)
    assert hit.any()
    with pytest.warns(ConvergenceWarning):
        p = Perceptron(max_epochs=1000, rng=0).fit(X, y)
    assert not p.history_.converged and min(p.history_.mistakes) > 0


def test_overlapping_blobs_lp_infeasible():
    linprog = pytest.importorskip("scipy.optimize").linprog
    for seed in range(3):
        X, y = D.overlapping_blobs(n=80, noise=0.3, rng=seed)
        sign = 2 * y - 1
        # Separable iff some (w, b) has sign_i (w.x_i + b) >= 1 for all i.
        A = -sign[:, None] * np.column_stack([X, np.ones(len(X))])
        res = linprog(np.zeros(3), A_ub=A, b_ub=-np.ones(len(X)), bounds=[(None, None)] * 3)
        assert res.status == 2  # infeasible


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 2}, "n"), ({"n": 3.5}, "n"), ({"noise": -1.0}, "noise"), ({"rng": "seed"}, "rng"),
])
def test_toy_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        D.xor(**kwargs)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        D.circles(factor=1.5)
    with pytest.raises(ValueError, match="n_classes"):
        D.spirals(n_classes=1)
    with pytest.raises(ValueError, match="noise"):
        D.overlapping_blobs(noise=0.0)


def test_digits():
    X_train, X_test, y_train, y_test = D.digits(test_size=0.2, rng=0)
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float64 and y_train.shape == (1437,) and y_test.shape == (360,)
    assert X_train.min() >= 0 and X_train.max() == 1.0 and X_test.max() <= 1.0
    n_k = np.bincount(np.concatenate([y_train, y_test]))
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.2 * n_k) <= 1)  # stratified
    again = D.digits(test_size=0.2, rng=0)
    np.testing.assert_array_equal(again[0], X_train)
    assert not np.array_equal(D.digits(rng=1)[0], X_train)
    assert D.digits(scale=False)[0].max() == 16.0
    with pytest.raises(ValueError, match="test_size"):
        D.digits(test_size=1.5)


def test_one_hot():
    Y = D.one_hot([2, 0, 1, 2])
    np.testing.assert_array_equal(Y, np.eye(3)[[2, 0, 1, 2]])
    assert Y.dtype == np.float64
    assert D.one_hot(np.array([0, 1]), n_classes=4).shape == (2, 4)
    with pytest.raises(ValueError, match="n_classes"):
        D.one_hot([0, 5], n_classes=3)
    with pytest.raises(ValueError, match="y"):
        D.one_hot([-1, 0])
    with pytest.raises(TypeError, match="y"):
        D.one_hot([0.5, 1.0])


# --- MNIST loader on tiny files written here --------------------------------------------------

def _idx(arr, magic_ndim=None):
    arr = np.asarray(arr, dtype=np.uint8)
    ndim = arr.ndim if magic_ndim is None else magic_ndim
    header = bytes([0, 0, 0x08, ndim]) + np.array(arr.shape, dtype=">u4").tobytes()
    return header + arr.tobytes()


def _write_mnist(directory, n_train=5, n_test=3, gz=False, **overrides):
    rng = np.random.default_rng(0)
    train, test = rng.integers(0, 256, (n_train, 28, 28)), rng.integers(0, 256, (n_test, 28, 28))
    data = {
        "train-images-idx3-ubyte": _idx(train),
        "train-labels-idx1-ubyte": _idx(np.arange(n_train) % 10),
        "t10k-images-idx3-ubyte": _idx(test),
        "t10k-labels-idx1-ubyte": _idx(np.arange(n_test) % 10),
    }
    data.update(overrides)
    for name, payload in data.items():
        if gz:
            with gzip.open(directory / (name + ".gz"), "wb") as f:
                f.write(payload)
        else:
            (directory / name).write_bytes(payload)
    return train, test


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_idx(tmp_path, gz):
    train, test = _write_mnist(tmp_path, gz=gz)
    X_train, X_test, y_train, y_test = D.load_mnist(tmp_path)
    assert X_train.shape == (5, 784) and X_test.shape == (3, 784) and X_train.dtype == np.float64
    np.testing.assert_array_equal(X_train, train.reshape(5, 784) / 255.0)
    np.testing.assert_array_equal(X_test, test.reshape(3, 784) / 255.0)
    np.testing.assert_array_equal(y_train, [0, 1, 2, 3, 4])
    assert y_test.dtype == np.int64 and y_test.tolist() == [0, 1, 2]
    assert D.load_mnist(str(tmp_path), flatten=False)[0].shape == (5, 28, 28)


def test_load_mnist_npz(tmp_path):
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (4, 28, 28), dtype=np.uint8)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=x_train, y_train=np.array([1, 2, 3, 4], np.uint8),
             x_test=x_train[:2], y_test=np.array([5, 6], np.uint8))
    X_train, X_test, y_train, y_test = D.load_mnist(path)
    assert X_train.shape == (4, 784) and X_test.shape == (2, 784)
    np.testing.assert_array_equal(X_train, x_train.reshape(4, -1) / 255.0)
    assert y_train.dtype == np.int64 and y_test.tolist() == [5, 6]
    np.savez(tmp_path / "bad.npz", x_train=x_train, y_train=np.arange(4))
    with pytest.raises(ValueError, match="x_test"):
        D.load_mnist(tmp_path / "bad.npz")


@pytest.mark.parametrize("pixels, expected", [
    (np.array([[[True, False]]] * 2), [[1.0, 0.0]] * 2),  # regression: booleans were divided by 255
    (np.array([[[255, 0]]] * 2, dtype=np.uint8), [[1.0, 0.0]] * 2),
    (np.array([[[0.5, 0.0]]] * 2), [[0.5, 0.0]] * 2),  # pre-scaled floats are kept
    (np.array([[[127.5, 0.0]]] * 2), [[0.5, 0.0]] * 2),  # floats in 0..255 are scaled
])
def test_load_mnist_pixel_scaling(tmp_path, pixels, expected):
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=pixels, y_train=np.array([0, 1]), x_test=pixels, y_test=np.array([0, 1]))
    X_train, X_test, _, _ = D.load_mnist(path)
    np.testing.assert_array_equal(X_train, expected)
    assert X_train.dtype == np.float64


def test_load_mnist_bad_magic(tmp_path):
    _write_mnist(tmp_path, **{"train-labels-idx1-ubyte": _idx(np.arange(5), magic_ndim=3)})
    with pytest.raises(ValueError, match="magic number"):
        D.load_mnist(tmp_path)


def test_load_mnist_count_mismatch(tmp_path):
    _write_mnist(tmp_path, **{"train-labels-idx1-ubyte": _idx(np.arange(4))})
    with pytest.raises(ValueError, match="5 images but 4 labels"):
        D.load_mnist(tmp_path)


def test_load_mnist_truncated(tmp_path):
    _write_mnist(tmp_path, **{"t10k-images-idx3-ubyte": _idx(np.zeros((3, 28, 28)))[:-10]})
    with pytest.raises(ValueError, match="truncated"):
        D.load_mnist(tmp_path)


def test_load_mnist_missing(tmp_path):
    with pytest.raises(TypeError, match="path"):
        D.load_mnist(42)
    with pytest.raises(FileNotFoundError, match="never downloads"):
        D.load_mnist(tmp_path / "nowhere")
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        D.load_mnist(tmp_path)


def test_no_warnings_from_generators():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for make in TOY:
            make(rng=0)
