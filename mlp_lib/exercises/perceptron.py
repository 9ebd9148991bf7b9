"""Exercises and quiz of lecture 01 — the perceptron and its limits."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from ..perceptron import Perceptron
from ..widgets.perceptron import fit_quietly, noisy_accuracy_curves, perceptron_data
from . import exercise
from .quiz import Quiz

__all__ = ["MISTAKE", "SEPARATOR", "check_perceptron_loss", "check_mistake_bound", "check_early_stopping",
           "quiz_not_separable"]

#: Exercise 1.1: a misclassified example (x, t) for the weights w, b.
MISTAKE = {"x": np.array([1.0, 2.0]), "t": 0, "w": np.array([0.5, 0.5]), "b": 0.0}
#: Exercise 1.2: a separating line of the separable data set, (w₁, w₂, b) with unit length.
SEPARATOR = np.array([1.0, 1.0, 0.0]) / np.sqrt(2.0)


@exercise("1.1", "the gradient of the perceptron loss")
def check_perceptron_loss(loss, grad_w, grad_b):
    """Loss max(0, −s(w·x + b)) and its gradient for :data:`MISTAKE` (s = 2t − 1)."""
    x, t, w, b = MISTAKE["x"], MISTAKE["t"], MISTAKE["w"], MISTAKE["b"]
    s = 2 * t - 1
    z = w @ x + b
    check_array("loss", loss, max(0.0, -s * z), hint="s = 2t − 1 = −1 here, z = w·x + b = 1.5: loss = max(0, −s z)")
    check_array("grad_w", grad_w, -s * x, hint="where −s z > 0 the loss is −s(w·x + b): its gradient in w is −s x")
    check_array("grad_b", grad_b, -s, hint="the derivative of −s(w·x + b) with respect to b is −s")
    return "So an SGD step w − η·grad_w = w + η s x is exactly the perceptron rule's update."


@exercise("1.2", "the mistake bound")
def check_mistake_bound(gamma, R, bound):
    """Margin γ of :data:`SEPARATOR`, radius R and the bound (R/γ)² on the separable data set."""
    X, y = perceptron_data("separable")
    X1 = np.column_stack([X, np.ones(len(X))])  # the bias folded in: x̃ = (x₁, x₂, 1)
    s = 2 * y - 1
    gamma_true = float(np.min(s * (X1 @ SEPARATOR)))
    R_true = float(np.max(np.linalg.norm(X1, axis=1)))
    check_array("gamma", gamma, gamma_true, rtol=1e-6,
                hint="γ = min over the examples of s·(w̃·x̃), with x̃ = (x₁, x₂, 1) and s = 2t − 1")
    check_array("R", R, R_true, rtol=1e-6, hint="R = the largest length ‖x̃‖ of x̃ = (x₁, x₂, 1)")
    check_array("bound", bound, (R_true / gamma_true) ** 2, rtol=1e-6, hint="the bound is (R / γ)²")
    made = sum(fit_quietly(Perceptron(rng=0, max_epochs=30), X, y).history_.mistakes)
    return (f"The perceptron of this lecture made {made} mistakes, far fewer than {(R_true / gamma_true) ** 2:.0f}: "
            "the bound holds for every order of the examples, and a line with a wider margin gives a smaller one.")


@exercise("1.3", "stopping early")
def check_early_stopping(best_epoch, best_test, last_test):
    """From the mean test accuracy per epoch (``mean_test``): the best epoch, its accuracy, the last one's."""
    _, test_acc = noisy_accuracy_curves()
    mean_test = test_acc.mean(axis=0)
    check_array("best_epoch", best_epoch, int(np.argmax(mean_test)), atol=0, rtol=0,
                hint="np.argmax gives the index of the largest value: the epoch (epoch 0 = before training)")
    check_array("best_test", best_test, mean_test.max(), hint="the mean test accuracy at best_epoch")
    check_array("last_test", last_test, mean_test[-1], hint="the mean test accuracy of the last epoch: mean_test[-1]")
    best = int(np.argmax(mean_test))
    return f"Stopping at epoch {best} keeps {mean_test.max() - mean_test[-1]:.2f} more test accuracy."


def quiz_not_separable():
    return Quiz("The perceptron is trained on data that no line separates, with a cap of 100 epochs. What happens?",
                [("It converges to the line with the fewest mistakes.",
                  "No: it never stops changing w. Every epoch has a mistake, and each mistake moves the line, "
                  "often away from a good one (the pocket algorithm keeps the best line seen)."),
                 ("It stops at the cap with mistakes in every epoch.",
                  "Right: an epoch without mistakes would mean a line separates the data. Without the cap the "
                  "rule would go on forever."),
                 ("It stops when the learning rate becomes small enough.",
                  "The perceptron rule has a fixed η; and from w = 0 the value of η does not even change the "
                  "predictions.")], answer=1)
