"""Exercises and quiz of lecture 07 — batch, stochastic and mini-batch gradient descent."""
from __future__ import annotations

import math

import numpy as np

from ..checks import check_array
from . import exercise
from .quiz import Quiz

__all__ = ["BATCH", "check_updates_per_epoch", "check_batch_gradient", "check_gradient_noise", "quiz_batch_size"]

#: Exercise 7.2: θ = (θ₁, θ₂) and a mini-batch of three points (x, y) of the regression problem.
BATCH = {"theta": np.array([1.0, 0.5]), "x": np.array([0.5, 1.0, 2.0]), "y": np.array([0.0, 1.5, 2.5])}


@exercise("7.1", "updates per epoch")
def check_updates_per_epoch(updates):
    """Updates in one epoch over n = 1000 examples for the batch sizes 1, 32, 300 and 1000."""
    expected = [math.ceil(1000 / k) for k in (1, 32, 300, 1000)]
    check_array("updates", updates, expected, atol=0, rtol=0,
                hint="n/k batches, and one more for the remainder when k does not divide n: ⌈n/k⌉")
    return "The last batch of an epoch may be smaller: 1000 = 31·32 + 8."


@exercise("7.2", "a mini-batch gradient")
def check_batch_gradient(g_hat):
    """ĝ = (1/|B|) Σ (θ₁xᵢ + θ₂ − yᵢ)(xᵢ, 1) for :data:`BATCH`."""
    theta, x, y = BATCH["theta"], BATCH["x"], BATCH["y"]
    r = theta[0] * x + theta[1] - y
    if np.shape(g_hat) == (2,) and np.allclose(g_hat, [r @ x, r.sum()]):
        raise AssertionError("g_hat is the sum over the batch; the mini-batch gradient is its mean (divide by |B|)")
    check_array("g_hat", g_hat, np.array([r @ x, r.sum()]) / len(x),
                hint="residuals r = θ₁x + θ₂ − y; ĝ = (mean of r·x, mean of r)")
    return "fit(..., batch_size=3) steps along −ĝ from exactly this gradient."


@exercise("7.3", "the noise of a mini-batch gradient")
def check_gradient_noise(std_16, k_needed):
    """One example's gradient has standard deviation 2 (one coordinate): the std of a mean over
    k = 16 examples, and the smallest k that brings it down to 0.1."""
    check_array("std_16", std_16, 2 / np.sqrt(16), hint="the mean of k independent terms has std s/√k")
    check_array("k_needed", k_needed, 400, atol=0, rtol=0, hint="solve 2/√k = 0.1 for k")
    return "Halving the noise costs four times the examples per update."


def quiz_batch_size():
    return Quiz("You double the batch size and keep the number of epochs. What happens?",
                [("Twice as many updates, each noisier.", "Larger batches mean fewer batches per epoch, and the mean "
                                                         "over more examples is less noisy."),
                 ("Half as many updates, each with half the gradient variance.",
                  "Right: n/k updates per epoch, and the variance of the mean over k examples falls like 1/k."),
                 ("The same training, only faster.", "Fewer, less noisy steps are a different training: with the "
                                                    "same η you usually get less progress per epoch.")], answer=1)
