r"""Learning by perturbing weights (lecture: "Learning by perturbing weights"), counting forward passes.

Three ways to lower the loss :math:`\mathcal J(\theta)` of a model on a data set, each charged in
*forward passes over the data set*, so a lecture can plot loss against cost side by side:

* :func:`perturb_one_weight`: change one weight :math:`\theta_i \leftarrow \theta_i + \varepsilon`,
  :math:`\varepsilon\sim\mathcal N(0, s^2)`; keep it if :math:`\mathcal J` went down, else undo it.
  1 forward pass per step.
* :func:`perturb_all_weights`: perturb all weights at once with :math:`\varepsilon_r\sim\mathcal N(0,\sigma^2 I)`
  in each of R trials and correlate the loss changes with the perturbations,

  .. math:: \hat g = \frac{1}{R\,\sigma^2}\sum_{r=1}^R \big(\mathcal J(\theta+\varepsilon_r)-\mathcal J(\theta)\big)\,\varepsilon_r
            \approx \nabla\mathcal J(\theta), \qquad \theta \leftarrow \theta - \eta\,\hat g

  (a zeroth-order, "weight perturbation" gradient estimate). R + 1 forward passes per step.
* :func:`backprop_cost`: full-batch gradient descent with back-propagation (one
  :func:`~mlp_lib.train.train_step` per step). Convention: a backward
  pass costs about 2 forward passes (per layer it does two matrix products, dW and dx, against the
  forward's one), so a step costs 1 + 2 = 3 forward-pass equivalents (``backward_cost=2``).

The lecture's point grows with the number of weights: on XOR with a 2-8-1 network (33 weights) a
well-tuned perturbation method keeps up with backprop, while on ``digits`` with 64-32-10 (2,410
weights) the best of a grid of perturbation settings ends 12x above backprop's loss after 900 forward
passes (0.49 vs 0.041).

All three work in place on ``model`` (like :func:`mlp_lib.train.fit`) and return a
:class:`PerturbResult` whose ``loss[i]`` is the loss after i steps and ``forward_passes[i]`` the
forward passes spent to know it (``forward_passes[0] = 1``: evaluating the start).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_int, check_positive, check_rng, check_same_length
from .losses import Loss
from .optim import SGD
from .train import train_step

__all__ = ["PerturbResult", "perturb_one_weight", "perturb_all_weights", "backprop_cost"]


@dataclass
class PerturbResult:
    """Loss curve of one method against its cost.

    Attributes
    ----------
    method : str
    loss : list of float, length steps + 1
        ``loss[0]`` at the start, ``loss[i]`` after step i.
    forward_passes : list of int, length steps + 1
        Cumulative forward passes over the data set when ``loss[i]`` was known.
    accepted : int
        Steps that lowered the loss (for :func:`perturb_one_weight`: the changes that were kept).
    """

    method: str
    loss: list = field(default_factory=list)
    forward_passes: list = field(default_factory=list)
    accepted: int = 0

    @property
    def steps(self):
        return len(self.loss) - 1

    def loss_at(self, forward_passes):
        """The loss reached within a budget of ``forward_passes`` (the last one known by then)."""
        i = np.searchsorted(self.forward_passes, forward_passes, side="right") - 1
        if i < 0:
            raise ValueError(f"forward_passes must be >= {self.forward_passes[0]}, got {forward_passes}")
        return self.loss[i]

    def __repr__(self):
        return (f"PerturbResult(method={self.method!r}, steps={self.steps}, "
                f"forward_passes={self.forward_passes[-1]}, loss {self.loss[0]:.4g} -> {self.loss[-1]:.4g}, "
                f"accepted={self.accepted})")


def _check(model, loss, X, y, steps):
    if not (hasattr(model, "params") and callable(getattr(model, "forward", None))):
        raise TypeError(f"model must be an mlp_lib Sequential (or Layer), got {type(model).__name__}")
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be an mlp_lib.losses.Loss, got {type(loss).__name__}")
    X = as_array(X, "X", ndim=2, dtype=getattr(model, "dtype", np.float64), min_rows=1)
    y = as_array(y, "y", ndim=(1, 2), dtype=None)
    check_same_length(X, y, "X", "y")
    steps = check_int(steps, "steps", minimum=1)
    if not model.params:
        raise ValueError("model has no parameters to learn")
    return X, y, steps


def _objective(model, loss, X, y):
    """One forward pass over the data set: the mean loss."""
    return loss.forward(model.forward(X), y)


def perturb_one_weight(model, loss, X, y, steps, scale=0.1, rng=None):
    r"""Random search, one weight at a time; keeps a change only if the loss went down.

    Parameters
    ----------
    model : Sequential, trained in place
    loss : mlp_lib.losses.Loss
    X : ndarray of shape (n, d); y : ndarray of shape (n,) or (n, k)
    steps : int
        Each step picks one entry of all the parameter arrays (weights and biases) uniformly,
        adds :math:`\varepsilon\sim\mathcal N(0, \mathrm{scale}^2)` and runs 1 forward pass.
    scale : float
    rng : None, int or numpy.random.Generator

    Returns
    -------
    PerturbResult : ``loss`` never increases; ``forward_passes[i] = 1 + i``.
    """
    X, y, steps = _check(model, loss, X, y, steps)
    scale = check_positive(scale, "scale")
    rng = check_rng(rng)
    flats = [p.reshape(-1) for p in model.params.values()]  # views: writing them writes the model
    if not all(np.shares_memory(f, p) for f, p in zip(flats, model.params.values())):
        raise ValueError("model parameters must be contiguous arrays")
    ends = np.cumsum([f.size for f in flats])
    result = PerturbResult("perturb one weight")
    current = _objective(model, loss, X, y)
    result.loss.append(current)
    result.forward_passes.append(1)
    for _ in range(steps):
        i = int(rng.integers(ends[-1]))
        a = int(np.searchsorted(ends, i, side="right"))  # which array holds entry i
        flat, j = flats[a], i - (ends[a - 1] if a else 0)
        old = flat[j]
        flat[j] = old + scale * rng.standard_normal()
        value = _objective(model, loss, X, y)
        if value < current:  # keep the change
            current = value
            result.accepted += 1
        else:  # undo it
            flat[j] = old
        result.loss.append(current)
        result.forward_passes.append(result.forward_passes[-1] + 1)
    return result


def perturb_all_weights(model, loss, X, y, steps, scale=0.01, trials=10, lr=0.1, rng=None):
    r"""Perturb all weights in parallel and correlate the loss changes with the perturbations.

    Each step: R = ``trials`` perturbations :math:`\varepsilon_r\sim\mathcal N(0,\sigma^2 I)` of every
    parameter (:math:`\sigma` = ``scale``), one forward pass each, then
    :math:`\hat g = \frac{1}{R\sigma^2}\sum_r (\mathcal J(\theta+\varepsilon_r)-\mathcal J(\theta))\,\varepsilon_r`,
    :math:`\theta \leftarrow \theta - \eta\hat g` (:math:`\eta` = ``lr``) and one forward pass for
    the new :math:`\mathcal J(\theta)`. Every step is taken, better or worse.

    Returns
    -------
    PerturbResult : ``forward_passes[i] = 1 + i (trials + 1)``; ``accepted`` counts the steps that
    lowered the loss.
    """
    X, y, steps = _check(model, loss, X, y, steps)
    scale = check_positive(scale, "scale")
    trials = check_int(trials, "trials", minimum=1)
    lr = check_positive(lr, "lr")
    rng = check_rng(rng)
    params = model.params
    base = {k: np.empty_like(p) for k, p in params.items()}  # θ, restored exactly after each trial
    g_hat = {k: np.zeros(p.shape) for k, p in params.items()}
    result = PerturbResult("perturb all weights")
    current = _objective(model, loss, X, y)
    result.loss.append(current)
    result.forward_passes.append(1)
    for _ in range(steps):
        for k, p in params.items():
            np.copyto(base[k], p)
            g_hat[k].fill(0.0)
        for _ in range(trials):
            eps = {k: scale * rng.standard_normal(p.shape) for k, p in params.items()}
            for k, p in params.items():
                p[...] = base[k] + eps[k]  # θ + ε_r, written into the model's own array
            delta_loss = _objective(model, loss, X, y) - current
            for k in params:
                g_hat[k] += delta_loss * eps[k]
        for k, p in params.items():
            g_hat[k] /= trials * scale ** 2
            p[...] = base[k] - lr * g_hat[k]  # θ ← θ − η ĝ
        value = _objective(model, loss, X, y)
        result.accepted += value < current
        current = value
        result.loss.append(current)
        result.forward_passes.append(result.forward_passes[-1] + trials + 1)
    return result


def backprop_cost(model, loss, X, y, steps, lr=0.1, backward_cost=2):
    r"""Full-batch gradient descent with back-propagation, charged in forward-pass equivalents.

    Each step is one :func:`~mlp_lib.train.train_step` on the whole data set: forward (1),
    backward (``backward_cost``, default 2: the backward pass does two matrix products per layer,
    the forward one) and :math:`\theta \leftarrow \theta - \eta\nabla\mathcal J`. The forward pass of
    step i+1 gives the loss after step i, so ``forward_passes[i] = 1 + i (1 + backward_cost)``
    (one last forward pass evaluates the end).
    """
    X, y, steps = _check(model, loss, X, y, steps)
    optimizer = SGD(lr=lr)
    backward_cost = check_int(backward_cost, "backward_cost", minimum=0)
    result = PerturbResult("backprop (gradient descent)")
    for step in range(steps + 1):
        if step < steps:
            value = train_step(model, loss, optimizer, X, y)  # the loss before this step's update
        else:
            value = _objective(model, loss, X, y)  # after the last step
        if step:
            result.accepted += value < result.loss[-1]
        result.loss.append(value)
        result.forward_passes.append(1 + step * (1 + backward_cost))
    return result
