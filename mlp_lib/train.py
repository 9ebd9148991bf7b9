r"""The training loop: :func:`fit` runs mini-batch gradient descent and returns a :class:`History`.

One step on a batch :math:`\mathcal B`: forward, loss, backward, optional clipping, then
:math:`\theta \leftarrow \theta - \alpha \hat g`. One epoch visits every example once.
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_choice, check_int, check_rng, check_same_length
from .activations import Sigmoid, Tanh
from .losses import Loss, SoftmaxCrossEntropy, add_l2_grad, l2_penalty
from .optim import SGD, minibatches

__all__ = ["fit", "evaluate", "History", "TrainingDivergedWarning"]


class TrainingDivergedWarning(RuntimeWarning):
    """The loss became nan or inf and training stopped."""


@dataclass
class History:
    """What :func:`fit` measured. Lists have one entry per epoch unless named ``step_*``.

    ``grad_norms[e][key]``: mean L2 norm of the gradient of ``model.params[key]`` over epoch e.
    ``activation_stats[e][i]``: dict with ``mean``, ``std``, ``saturated`` (fraction of
    sigmoid/tanh outputs within 0.01 of their limits), ``zero`` (fraction exactly 0, dead ReLUs)
    and ``values`` (a sample for histograms) for the output of layer i on a fixed probe batch.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    activation_stats: list = field(default_factory=list)
    diverged: bool = False
    stop_epoch: int | None = None
    stop_step: int | None = None
    message: str = ""

    @property
    def epochs(self):
        return len(self.loss)

    def __repr__(self):
        last = f", loss={self.loss[-1]:.4g}" if self.loss else ""
        acc = f", accuracy={self.accuracy[-1]:.3f}" if self.accuracy else ""
        msg = f", message={self.message!r}" if self.message else ""
        return f"History(epochs={self.epochs}{last}{acc}{msg})"


def _labels(y):
    """Class labels from targets, or None when the targets are not class labels."""
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(-1)
    if y.dtype.kind in "iub" or np.all(y == np.round(y)):
        return y
    return None


def _prepare_targets(loss, y, dtype):
    """Targets in the form the loss wants: int labels for softmax, else float columns (N, K)."""
    if isinstance(loss, SoftmaxCrossEntropy) and y.ndim == 1:
        return y.astype(np.int64)
    y = y.astype(dtype)
    return y.reshape(-1, 1) if y.ndim == 1 else y


def evaluate(model, loss, X, y):
    """Return ``(mean loss, accuracy or None)`` of ``model`` in evaluation mode on (X, y)."""
    out = model.predict(X)
    y = np.asarray(y)
    value = loss.forward(out, _prepare_targets(loss, y, out.dtype)) + l2_penalty(model, loss.l2)
    labels = _labels(y)
    acc = None if labels is None else float(np.mean(loss.predict_labels(out) == labels))
    return value, acc


def _spread(size, k):
    """Indices of at most ``k`` entries evenly spread over ``range(size)`` (every example, every unit)."""
    return np.arange(size) if size <= k else np.linspace(0, size - 1, k).astype(np.int64)


def _activation_stats(model, probe):
    """Per-layer output statistics on ``probe`` without disturbing BatchNorm running stats."""
    saved = [(l, l.running_mean, l.running_var) for l in model.layers if hasattr(l, "running_mean")]
    try:
        outs = model.layer_outputs(probe)
    finally:
        for layer, mean, var in saved:
            layer.running_mean, layer.running_var = mean, var
    stats = []
    for layer, a in zip(model.layers, outs):
        if isinstance(layer, Tanh):
            sat = float(np.mean(np.abs(a) > 0.99))
        elif isinstance(layer, Sigmoid):
            sat = float(np.mean((a < 0.01) | (a > 0.99)))
        else:
            sat = float("nan")
        flat = a.reshape(-1)
        stats.append({"mean": float(flat.mean()), "std": float(flat.std()), "saturated": sat,
                      "zero": float(np.mean(flat == 0)), "values": flat[_spread(flat.size, 4096)]})
    return stats


def fit(model, loss, X, y, *, optimizer=None, lr=None, epochs=10, batch_size=32, shuffle=True,
        clip=None, validation_data=None, rng=None, callbacks=(), progress=True, log_steps=False,
        track_gradients=False, track_activations=False, on_divergence="stop"):
    """Train ``model`` on (X, y) with mini-batch gradient descent.

    Parameters
    ----------
    model : Sequential
    loss : mlp_lib.losses.Loss
    X : ndarray of shape (n, d); y : ndarray of shape (n,) or (n, k)
    optimizer : object with ``step(params, grads)``, default ``SGD(lr)``; lr : float, default 0.1
        Pass one of the two.
    epochs : int; batch_size : int or None
        n (None) = batch GD, 1 = stochastic GD, k = mini-batch GD.
    clip : callable or None
        ``ClipByValue``/``ClipByNorm`` (or any ``clip(grads_dict)``) applied before each update.
    validation_data : (X_val, y_val) or None
    rng : None, int or numpy.random.Generator — shuffling order (same seed, same result).
    callbacks : iterable of ``callback(epoch, model, history)``; returning True stops training.
    progress : bool — a tqdm progress bar over epochs.
    log_steps : bool — record the loss of every step in ``history.step_loss``.
    track_gradients, track_activations : bool — fill ``grad_norms`` / ``activation_stats``.
    on_divergence : "stop" (warn and return) or "raise" — when the loss becomes nan or inf.
    """
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be an mlp_lib.losses.Loss, got {type(loss).__name__}")
    if optimizer is None:
        optimizer = SGD(0.1 if lr is None else lr)
    elif lr is not None:
        raise TypeError("pass either lr or optimizer, not both")
    elif not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, got {type(optimizer).__name__}")
    epochs = check_int(epochs, "epochs", minimum=1)
    if batch_size is not None:
        check_int(batch_size, "batch_size", minimum=1)
    check_choice(on_divergence, "on_divergence", {"stop", "raise"})
    if clip is not None and not callable(clip):
        raise TypeError(f"clip must be ClipByValue, ClipByNorm or a callable, got {type(clip).__name__}")
    dtype = model.dtype
    X = as_array(X, "X", ndim=2, dtype=dtype)
    y = as_array(y, "y", ndim=(1, 2), dtype=None)
    check_same_length(X, y, "X", "y")
    y_train = _prepare_targets(loss, y, dtype)
    classify = _labels(y) is not None
    if validation_data is not None:
        if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
            raise TypeError("validation_data must be a tuple (X_val, y_val)")
        X_val = as_array(validation_data[0], "validation_data[0]", ndim=2, dtype=dtype)
        y_val = as_array(validation_data[1], "validation_data[1]", ndim=(1, 2), dtype=None)
        check_same_length(X_val, y_val, "X_val", "y_val")
    rng = check_rng(rng)
    probe = X[:256]
    history = History()
    callbacks = list(callbacks)
    bar = _progress_bar(epochs, progress)
    start = time.perf_counter()
    model.train()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and explained below
        for epoch in range(epochs):
            total, correct, seen, steps = 0.0, 0, 0, 0
            norms = {}
            for step, (xb, yb) in enumerate(minibatches(X, y_train, batch_size, shuffle, rng)):
                out = model.forward(xb)
                # the targets were put in the loss's form above: check the first batch only
                value = loss.forward(out, yb) if epoch == step == 0 else loss.forward_unchecked(out, yb)
                if loss.l2:
                    value += l2_penalty(model, loss.l2)
                if not math.isfinite(value):
                    _diverged(history, epoch, step, value, on_divergence)
                    break
                model.backward(loss.backward(), input_grad=False)
                grads = model.grads
                if loss.l2:
                    add_l2_grad(model, loss.l2)
                if track_gradients:
                    for key, g in grads.items():
                        norms[key] = norms.get(key, 0.0) + float(np.sqrt(np.sum(g * g)))
                if clip is not None:
                    clip(grads)
                optimizer.step(model.params, grads)
                n_b = len(xb)
                total += value * n_b
                seen += n_b
                steps += 1
                if classify:
                    labels = yb if yb.ndim == 1 else (yb[:, 0] if yb.shape[1] == 1 else yb.argmax(1))
                    correct += int(np.count_nonzero(loss.predict_labels(out) == labels))
                if log_steps:
                    history.step_loss.append(value)
            if history.diverged:
                break
            history.loss.append(total / seen)
            if classify:
                history.accuracy.append(correct / seen)
            if validation_data is not None:
                v_loss, v_acc = evaluate(model, loss, X_val, y_val)
                model.train()
                history.val_loss.append(v_loss)
                if v_acc is not None:
                    history.val_accuracy.append(v_acc)
            if track_gradients:
                history.grad_norms.append({k: v / steps for k, v in norms.items()})
            if track_activations:
                history.activation_stats.append(_activation_stats(model, probe))
            history.seconds.append(time.perf_counter() - start)
            if bar is not None:
                bar.update(1)
                if bar.n == epochs or time.perf_counter() - bar.last_print_t > 0.5:
                    bar.set_postfix(loss=f"{history.loss[-1]:.4g}", refresh=False)
            if any(cb(epoch, model, history) is True for cb in callbacks):
                history.message = f"stopped by a callback after epoch {epoch}"
                break
    if bar is not None:
        bar.close()
    return history


def _diverged(history, epoch, step, value, on_divergence):
    history.diverged = True
    history.stop_epoch, history.stop_step = epoch, step
    history.message = (f"loss became {value} at epoch {epoch}, step {step}: training stopped "
                       "(try a smaller learning rate, gradient clipping or another initialization)")
    if on_divergence == "raise":
        raise FloatingPointError(history.message)
    warnings.warn(history.message, TrainingDivergedWarning, stacklevel=3)


def _progress_bar(epochs, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="epochs", unit="epoch", leave=False)
