"""Exercises and quiz of lecture 00 — neurons and activation functions."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from . import exercise
from .quiz import Quiz

__all__ = ["NEURON", "POINTS", "check_neuron_output", "check_decision_side", "check_saturation_point",
           "quiz_zero_centred", "quiz_bias"]

#: Exercise 0.1: one tanh neuron, inputs x, weights w, bias b.
NEURON = {"x": np.array([2.0, -1.0]), "w": np.array([0.5, 1.5]), "b": 0.25}
#: Exercise 0.3: the neuron w = (1.5, -1), b = 0.5 and five points.
SIDE = {"w": np.array([1.5, -1.0]), "b": 0.5}
POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.0], [0.0, 1.0], [2.0, 4.0]])


@exercise("0.1", "one neuron's output")
def check_neuron_output(z, a):
    """z = w·x + b and a = tanh(z) for :data:`NEURON`."""
    z_true = NEURON["w"] @ NEURON["x"] + NEURON["b"]
    check_array("z", z, z_true, hint="z = w·x + b = w₁x₁ + w₂x₂ + b")
    check_array("a", a, np.tanh(z_true), hint="a = f(z) with f = tanh, i.e. np.tanh(z)")
    return "A negative pre-activation gives a negative tanh output."


@exercise("0.3", "which side of the line")
def check_decision_side(positive, x1_crossing):
    """``positive[i]``: is w·x + b > 0 for POINTS[i]? ``x1_crossing``: where the line w·x + b = 0
    crosses the x₁ axis."""
    w, b = SIDE["w"], SIDE["b"]
    check_array("positive", np.asarray(positive, dtype=float), (POINTS @ w + b > 0).astype(float),
                hint="a point is on the positive side when w·x + b > 0 (one True/False per row of POINTS)")
    check_array("x1_crossing", x1_crossing, -b / w[0], hint="on the x₁ axis x₂ = 0, so w₁x₁ + b = 0")
    return "Whatever f is, the neuron switches on this line."


@exercise("0.2", "where the sigmoid saturates")
def check_saturation_point(x_flat):
    """The x > 0 where sigmoid'(x) = 0.01."""
    s = (1 + np.sqrt(1 - 4 * 0.01)) / 2  # s(1 - s) = 0.01, the root above 1/2
    if np.ndim(x_flat) == 0 and float(x_flat) < 0:
        raise AssertionError("x_flat should be the positive solution (sigmoid' is symmetric: −x works too)")
    check_array("x_flat", x_flat, np.log(s / (1 - s)), atol=1e-3, rtol=0,
                hint="sigmoid'(x) = s(1 − s) with s = sigmoid(x): solve s(1 − s) = 0.01 for s > 1/2, "
                     "then x = ln(s / (1 − s))")
    return "Beyond |x| ≈ 4.6 a sigmoid unit passes back less than 1% of the gradient."


def quiz_zero_centred():
    return Quiz("Which activation has outputs centred at 0 (an odd function, $f(-x) = -f(x)$)?",
                [("sigmoid", "Its outputs lie in (0, 1), centred at 1/2: sigmoid(0) = 0.5."),
                 ("tanh", "tanh(−x) = −tanh(x), with outputs in (−1, 1) and tanh(0) = 0."),
                 ("ReLU", "Its outputs are never negative: max(0, x) ≥ 0."),
                 ("step", "Its outputs are 0 or 1.")], answer=1)


def quiz_bias():
    return Quiz("A neuron without a bias ($b = 0$) and any activation: where can its decision line "
                "$w\\cdot x = 0$ lie?",
                [("anywhere in the plane", "Without b, the point x = 0 always gives w·x = 0: it is on the line."),
                 ("only through the origin", "w·0 = 0, so every such line passes through x = 0; b shifts it away."),
                 ("only parallel to an axis", "w sets the direction of the line freely; it is the position "
                                             "that is stuck.")], answer=1)
