"""Exercises and quiz of lecture 03 — back-propagation."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from ..textbook import textbook_deltas
from ..widgets.backprop import tiny_network
from . import exercise
from .quiz import Quiz

__all__ = ["CURVATURE", "check_deltas", "check_numeric_derivative", "check_learning_rates", "quiz_backprop_cost"]

#: Exercise 3.3: gradient descent on J(θ) = ½ a θ² with this curvature a.
CURVATURE = 4.0


@exercise("3.1", "the deltas of the 2-2-1 network")
def check_deltas(delta_out, delta_hidden):
    """The slide's deltas of :func:`~mlp_lib.widgets.backprop.tiny_network` (before any update)."""
    weights, biases, x, t = tiny_network()
    _, deltas = textbook_deltas(weights, biases, x, t)
    check_array("delta_out", delta_out, deltas[1],
                hint="δ_k = z_k (1 − z_k)(t_k − z_k), with the network's output z and the target t")
    if np.allclose(np.ravel(delta_hidden), -np.asarray(deltas[0])):
        raise AssertionError("delta_hidden has the wrong sign: δ_h = y_h(1 − y_h) Σ_k W_hk δ_k uses +δ_k")
    check_array("delta_hidden", delta_hidden, deltas[0],
                hint="δ_h = y_h (1 − y_h) Σ_k W_hk δ_k: the hidden outputs y, and W[1] @ delta_out for the sum")
    return "These are the numbers the worked step below prints."


def _error(weights, biases, x, t):
    from ..textbook import textbook_forward

    z = textbook_forward(weights, biases, x)[-1]
    return 0.5 * float(np.sum((t - z) ** 2))


@exercise("3.2", "a derivative by central differences")
def check_numeric_derivative(numeric):
    """∂E/∂W[1][0, 0] of the tiny network by central differences with h = 1e-5."""
    weights, biases, x, t = tiny_network()
    outputs, deltas = textbook_deltas(weights, biases, x, t)
    exact = -deltas[1][0] * outputs[1][0]  # ∂E/∂W_hk = −δ_k y_h (the slide's δ is minus the gradient)
    if np.ndim(numeric) == 0 and np.isclose(float(numeric), -exact, rtol=1e-4):
        raise AssertionError("numeric has the wrong sign: (E(w + h) − E(w − h)) / (2h), the larger weight first")
    check_array("numeric", numeric, exact, rtol=1e-5, atol=1e-9,
                hint="(E(w + h) − E(w − h)) / (2h): change only W[1][0, 0], on copies of the weights")
    return f"Back-propagation gives −δ_k y_h = {exact:.6f}: the same to about 10 digits."


@exercise("3.3", "the learning rate and the curvature")
def check_learning_rates(eta_one_step, eta_max):
    """For J(θ) = ½ a θ²: the η that reaches the minimum in one step, and the bound below which GD converges."""
    check_array("eta_one_step", eta_one_step, 1 / CURVATURE,
                hint="one step gives θ ← (1 − η a) θ; the minimum θ = 0 is reached when 1 − η a = 0")
    check_array("eta_max", eta_max, 2 / CURVATURE,
                hint="it converges when |1 − η a| < 1, i.e. for 0 < η < 2/a")
    return "A steeper (more curved) loss needs a smaller learning rate."


def quiz_backprop_cost():
    return Quiz("One gradient-descent step with back-propagation on the 64-16-10 network of this lecture "
                "(1210 parameters) costs about as much as how many forward passes?",
                [("1210: one per parameter", "That is the cost of measuring each derivative by perturbing its "
                                             "weight, one forward pass each."),
                 ("about 3, whatever the number of parameters",
                  "Right: one forward pass, and a backward pass of at most about twice its work (two matrix "
                  "products per layer instead of one) gives every derivative at once."),
                 ("2420: a forward and a backward pass per parameter",
                  "Back-propagation computes all derivatives in one backward pass, not one pass per weight.")],
                answer=1)
