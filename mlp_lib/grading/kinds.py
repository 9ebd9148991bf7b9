r"""How each kind of observation is judged: pure functions of plain data, message or None.

``judge(kind, label, got, spec, reference)`` returns the message a student reads when the
observation fails, else None. ``got`` is what the student's code produced, ``spec`` what the test
computed (decoded, see :mod:`mlp_lib.grading.record`); ``reference`` is the reference solution's
``got`` at the same place, for ``expected=REFERENCE`` (None when there is no reference run: such
an observation is then not judged). The checks of :mod:`mlp_lib.checks` call these in the kernel
for the immediate message, and the grader calls them again in its own process.

Kinds: ``array`` (close to the expected value), ``unchanged`` (an input left as it was),
``same`` / ``differs`` (two results of the student's code agree / differ), ``statistics`` (mean
and standard deviation of random weights), ``not_imported``, ``no_warning``, ``classifies``
(a trained model separates a data set) and ``minibatches`` (one epoch of mini-batches).
"""
from __future__ import annotations

import numpy as np

from .record import REFERENCE, Unreadable

__all__ = ["judge", "KINDS"]


def _shape_text(shape):
    return "a single number (shape ())" if tuple(shape) == () else str(tuple(shape))


def _with_hint(message, hint):
    return f"{message}: {hint}" if hint else message


def _as_numbers(label, value):
    """``(array, None)`` with ``value`` as float64, or ``(None, message)`` saying why not."""
    if value is None:
        return None, f"{label} is None — did you forget to return a value?"
    if isinstance(value, Unreadable):
        return None, f"{label} should be an array of numbers, got {value.source_type} ({value.why})"
    if isinstance(value, str):
        return None, f"{label} should be an array of numbers, got str"
    try:
        return np.asarray(value, dtype=np.float64), None
    except (TypeError, ValueError):
        return None, f"{label} should be an array of numbers, got {type(value).__name__}"


def _finite_problem(label, arr, stable_hint=None):
    for bad, test in (("nan", np.isnan), ("inf", np.isinf)):
        mask = test(arr)
        if np.any(mask):
            if stable_hint is not None:
                return f"{label} returned {bad} — {stable_hint}"
            where = f" at index {tuple(int(i) for i in np.argwhere(mask)[0])}" if arr.ndim else ""
            return f"{label} contains {bad}{where}"
    return None


def _close(a, b, atol, rtol):
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


def _difference(label, arr, expected, atol, rtol):
    """The "is wrong at index …" message, or None when ``arr`` is close to ``expected``."""
    close = np.abs(arr - expected) <= atol + rtol * np.abs(expected)
    if np.all(close):
        return None
    idx = tuple(int(i) for i in np.argwhere(~close)[0])
    diff = float(np.max(np.abs(arr - expected)))
    at = f" at index {idx}" if arr.ndim else ""
    return (f"{label} is wrong{at}: got {arr[idx]:.6g}, expected {expected[idx]:.6g} "
            f"(largest difference {diff:.3g})")


def _array(label, got, spec, reference):
    expected = spec.get("expected")
    if expected is REFERENCE:
        if reference is None:
            return None  # no reference run (the student's own check): not judged here
        expected, problem = _as_numbers("the reference value", reference)
        if problem:
            return f"{label}: the reference solution gives no numbers here ({problem})"
    hint, atol, rtol = spec.get("hint"), float(spec.get("atol", 1e-7)), float(spec.get("rtol", 1e-5))
    arr, problem = _as_numbers(label, got)
    if problem:
        return _with_hint(problem, hint)
    shape = spec.get("shape")
    if expected is not None:
        expected = np.asarray(expected, dtype=np.float64)
        shape = expected.shape if shape is None else shape
    if shape is not None and arr.shape != tuple(int(n) for n in shape):
        return _with_hint(f"{label} has shape {_shape_text(arr.shape)}, expected "
                          f"{_shape_text(tuple(int(n) for n in shape))}", hint)
    problem = _finite_problem(label, arr, spec.get("stable_hint"))
    if problem:
        return _with_hint(problem, hint)
    if expected is None:
        return None
    message = _difference(label, arr, expected, atol, rtol)
    if message is None:
        return None
    for mistake, value in spec.get("mistakes") or ():
        value = np.asarray(value, dtype=np.float64)
        if _close(arr, value, atol, rtol):
            return f"{label} is wrong: {mistake}"
    return _with_hint(message, hint)


def _unchanged(label, got, spec, reference):
    arr, problem = _as_numbers(label, got)
    original = np.asarray(spec["expected"], dtype=np.float64)
    if problem or arr.shape != original.shape or not np.array_equal(arr, original, equal_nan=True):
        return str(spec.get("message") or f"{label} was changed")
    return None


def _flat(label, value):
    """``value`` as numbers; a tuple or list (e.g. of batches) as all its numbers in order, 1-D."""
    if isinstance(value, (tuple, list)):
        parts = []
        for item in value:
            arr, problem = _flat(label, item)
            if problem:
                return None, problem
            parts.append(arr.reshape(-1))
        return (np.concatenate(parts) if parts else np.zeros(0)), None
    return _as_numbers(label, value)


def _pair(label, got, prefix=False):
    """The two results of ``got`` as arrays (the second cut to the first's rows with ``prefix``)."""
    if not isinstance(got, tuple) or len(got) != 2:
        return None, f"{label}: could not compare the two results"
    first, problem = _flat(f"{label} (first result)", got[0])
    second, problem2 = _flat(f"{label} (second result)", got[1])
    if problem or problem2:
        return None, problem or problem2
    if prefix and second.ndim >= 1 and first.ndim >= 1:
        second = second[:len(first)]
    return (first, second), None


def _same(label, got, spec, reference):
    pair, problem = _pair(label, got, prefix=bool(spec.get("prefix")))
    if problem:
        return problem
    first, second = pair
    hint = spec.get("hint")
    if first.shape != second.shape:
        return _with_hint(f"{label}: the results have shapes {_shape_text(first.shape)} and "
                          f"{_shape_text(second.shape)}", hint)
    close = np.abs(first - second) <= float(spec.get("atol", 0.0)) + float(spec.get("rtol", 0.0)) * np.abs(second)
    if np.all(close):
        return None
    idx = tuple(int(i) for i in np.argwhere(~close)[0])
    at = f" at index {idx}" if first.ndim else ""
    return _with_hint(f"{label}: the results differ{at} ({first[idx]:.6g} and {second[idx]:.6g})", hint)


def _differs(label, got, spec, reference):
    pair, problem = _pair(label, got)
    if problem:
        return problem
    first, second = pair
    if first.shape == second.shape and np.array_equal(first, second):
        return _with_hint(f"{label}: both results are the same", spec.get("hint"))
    return None


def _statistics(label, got, spec, reference):
    arr, problem = _as_numbers(label, got)
    hint = spec.get("hint")
    if problem:
        return _with_hint(problem, hint)
    shape = tuple(int(n) for n in spec["shape"])
    if arr.shape != shape:
        return _with_hint(f"{label} has shape {_shape_text(arr.shape)}, expected {_shape_text(shape)}", hint)
    problem = _finite_problem(label, arr)
    if problem:
        return _with_hint(problem, hint)
    mean, std = float(arr.mean()), float(arr.std())
    if abs(mean - float(spec["mean"])) > float(spec["mean_tol"]):
        return _with_hint(f"{label}: the weights should have mean {float(spec['mean']):g}, got {mean:.3g}", hint)
    if abs(std - float(spec["std"])) > float(spec["std_tol"]):
        return _with_hint(f"{label}: the weights should have standard deviation {spec['std_text']} = "
                          f"{float(spec['std']):.4f}, got {std:.4f}", hint)
    return None


def _not_imported(label, got, spec, reference):
    if got is None:
        return None
    return (f"{label} must be implemented here, not imported from mlp_lib — no points for this part "
            f"(it uses {got})")


def _no_warning(label, got, spec, reference):
    if got is None:
        return None
    return _with_hint(f"{label} triggered the numpy warning '{got}'", spec.get("hint"))


def _step(z):
    return (z >= 0).astype(np.float64)


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def _predictions(model, params, X):
    """Predicted labels of ``model`` with the student's trained ``params`` on ``X``."""
    arrays = [np.asarray(p, dtype=np.float64) for p in params]
    if model == "perceptron":
        w, b = arrays
        return _step(X @ w + b)
    if model == "tanh-sigmoid":
        W1, b1, W2, b2 = arrays
        return (_sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2) > 0.5).astype(np.float64)
    raise ValueError(f"unknown model {model!r}")


def _classifies(label, got, spec, reference):
    hint, model = spec.get("hint"), str(spec["model"])
    X, t = np.asarray(spec["X"], dtype=np.float64), np.asarray(spec["t"], dtype=np.float64)
    names = {"perceptron": ("w", "b"), "tanh-sigmoid": ("W1", "b1", "W2", "b2")}[model]
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        return _with_hint(f"{label}: expected the parameters {', '.join(names)}", hint)
    params = []
    for name, value in zip(names, got):
        arr, problem = _as_numbers(name, value)
        problem = problem or _finite_problem(name, arr)
        if problem:
            return _with_hint(f"{label}: {problem}", hint)
        params.append(arr)
    try:
        if model == "perceptron":
            params = [params[0].reshape(X.shape[1]), params[1].reshape(())]
        predicted = _predictions(model, params, X).reshape(t.shape)
    except ValueError as error:
        return _with_hint(f"{label}: the parameters do not fit the inputs ({error})", hint)
    if np.array_equal(predicted, t):
        return None
    wrong = int(np.sum(predicted != t))
    return _with_hint(f"{label}: {wrong} of {len(t)} examples misclassified (predictions "
                      f"{predicted.reshape(-1).astype(int).tolist()}, targets {t.reshape(-1).astype(int).tolist()})",
                      hint)


def _minibatches(label, got, spec, reference):
    X, y = np.asarray(spec["X"], dtype=np.float64), np.asarray(spec["y"], dtype=np.float64)
    batch_size, n = int(spec["batch_size"]), len(spec["y"])
    hint = spec.get("hint")
    if not isinstance(got, (tuple, list)):
        return f"{label}: expected the batches, got {type(got).__name__}"
    sizes, rows = [], []
    for k, batch in enumerate(got):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            return f"{label}: batch {k} should be a pair (X_batch, y_batch)"
        xb, problem = _as_numbers(f"X_batch {k}", batch[0])
        yb, problem2 = _as_numbers(f"y_batch {k}", batch[1])
        if problem or problem2:
            return f"{label}: {problem or problem2}"
        if xb.ndim != 2 or xb.shape[1] != X.shape[1] or yb.shape != (len(xb),):
            return (f"{label}: batch {k} has X_batch of shape {_shape_text(xb.shape)} and y_batch of shape "
                    f"{_shape_text(yb.shape)}; expected (k, {X.shape[1]}) and (k,)")
        sizes.append(len(xb))
        rows.append((xb, yb))
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected_sizes:
        return _with_hint(f"{label}: batch sizes {sizes}, expected {expected_sizes}", hint)
    seen = np.concatenate([yb for _, yb in rows]) if rows else np.zeros(0)
    if sorted(seen.tolist()) != sorted(y.tolist()):
        return _with_hint(f"{label}: every example must appear exactly once per epoch, got labels "
                          f"{seen.astype(int).tolist()}", hint)
    index = {float(v): i for i, v in enumerate(y)}
    for k, (xb, yb) in enumerate(rows):
        expected_rows = X[[index[float(v)] for v in yb]]
        if not np.array_equal(xb, expected_rows):
            return _with_hint(f"{label}: the rows of X_batch {k} do not belong to its labels y_batch", hint)
    return None


KINDS = {"array": _array, "unchanged": _unchanged, "same": _same, "differs": _differs,
         "statistics": _statistics, "not_imported": _not_imported, "no_warning": _no_warning,
         "classifies": _classifies, "minibatches": _minibatches}


def judge(kind, label, got, spec, reference=None):
    """The failure message of one observation, or None when it passes (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of observation {kind!r}")
    return KINDS[kind](str(label), got, spec, reference)
