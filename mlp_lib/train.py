r"""The training loop: :func:`train_step` does one step, :func:`fit` runs epochs of them and
returns a :class:`History`.

One step on a batch :math:`\mathcal B`: forward, loss, backward, optional clipping, then the
optimizer's update, for plain SGD :math:`\theta \leftarrow \theta - \eta \hat g`. One epoch
visits every example once.
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_choice, check_int, check_rng, check_same_length
from .activations import Sigmoid, Tanh
from .clipping import global_norm
from .losses import Loss, SoftmaxCrossEntropy
from .optim import SGD, minibatches

__all__ = ["train_step", "fit", "evaluate", "History", "TrainingDivergedWarning"]


class TrainingDivergedWarning(RuntimeWarning):
    """The loss became nan or inf and training stopped."""


@dataclass
class History:
    """What :func:`fit` measured. Lists have one entry per epoch unless stated otherwise.

    Attributes
    ----------
    loss, val_loss : list of float
        Mean training loss over the epoch's steps; loss on ``validation_data`` after the epoch.
    accuracy, val_accuracy : list of float
        Likewise, for a classification loss (``loss.classification``); empty otherwise.
    seconds : list of float
        Time since the start of ``fit`` at the end of each epoch.
    step_loss : list of float
        The loss of every step (with ``log_steps``).
    grad_norms : list of dict
        With ``track_gradients``: ``grad_norms[e][key]``, the mean L2 norm over epoch e of the
        gradient of ``model.params[key]`` (before clipping).
    activation_stats : list of list of dict
        With ``track_activations``, ``epochs + 1`` entries: ``activation_stats[e][i]`` describes the
        output of layer i on a fixed probe batch (the first 256 rows of X) after e epochs;
        ``activation_stats[0]`` is before the first step. Keys: ``layer`` (the layer's class name),
        ``mean``, ``std``, ``saturated`` (fraction of sigmoid/tanh outputs within 0.01 of their
        limits, nan for other layers), ``zero`` (fraction exactly 0: dead ReLUs) and ``values``
        (up to 4096 outputs spread over the batch and the units, for histograms).
    batch_size : int or None
        The batch size used (n for batch gradient descent).
    diverged : bool; stop_epoch, stop_step : int or None
        Set when the loss became nan or inf (training stopped there).
    message : str
        Why training stopped early, if it did.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    activation_stats: list = field(default_factory=list)
    batch_size: int | None = None
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


def train_step(model, loss, optimizer, X_batch, y_batch, *, clip=None, return_output=False):
    r"""One step of gradient descent on one batch; return the batch's loss before the update.

    .. code-block:: python

        y_hat = model.forward(X_batch)           # forward pass
        value = loss.forward(y_hat, y_batch)     # J on the batch
        model.backward(loss.backward())          # backprop: fills model.grads
        clip(model.grads)                        # optional, in place
        optimizer.step(model.params, model.grads)  # e.g. θ ← θ − η g

    Parameters
    ----------
    model : Sequential (or a Layer)
    loss : mlp_lib.losses.Loss
    optimizer : object with ``step(params, grads)``, e.g. :class:`~mlp_lib.optim.SGD`
    X_batch : ndarray of shape (N, d)
    y_batch : ndarray of shape (N,) or (N, K), targets as ``loss`` takes them
    clip : callable or None
        Applied to ``model.grads`` before the update (``ClipByNorm(5.0)``, ``ClipByValue(-1, 1)``).
    return_output : bool
        Also return the network output ``y_hat`` (N, K) of the forward pass.

    Returns
    -------
    float, or ``(float, ndarray)`` with ``return_output``. When the loss is nan or inf the
    parameters are left as they were: there is no sensible step to take.
    """
    y_hat = model.forward(X_batch)
    value = loss.forward(y_hat, y_batch)
    if math.isfinite(value):
        model.backward(loss.backward(), input_grad=False)  # the input's gradient is never used
        grads = model.grads
        if clip is not None:
            clip(grads)
        optimizer.step(model.params, grads)
    return (value, y_hat) if return_output else value


def _prepare_targets(loss, y, dtype):
    """Targets in the form the loss wants: int labels for softmax, else float columns (N, K)."""
    if isinstance(loss, SoftmaxCrossEntropy) and y.ndim == 1:
        return y.astype(np.int64)
    y = y.astype(dtype)
    return y.reshape(-1, 1) if y.ndim == 1 else y


def evaluate(model, loss, X, y):
    """Return ``(mean loss, accuracy or None)`` of ``model`` in evaluation mode on (X, y).

    The accuracy is given for a classification loss (``loss.classification``) only.
    """
    y_hat = model.predict(X)
    y = _prepare_targets(loss, np.asarray(y), y_hat.dtype)
    value = loss.forward(y_hat, y)
    return value, (loss.accuracy(y_hat, y) if loss.classification else None)


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
        stats.append({"layer": type(layer).__name__, "mean": float(flat.mean()), "std": float(flat.std()),
                      "saturated": sat, "zero": float(np.mean(flat == 0)),
                      "values": flat[_spread(flat.size, 4096)]})
    return stats


def fit(model, loss, X, y, *, optimizer=None, lr=None, epochs=10, batch_size=32, shuffle=True,
        clip=None, validation_data=None, rng=None, callbacks=(), progress=True, log_steps=False,
        track_gradients=False, track_activations=False, on_divergence="stop"):
    """Train ``model`` on (X, y) with mini-batch gradient descent, one :func:`train_step` per batch.

    Parameters
    ----------
    model : Sequential
    loss : mlp_lib.losses.Loss
    X : ndarray of shape (n, d); y : ndarray of shape (n,) or (n, k)
    optimizer : object with ``step(params, grads)``, default ``SGD(lr)``; lr : float, default 0.1
        Pass one of the two. Weight decay (L2) is the optimizer's: ``SGD(lr, weight_decay=λ)``.
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

    The accuracy is recorded when ``loss.classification`` is true (the cross-entropies), never
    for a regression loss such as :class:`~mlp_lib.losses.SquaredError`, whatever the targets.
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
    X = as_array(X, "X", ndim=2, dtype=dtype, min_rows=1)
    y = as_array(y, "y", ndim=(1, 2), dtype=None)
    check_same_length(X, y, "X", "y")
    y_train = _prepare_targets(loss, y, dtype)
    out_features = model.predict(X[:1]).shape[1]  # check every target up front, not at its batch
    loss._check(np.zeros((len(y_train), out_features), dtype), y_train)
    if validation_data is not None:
        if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
            raise TypeError("validation_data must be a tuple (X_val, y_val)")
        X_val = as_array(validation_data[0], "validation_data[0]", ndim=2, dtype=dtype)
        y_val = as_array(validation_data[1], "validation_data[1]", ndim=(1, 2), dtype=None)
        check_same_length(X_val, y_val, "X_val", "y_val")
    rng = check_rng(rng)
    probe = X[:256]
    history = History(batch_size=len(X) if batch_size is None else min(batch_size, len(X)))
    norms = {}

    def measure_then_clip(grads):  # the gradient's norm before clipping, per parameter array
        for key, g in grads.items():
            norms[key] = norms.get(key, 0.0) + global_norm(g)  # no overflow for exploding gradients
        if clip is not None:
            clip(grads)

    before_update = measure_then_clip if track_gradients else clip
    callbacks = list(callbacks)
    bar = _progress_bar(epochs, progress)
    start = time.perf_counter()
    model.train()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and explained below
        if track_activations:
            history.activation_stats.append(_activation_stats(model, probe))
        for epoch in range(epochs):
            total, correct, seen, steps = 0.0, 0.0, 0, 0
            norms.clear()
            for step, (X_batch, y_batch) in enumerate(minibatches(X, y_train, batch_size, shuffle, rng)):
                value, y_hat = train_step(model, loss, optimizer, X_batch, y_batch, clip=before_update,
                                          return_output=True)
                if not math.isfinite(value):
                    _diverged(history, epoch, step, value, on_divergence)
                    break
                n_batch = len(X_batch)
                total += value * n_batch
                seen += n_batch
                steps += 1
                if loss.classification:
                    correct += loss.accuracy(y_hat, y_batch) * n_batch
                if log_steps:
                    history.step_loss.append(value)
            if history.diverged:
                break
            history.loss.append(total / seen)
            if loss.classification:
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
