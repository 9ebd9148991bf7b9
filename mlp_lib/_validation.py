"""Input checks shared by every module: clear errors that name the argument."""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_array", "check_positive", "check_int", "check_rng", "check_seed", "check_choice",
           "check_same_length"]


def as_array(x, name, *, ndim=None, dtype=np.float64, allow_nan=False, min_rows=None):
    """Return ``x`` as a numpy array of ``dtype`` or raise a clear error.

    ``ndim`` may be an int or a tuple of allowed values. Raises ``TypeError`` when ``x``
    is not array-like/numeric and ``ValueError`` for a wrong shape or nan/inf values.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=dtype) if dtype is not None else np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__} ({exc})") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if min_rows is not None and arr.ndim >= 1 and arr.shape[0] < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} row(s), got shape {arr.shape}")
    if not allow_nan and arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains nan or inf values; clean the data first")
    return arr


def check_positive(value, name, *, allow_zero=False):
    """Return ``value`` as a float, requiring it to be > 0 (or >= 0 with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_int(value, name, *, minimum=None, maximum=None):
    """Return ``value`` as an int within [minimum, maximum] or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_rng(rng, name="rng"):
    """Turn ``None``, an int seed or a ``numpy.random.Generator`` into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"{name} must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}")


def check_seed(rng, name="rng"):
    """Turn ``rng`` (None, an int seed or a Generator) into one int seed in [0, 2**32).

    An int is kept; None or a Generator draws one. For code that derives several reproducible
    streams from one ``rng`` (``seed + l`` for layer l) or hands it to a function that wants
    an int (scikit-learn's ``random_state``).
    """
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return check_int(rng, name, minimum=0, maximum=2**32 - 1)
    return int(check_rng(rng, name).integers(2**32))


def check_choice(value, name, choices):
    """Require ``value`` to be one of ``choices`` (strings); return it."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_same_length(a, b, name_a, name_b):
    """Require two arrays to have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same number of rows, got {len(a)} and {len(b)}")
