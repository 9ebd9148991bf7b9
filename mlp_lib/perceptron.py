r"""Rosenblatt's perceptron: a linear unit with a step activation and the perceptron rule.

.. math:: \hat y = \mathrm{step}(w^\top x + b), \qquad
          \mathrm{step}(z) = 1 \text{ if } z \ge 0 \text{ else } 0

For each misclassified example :math:`(x, t)`:
:math:`w \leftarrow w + \eta\,(t - \hat y)\,x`, :math:`b \leftarrow b + \eta\,(t - \hat y)`.
On linearly separable data training stops after an epoch without mistakes; otherwise it
stops at ``max_epochs`` and warns (the lecture's "may not terminate" becomes a visible
:class:`ConvergenceWarning`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_choice, check_int, check_positive, check_rng, check_same_length

__all__ = ["Perceptron", "PerceptronHistory", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """Training stopped at ``max_epochs`` without an epoch free of mistakes.

    Silence with ``warnings.simplefilter("ignore", ConvergenceWarning)``.
    """


@dataclass
class PerceptronHistory:
    """What happened in each epoch of :meth:`Perceptron.fit` (lists have length ``n_epochs``).

    Attributes
    ----------
    mistakes : list of int
        Number of updates (misclassified examples) during the epoch.
    train_accuracy, test_accuracy : list of float
        Accuracy with the weights at the end of the epoch (``test_accuracy`` empty without a test set).
    initial_weights : (ndarray of shape (d,), float)
        ``(w, b)`` before the first update: zeros, or the random start drawn from ``rng``.
    weights : list of (ndarray of shape (d,), float)
        Copies of ``(w, b)`` at the end of each epoch, e.g. to replay training with a slider.
    converged : bool
        True if an epoch had zero mistakes (the last one, then).
    n_epochs : int
        Number of epochs run.
    message : str
        A readable summary.
    """

    mistakes: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    initial_weights: tuple | None = field(default=None, repr=False)
    weights: list = field(default_factory=list, repr=False)
    converged: bool = False
    n_epochs: int = 0
    message: str = ""


def _step(z):
    """Heaviside step: 1 where z >= 0, else 0 (int64)."""
    return (z >= 0).astype(np.int64)


def _binary_labels(y, name, classes=None):
    """Map labels to t in {0, 1}; return (t, classes) with classes [0, 1] or [-1, 1]."""
    y = as_array(y, name, ndim=1, dtype=None)
    if y.dtype.kind not in "iufb":
        raise TypeError(f"{name} must hold numeric labels in {{0, 1}} or {{-1, 1}}, got dtype {y.dtype}")
    values = set(np.unique(y).tolist())
    if classes is None:
        if values <= {0, 1}:
            classes = np.array([0, 1])
        elif values <= {-1, 1}:
            classes = np.array([-1, 1])
        else:
            raise ValueError(f"{name} must hold binary labels in {{0, 1}} or {{-1, 1}}, "
                             f"got values {sorted(values)[:10]}")
    elif not values <= set(classes.tolist()):
        raise ValueError(f"{name} must use the training labels {classes.tolist()}, "
                         f"got values {sorted(values)[:10]}")
    return (y == classes[1]).astype(np.int64), classes


class Perceptron:
    r"""The classic perceptron (Rosenblatt, 1958), trained one example at a time.

    Parameters
    ----------
    lr : float, default 1.0
        Learning rate :math:`\eta > 0`. Starting from :math:`w = 0, b = 0` it only scales
        the weights, never the predictions: the mistakes made do not depend on it.
    max_epochs : int, default 100
        Upper bound on passes over the data; training always stops.
    shuffle : bool, default True
        Visit the examples in a new random order each epoch.
    rng : None, int or numpy.random.Generator
        Source of the shuffling order. An int makes ``fit`` reproducible; a Generator is
        advanced by each ``fit``.

    Attributes
    ----------
    w_ : ndarray of shape (d,)
        Weights, set by ``fit``.
    b_ : float
        Bias, set by ``fit``.
    classes_ : ndarray of shape (2,), ``[0, 1]`` or ``[-1, 1]``: what ``predict`` returns
    history_ : PerceptronHistory

    Notes
    -----
    Labels may be in {0, 1} or {-1, 1}; internally the target is :math:`t = 1` for the
    positive class and 0 otherwise, so the update is :math:`\pm\eta x` per mistake in both cases.
    With ``init="zeros"`` (the default) the weights start at zero: then every weight vector
    is ``lr`` times an integer combination of the examples, so ``lr`` only rescales ``w`` and
    never changes a prediction. With ``init="random"`` the weights start at
    :math:`\mathcal N(0, 1)` draws from ``rng``; now the step size relative to that start
    matters, which is what the lecture's "sufficiently small learning rate" is about.
    """

    def __init__(self, lr=1.0, max_epochs=100, shuffle=True, rng=None, init="zeros"):
        self.lr = lr
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.rng = rng
        self.init = init
        self._check_params()

    def _check_params(self):
        lr = check_positive(self.lr, "lr")
        max_epochs = check_int(self.max_epochs, "max_epochs", minimum=1)
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {self.shuffle!r}")
        check_rng(self.rng)  # type check only; fit makes the Generator
        check_choice(self.init, "init", {"zeros", "random"})
        return lr, max_epochs

    def __repr__(self):
        return (f"Perceptron(lr={self.lr!r}, max_epochs={self.max_epochs!r}, "
                f"shuffle={self.shuffle!r}, rng={self.rng!r}, init={self.init!r})")

    def fit(self, X, y, X_test=None, y_test=None):
        r"""Train with the perceptron rule until an epoch has no mistakes or ``max_epochs``.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,), labels in {0, 1} or {-1, 1}
        X_test, y_test : optional, shapes (m, d) and (m,)
            If given, test accuracy is recorded after every epoch.

        Returns
        -------
        self
        """
        lr, max_epochs = self._check_params()
        X = as_array(X, "X", ndim=2, min_rows=1)
        t, classes = _binary_labels(y, "y")
        check_same_length(X, t, "X", "y")
        if (X_test is None) != (y_test is None):
            raise ValueError("X_test and y_test must be given together (or both left None)")
        if X_test is not None:
            X_test = as_array(X_test, "X_test", ndim=2)
            if X_test.shape[1] != X.shape[1]:
                raise ValueError(f"X_test must have {X.shape[1]} columns like X, got shape {X_test.shape}")
            t_test, _ = _binary_labels(y_test, "y_test", classes)
            check_same_length(X_test, t_test, "X_test", "y_test")
        gen = check_rng(self.rng)

        n, d = X.shape
        if self.init == "random":
            w, b = gen.standard_normal(d), float(gen.standard_normal())
        else:
            w, b = np.zeros(d), 0.0
        hist = PerceptronHistory(initial_weights=(w.copy(), float(b)))
        for _ in range(max_epochs):
            mistakes = 0
            for i in (gen.permutation(n) if self.shuffle else range(n)):
                y_hat = 1 if X[i] @ w + b >= 0 else 0
                if y_hat != t[i]:
                    w = w + lr * (t[i] - y_hat) * X[i]
                    b = b + lr * (t[i] - y_hat)
                    mistakes += 1
            hist.n_epochs += 1
            hist.mistakes.append(mistakes)
            hist.weights.append((w.copy(), float(b)))
            hist.train_accuracy.append(float(np.mean(_step(X @ w + b) == t)))
            if X_test is not None:
                hist.test_accuracy.append(float(np.mean(_step(X_test @ w + b) == t_test)))
            if mistakes == 0:
                hist.converged = True
                break

        s = "" if hist.n_epochs == 1 else "s"
        if hist.converged:
            hist.message = f"converged after {hist.n_epochs} epoch{s}"
        else:
            hist.message = (f"did not converge within max_epochs={max_epochs} epoch{s}: "
                            "the data may not be linearly separable")
            warnings.warn(hist.message, ConvergenceWarning, stacklevel=2)
        self.w_, self.b_, self.classes_, self.history_ = w, float(b), classes, hist
        return self

    def _check_X(self, X):
        if not hasattr(self, "w_"):
            raise RuntimeError("this Perceptron is not fitted yet; call fit(X, y) first")
        X = as_array(X, "X", ndim=2)
        if X.shape[1] != len(self.w_):
            raise ValueError(f"X must have {len(self.w_)} columns (as in fit), got shape {X.shape}")
        return X

    def decision_function(self, X):
        r"""Pre-activation :math:`z = X w + b`, shape (n,); the class is positive where :math:`z \ge 0`."""
        X = self._check_X(X)
        return X @ self.w_ + self.b_

    def predict(self, X):
        """Predicted labels, shape (n,), in the encoding of the training labels (``classes_``)."""
        z = self.decision_function(X)
        return self.classes_[_step(z)]

    def score(self, X, y):
        """Accuracy: the fraction of rows of ``X`` whose predicted label equals ``y``."""
        X = self._check_X(X)
        t, _ = _binary_labels(y, "y", self.classes_)
        check_same_length(X, t, "X", "y")
        return float(np.mean(_step(X @ self.w_ + self.b_) == t))
