r"""Weight initialization (lecture: "Weight Initialization").

Every initializer is an :class:`Initializer`: ``init(shape, rng) -> ndarray``, where
``shape = (n_in, n_out)`` for a Dense weight matrix (``n_in`` = :math:`n^{[l-1]}`, the fan-in).
Biases start at zero (:math:`b^{[l]} = 0`) in every scheme of the lecture.

========================  =========================================================
name                      distribution
========================  =========================================================
``zeros()``               :math:`W = 0` (fails to break symmetry)
``constant(c)``           :math:`W = c` (fails too: every unit computes the same)
``normal(std, mean=0)``   :math:`\mathcal N(\mu, \sigma^2)`, lecture's "simple random" (σ = 0.01)
``uniform(low, high)``    :math:`\mathcal U(low, high)`
``xavier()``              :math:`\mathcal N(0, 1/n_{in})` — the lecture's Xavier (a.k.a. LeCun normal)
``glorot()``              :math:`\mathcal N(0, 2/(n_{in}+n_{out}))` — Glorot & Bengio's Xavier
``glorot_uniform()``      :math:`\mathcal U(\pm\sqrt{6/(n_{in}+n_{out})})`
``he()``                  :math:`\mathcal N(0, 2/n_{in})` — He et al., for ReLU
========================  =========================================================
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_positive, check_rng

__all__ = ["Initializer", "zeros", "constant", "normal", "uniform", "xavier", "glorot",
           "glorot_uniform", "he", "get", "NAMES"]


class Initializer:
    """A named rule ``(shape, rng) -> ndarray``; ``repr`` shows the rule."""

    def __init__(self, name, sample, **hyper):
        self.name, self._sample, self.hyper = name, sample, hyper

    def __call__(self, shape, rng=None):
        shape = tuple(int(s) for s in shape)
        if len(shape) != 2 or min(shape) < 1:
            raise ValueError(f"shape must be (n_in, n_out) with positive sizes, got {shape}")
        return np.asarray(self._sample(shape, check_rng(rng)), dtype=np.float64)

    def std(self, shape):
        """Standard deviation of the drawn weights for ``shape`` (None for constants)."""
        return self.hyper.get("std_of", lambda s: None)(shape)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items() if k != "std_of")
        return f"{self.name}({args})"


def zeros():
    """:math:`W = 0`."""
    return Initializer("zeros", lambda shape, rng: np.zeros(shape))


def constant(value=0.5):
    """:math:`W = c` for every weight."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {type(value).__name__}")
    return Initializer("constant", lambda shape, rng: np.full(shape, float(value)), value=value)


def normal(std=0.01, mean=0.0):
    r""":math:`W \sim \mathcal N(\mu, \sigma^2)` with :math:`\sigma` = ``std``, :math:`\mu` = ``mean``;
    the lecture's "simple random" is σ = 0.01, μ = 0."""
    std = check_positive(std, "std")
    if isinstance(mean, bool) or not isinstance(mean, numbers.Real) or not np.isfinite(mean):
        raise TypeError(f"mean must be a finite real number, got {mean!r}")
    mean = float(mean)
    return Initializer("normal", lambda shape, rng: rng.normal(mean, std, size=shape),
                       std=std, mean=mean, std_of=lambda s: std)


def uniform(low=-0.05, high=0.05):
    r""":math:`W \sim \mathcal U(low, high)`."""
    if not high > low:
        raise ValueError(f"high must be greater than low, got low={low}, high={high}")
    return Initializer("uniform", lambda shape, rng: rng.uniform(low, high, size=shape),
                       low=low, high=high, std_of=lambda s: (high - low) / np.sqrt(12))


def xavier():
    r"""The lecture's Xavier: :math:`W^{[l]} \sim \mathcal N(0, 1/n^{[l-1]})` (fan-in; "LeCun normal")."""
    std_of = lambda s: np.sqrt(1.0 / s[0])  # noqa: E731
    return Initializer("xavier", lambda shape, rng: rng.normal(0.0, std_of(shape), size=shape), std_of=std_of)


def glorot():
    r"""Glorot & Bengio (2010): :math:`W \sim \mathcal N(0, 2/(n_{in} + n_{out}))`."""
    std_of = lambda s: np.sqrt(2.0 / (s[0] + s[1]))  # noqa: E731
    return Initializer("glorot", lambda shape, rng: rng.normal(0.0, std_of(shape), size=shape), std_of=std_of)


def glorot_uniform():
    r"""Glorot & Bengio (2010), uniform form: :math:`W \sim \mathcal U(\pm\sqrt{6/(n_{in}+n_{out})})`."""
    def sample(shape, rng):
        limit = np.sqrt(6.0 / (shape[0] + shape[1]))
        return rng.uniform(-limit, limit, size=shape)
    return Initializer("glorot_uniform", sample, std_of=lambda s: np.sqrt(2.0 / (s[0] + s[1])))


def he():
    r"""He et al. (2015): :math:`W^{[l]} \sim \mathcal N(0, 2/n^{[l-1]})`, made for ReLU."""
    std_of = lambda s: np.sqrt(2.0 / s[0])  # noqa: E731
    return Initializer("he", lambda shape, rng: rng.normal(0.0, std_of(shape), size=shape), std_of=std_of)


NAMES = {"zeros": zeros, "constant": constant, "normal": normal, "uniform": uniform,
         "xavier": xavier, "glorot": glorot, "glorot_uniform": glorot_uniform, "he": he}


def get(init):
    """Return an :class:`Initializer` from a name in :data:`NAMES`, an Initializer or a callable."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, str):
        if init not in NAMES:
            raise ValueError(f"init must be one of {sorted(NAMES)} or an Initializer, got {init!r}")
        return NAMES[init]()
    if callable(init):
        name = getattr(init, "__name__", "custom")
        return Initializer(name, lambda shape, rng: init(shape, rng))
    raise TypeError(f"init must be a name, an Initializer or a callable (shape, rng) -> array, got {type(init).__name__}")
