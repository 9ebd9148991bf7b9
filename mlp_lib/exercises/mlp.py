"""Exercises and quiz of lecture 02 — XOR and multilayer perceptrons."""
from __future__ import annotations

import numpy as np

from ..activations import step
from ..checks import check_array
from ..datasets import xor_table
from . import exercise
from .quiz import Quiz

__all__ = ["LINEAR", "BCE", "xor_network", "check_xor_weights", "check_collapse", "check_cross_entropy",
           "quiz_linear_stack"]

#: Exercise 2.3: two linear layers in the row convention, x W1 + b1 then (...) W2 + b2.
LINEAR = {"W1": np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]]), "b1": np.array([0.5, -0.5, 1.0]),
          "W2": np.array([[1.0], [2.0], [-1.0]]), "b2": np.array([0.25])}
#: Exercise 2.2: predicted probabilities of class 1 and the true labels.
BCE = {"p": np.array([0.9, 0.2, 0.6, 0.99]), "y": np.array([1, 0, 0, 1])}


def xor_network(W1, b1, W2, b2, X):
    """The 2-2-1 network of step units: ``step(step(X W1 + b1) W2 + b2)``, one output per row of X."""
    hidden = step(np.asarray(X, dtype=float) @ np.asarray(W1, dtype=float) + np.asarray(b1, dtype=float))
    return step(hidden @ np.asarray(W2, dtype=float) + np.asarray(b2, dtype=float)).reshape(-1)


@exercise("2.1", "XOR with two hidden step units")
def check_xor_weights(W1, b1, W2, b2):
    """Any weights whose step network computes XOR on the four corners pass."""
    check_array("W1", W1, shape=(2, 2), hint="W1 has one row per input and one column per hidden unit")
    check_array("b1", b1, shape=(2,), hint="one bias per hidden unit")
    check_array("W2", W2, shape=(2, 1), hint="W2 has one row per hidden unit and one column for the output")
    check_array("b2", b2, shape=(1,), hint="one bias for the output unit")
    X, y = xor_table()
    check_array("the network's outputs for (0,0), (0,1), (1,0), (1,1)", xor_network(W1, b1, W2, b2, X), y,
                hint="one idea: hidden unit 1 computes OR (x₁ + x₂ ≥ 0.5), hidden unit 2 AND "
                     "(x₁ + x₂ ≥ 1.5); the output fires for OR but not AND")
    return "Two lines in the input plane, and one line in the plane of the hidden units."


@exercise("2.3", "two linear layers are one")
def check_collapse(W, b):
    """W = W1 W2 and b = b1 W2 + b2 for :data:`LINEAR`."""
    W1, b1, W2, b2 = (LINEAR[k] for k in ("W1", "b1", "W2", "b2"))
    check_array("W", W, W1 @ W2, hint="(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2): the order is W1 @ W2")
    check_array("b", b, b1 @ W2 + b2, hint="the bias of the product is b1 W2 + b2")
    return "Without an activation in between, depth adds nothing a single layer cannot do."


@exercise("2.2", "binary cross-entropy")
def check_cross_entropy(loss):
    """The mean binary cross-entropy of :data:`BCE`."""
    p, y = BCE["p"], BCE["y"]
    if np.ndim(loss) == 1 and np.shape(loss) == p.shape:
        raise AssertionError("loss should be one number, the mean over the four examples (use np.mean)")
    check_array("loss", loss, np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))),
                hint="the mean over the examples of −[y log p + (1 − y) log(1 − p)], natural logarithms")
    return "The confident wrong answer (p = 0.6 for a 0) costs more than the three others together."


def quiz_linear_stack():
    return Quiz("Five Dense layers with no activation function between them, trained with gradient descent. "
                "What can this network compute?",
                [("any continuous function, if the layers are wide enough",
                  "That needs a non-linear activation: the universal approximation theorem is about "
                  "hidden units with a non-polynomial activation."),
                 ("only affine maps x W + b",
                  "Each layer is affine and so is a composition of affine maps: the five layers equal one "
                  "layer with W = W₁W₂W₃W₄W₅."),
                 ("XOR, because it has hidden layers",
                  "Its hidden layers are linear, so its decision boundary is still a single line; "
                  "no line separates XOR.")], answer=1)
