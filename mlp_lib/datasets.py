r"""Data sets for the lecture: seeded 2-D toy sets, ``digits`` (a stand-in for MNIST) and a
loader for MNIST files you already have on disk.

Every 2-D generator returns ``(X, y)`` with ``X`` float64 of shape (n, 2) and ``y`` int64 of
shape (n,), rows in random order. The two blob sets share the centres :math:`(-1,-1)` (label 0)
and :math:`(1,1)` (label 1), so the true separating line is :math:`x_1 + x_2 = 0`.
Nothing is downloaded, and nothing is read at import time.
"""
from __future__ import annotations

import gzip
import os

import numpy as np

from ._validation import as_array, check_int, check_positive, check_rng, check_seed

__all__ = ["xor", "xor_table", "linearly_separable", "overlapping_blobs", "circles", "moons",
           "spirals", "digits", "load_mnist", "one_hot"]


def _shuffled(X, y, gen):
    order = gen.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order].astype(np.int64)


def _blob(label, size, noise, gen):
    """``size`` points of N(centre, noise^2 I), centre (-1,-1) for label 0 and (1,1) for label 1."""
    sign = 2.0 * label - 1.0
    return sign + noise * gen.standard_normal((size, 2))


def xor_table():
    """The exact XOR truth table: ``X`` (4, 2) float64 and ``y`` (4,) int64 = [0, 1, 1, 0]."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0], dtype=np.int64)


def xor(n=200, noise=0.1, rng=None):
    r"""Noisy XOR: Gaussian clusters at the corners of the unit square.

    Corners (0,0) and (1,1) get label 0, (1,0) and (0,1) label 1; each point is
    :math:`x = c + \varepsilon`, :math:`\varepsilon \sim \mathcal{N}(0, \mathrm{noise}^2 I)`.
    The ``n`` points are spread over the four corners as evenly as possible.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), labels in {0, 1}
    """
    n = check_int(n, "n", minimum=4)
    noise = check_positive(noise, "noise", allow_zero=True)
    gen = check_rng(rng)
    corners, labels = xor_table()
    k = np.arange(n) % 4
    X = corners[k] + noise * gen.standard_normal((n, 2))
    return _shuffled(X, labels[k], gen)


def linearly_separable(n=200, margin=0.5, noise=0.5, rng=None):
    r"""Two Gaussian blobs separated by the line :math:`x_1 + x_2 = 0` with a guaranteed gap.

    Points are drawn from :math:`\mathcal{N}((\pm1,\pm1), \mathrm{noise}^2 I)` and every
    point whose signed distance :math:`s = \pm(x_1 + x_2)/\sqrt{2}` to the line is below
    ``margin / 2`` is rejected and redrawn. So by construction the two classes lie on
    opposite sides of the line, at least ``margin`` apart: a perceptron always converges.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), labels in {0, 1} (``n // 2`` zeros)
    """
    n = check_int(n, "n", minimum=2)
    margin = check_positive(margin, "margin")
    noise = check_positive(noise, "noise", allow_zero=True)
    gen = check_rng(rng)
    parts = []
    for label, size in enumerate((n // 2, n - n // 2)):
        kept = np.empty((0, 2))
        for _ in range(100):
            cand = _blob(label, 2 * size, noise, gen)
            s = (2 * label - 1) * cand.sum(axis=1) / np.sqrt(2.0)  # > 0 on the correct side
            kept = np.vstack([kept, cand[s >= margin / 2]])
            if len(kept) >= size:
                break
        else:
            raise ValueError(f"margin={margin} is too large for noise={noise}: almost no point of the "
                             f"blobs (centres at distance {np.sqrt(2):.3f} from the line) is that far "
                             "from the separating line; use a smaller margin")
        parts.append(kept[:size])
    X = np.vstack(parts)
    y = np.repeat([0, 1], [len(p) for p in parts])
    return _shuffled(X, y, gen)


def overlapping_blobs(n=200, noise=1.0, rng=None):
    r"""Two overlapping Gaussian blobs that are guaranteed NOT to be linearly separable.

    Points are drawn from :math:`\mathcal{N}((\pm1,\pm1), \mathrm{noise}^2 I)`. Then one
    label-1 point is moved to the midpoint :math:`(a + b)/2` of two label-0 points
    :math:`a, b`. A line with both :math:`a` and :math:`b` strictly on one side also has their
    midpoint there, so no line separates the classes, whatever the noise.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), labels in {0, 1} (``n // 2`` zeros)
    """
    n = check_int(n, "n", minimum=4)
    noise = check_positive(noise, "noise")
    gen = check_rng(rng)
    X0, X1 = _blob(0, n // 2, noise, gen), _blob(1, n - n // 2, noise, gen)
    a, b = gen.choice(len(X0), size=2, replace=False)
    X1[gen.integers(len(X1))] = (X0[a] + X0[b]) / 2
    y = np.repeat([0, 1], [len(X0), len(X1)])
    return _shuffled(np.vstack([X0, X1]), y, gen)


def circles(n=200, noise=0.1, factor=0.5, rng=None):
    r"""Two concentric circles: outer radius 1 (label 0), inner radius ``factor`` (label 1).

    Angles are uniform on :math:`[0, 2\pi)`; Gaussian noise of std ``noise`` is added.
    Same layout as ``sklearn.datasets.make_circles``. Returns ``X`` (n, 2), ``y`` (n,).
    """
    n = check_int(n, "n", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_positive(factor, "factor")
    if factor >= 1:
        raise ValueError(f"factor must be < 1 (inner radius / outer radius), got {factor}")
    gen = check_rng(rng)
    y = np.repeat([0, 1], [n // 2, n - n // 2])
    t = gen.uniform(0.0, 2 * np.pi, n)
    r = np.where(y == 0, 1.0, factor)
    X = r[:, None] * np.column_stack([np.cos(t), np.sin(t)]) + noise * gen.standard_normal((n, 2))
    return _shuffled(X, y, gen)


def moons(n=200, noise=0.1, rng=None):
    r"""Two interleaving half circles, as in ``sklearn.datasets.make_moons``.

    Label 0: :math:`(\cos t, \sin t)`; label 1: :math:`(1 - \cos t, \tfrac12 - \sin t)`,
    :math:`t \sim U[0, \pi]`, plus Gaussian noise of std ``noise``. Returns ``X`` (n, 2), ``y`` (n,).
    """
    n = check_int(n, "n", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    gen = check_rng(rng)
    y = np.repeat([0, 1], [n // 2, n - n // 2])
    t = gen.uniform(0.0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    return _shuffled(X + noise * gen.standard_normal((n, 2)), y, gen)


def spirals(n=300, n_classes=2, noise=0.2, rng=None):
    r"""Interleaved spiral arms, one per class (the CS231n spiral data).

    Arm :math:`k` has radius :math:`r \in [0, 1]` and angle
    :math:`\theta = 4k + 4r + \varepsilon`, :math:`\varepsilon \sim \mathcal{N}(0, \mathrm{noise}^2)`
    (noise is in radians); :math:`x = r(\sin\theta, \cos\theta)`.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,), labels in {0, ..., n_classes - 1}, as balanced as possible
    """
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    n = check_int(n, "n", minimum=n_classes)
    noise = check_positive(noise, "noise", allow_zero=True)
    gen = check_rng(rng)
    counts = np.full(n_classes, n // n_classes)
    counts[: n % n_classes] += 1
    y = np.repeat(np.arange(n_classes), counts)
    r = np.concatenate([np.linspace(0.0, 1.0, m) for m in counts])
    theta = 4.0 * y + 4.0 * r + noise * gen.standard_normal(n)
    return _shuffled(r[:, None] * np.column_stack([np.sin(theta), np.cos(theta)]), y, gen)


def digits(test_size=0.2, rng=0, scale=True):
    """scikit-learn's 8x8 digits (1,797 images, shipped with sklearn: no download), split.

    A stand-in for MNIST. The split is stratified; an int ``rng`` is passed to
    ``train_test_split`` as ``random_state`` directly, ``None`` or a Generator draws one.

    Returns
    -------
    X_train, X_test : ndarray of shape (n_train, 64), (n_test, 64), float64,
        pixels / 16 in [0, 1] when ``scale`` (raw 0..16 otherwise)
    y_train, y_test : ndarray of shape (n_train,), (n_test,), int64 in {0, ..., 9}
    """
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    seed = check_seed(rng)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = data.data.astype(np.float64) / (16.0 if scale else 1.0)
    y = data.target.astype(np.int64)
    return tuple(train_test_split(X, y, test_size=float(test_size), stratify=y, random_state=seed))


_WHERE = ("mlp_lib never downloads anything. Get MNIST yourself, e.g. the four IDX files from "
          "http://yann.lecun.com/exdb/mnist/ (mirror: https://ossci-datasets.s3.amazonaws.com/mnist/) "
          "or the Keras file https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz, "
          "then pass the directory or the .npz path. Offline stand-in: mlp_lib.datasets.digits().")
_IDX_NAMES = {"X_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
              "X_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def _find_idx(directory, name):
    """Path of IDX file ``name`` (or ``name.gz``, or the ``.idx`` spelling) in ``directory``, or None."""
    dotted = name.replace("-idx", ".idx")  # some mirrors write train-images.idx3-ubyte
    for cand in (name, name + ".gz", dotted, dotted + ".gz"):
        if os.path.isfile(os.path.join(directory, cand)):
            return os.path.join(directory, cand)
    return None


def _read_idx(filename, ndim):
    """Parse an unsigned-byte IDX file: magic 0x0000 08 <ndim>, ndim big-endian uint32 sizes, data."""
    with (gzip.open if filename.endswith(".gz") else open)(filename, "rb") as f:
        data = f.read()
    if len(data) < 4 or tuple(data[:4]) != (0, 0, 0x08, ndim):
        raise ValueError(f"{filename}: bad magic number 0x{data[:4].hex()}, expected 0x000008{ndim:02x} "
                         f"(unsigned-byte IDX with {ndim} dimension(s)); is this an MNIST file?")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{filename}: truncated header ({len(data)} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    body = np.frombuffer(data, dtype=np.uint8, offset=header)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{filename}: header says shape {dims} ({int(np.prod(dims))} bytes of data) "
                         f"but the file holds {body.size}; the file may be truncated or corrupt")
    return body.reshape(dims)


def _images(images, name, flatten):
    if images.ndim not in (2, 3):
        raise ValueError(f"{name} must hold images of shape (n, rows, cols) or (n, pixels), "
                         f"got {images.shape}")
    X = images.astype(np.float64)  # booleans become 0.0 and 1.0: already in [0, 1]
    if images.dtype.kind in "iu" or (images.dtype.kind == "f" and X.max(initial=0.0) > 1.0):
        X /= 255.0  # byte pixels 0..255
    return X.reshape(len(X), -1) if flatten else X


def load_mnist(path, flatten=True):
    """Load MNIST from local files; never downloads.

    Parameters
    ----------
    path : str or path-like
        A directory with the four IDX files ``train-images-idx3-ubyte``,
        ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``
        (each may be gzipped, ``.gz``), or a ``.npz`` file with keys ``x_train, y_train,
        x_test, y_test`` (the Keras layout).
    flatten : bool
        If True images are rows of shape (784,), otherwise (28, 28).

    Returns
    -------
    X_train, X_test : ndarray of shape (n, 784) (or (n, 28, 28)), float64 in [0, 1] (pixels / 255)
    y_train, y_test : ndarray of shape (n,), int64
        Same order as :func:`digits`, so the two are interchangeable. Integer pixels are
        divided by 255; float pixels already in [0, 1] (a pre-scaled .npz) and boolean
        (binarized) pixels, 0 or 1, are kept.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    path = os.fspath(path)
    if os.path.isdir(path):
        files = {key: _find_idx(path, name) for key, name in _IDX_NAMES.items()}
        missing = [_IDX_NAMES[key] for key, f in files.items() if f is None]
        if missing:
            raise FileNotFoundError(f"MNIST file(s) {missing} (optionally .gz) not found in {path!r}. "
                                    + _WHERE)
        raw = {key: _read_idx(f, 3 if key.startswith("X") else 1) for key, f in files.items()}
    elif os.path.isfile(path) and path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as f:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
            if missing:
                raise ValueError(f"{path}: missing key(s) {sorted(missing)}; expected x_train, y_train, "
                                 f"x_test, y_test (Keras layout), found {sorted(f.files)}")
            raw = {"X_train": f["x_train"], "y_train": f["y_train"],
                   "X_test": f["x_test"], "y_test": f["y_test"]}
    elif os.path.exists(path):
        raise ValueError(f"path must be a directory of MNIST IDX files or a .npz file, got {path!r}")
    else:
        raise FileNotFoundError(f"MNIST not found at {path!r}. {_WHERE}")
    out = {}
    for part in ("train", "test"):
        images, labels = raw["X_" + part], np.asarray(raw["y_" + part]).reshape(-1)
        if len(images) != len(labels):
            raise ValueError(f"MNIST {part} set: {len(images)} images but {len(labels)} labels in {path!r}")
        out["X_" + part] = _images(np.asarray(images), "X_" + part, flatten)
        out["y_" + part] = labels.astype(np.int64)
    return out["X_train"], out["X_test"], out["y_train"], out["y_test"]


def one_hot(y, n_classes=None):
    r"""One-hot encode integer labels: :math:`Y_{ik} = 1` if :math:`y_i = k` else 0.

    Parameters
    ----------
    y : array-like of shape (n,), integers in {0, ..., n_classes - 1}
    n_classes : int, optional
        Number of columns; default ``y.max() + 1``.

    Returns
    -------
    Y : ndarray of shape (n, n_classes), float64
    """
    y = as_array(y, "y", ndim=1, dtype=None)
    if y.dtype.kind == "f" and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.size and y.min() < 0:
        raise ValueError(f"y must hold labels >= 0, got {y.min()}")
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    n_classes = check_int(n_classes, "n_classes", minimum=1 if y.size else 0)
    if y.size and y.max() >= n_classes:
        raise ValueError(f"y has label {y.max()} but n_classes={n_classes}; labels must be < n_classes")
    Y = np.zeros((len(y), n_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y
