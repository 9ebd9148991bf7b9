"""Exercises and quiz of lecture 06 — weight initialization."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from . import exercise
from .quiz import Quiz

__all__ = ["SYMMETRY", "check_zero_start_gradients", "check_layer_sigmas", "check_forward_variance",
           "quiz_relu_init"]

#: Exercise 6.1: four examples with three inputs and their targets (one column).
SYMMETRY = {"X": np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 1.0, 0.0], [2.0, -1.0, 1.0]]),
            "y": np.array([[1.0], [0.0], [2.0], [-1.0]])}


@exercise("6.1", "gradients from a zero start")
def check_zero_start_gradients(dW2, db2, dW1):
    """The 3-2-1 net (tanh hidden, linear output, J = (1/N) Σ ½(ŷ − y)²) with every weight and bias 0."""
    y = SYMMETRY["y"]
    delta2 = (0.0 - y) / len(y)  # ŷ = 0
    check_array("dW2", dW2, np.zeros((2, 1)),
                hint="dW2 = a1ᵀ δ2, and the hidden outputs a1 = tanh(0) are all 0")
    check_array("db2", db2, delta2.sum(axis=0), hint="db2 = Σ_n δ2 with δ2 = (ŷ − y)/N and ŷ = 0")
    check_array("dW1", dW1, np.zeros((3, 2)), hint="δ1 = (δ2 W2ᵀ) ⊙ (1 − a1²) is 0 because W2 = 0, so dW1 = Xᵀ δ1 = 0")
    return "Only the output bias moves: with tanh (f(0) = 0) zero weights stay zero for ever."


@exercise("6.2", "σ for a layer")
def check_layer_sigmas(xavier, glorot, he):
    """The three σ for the output layer of notebook 06's net, n_in = 64 and n_out = 10."""
    n_in, n_out = 64, 10
    check_array("xavier", xavier, np.sqrt(1 / n_in), hint="the lecture's Xavier: σ² = 1/n_in (the fan-in)")
    check_array("glorot", glorot, np.sqrt(2 / (n_in + n_out)), hint="Glorot & Bengio: σ² = 2/(n_in + n_out)")
    if np.ndim(he) == 0 and np.isclose(float(he), 2 / n_in):
        raise AssertionError("he is the variance 2/n_in; σ is its square root")
    check_array("he", he, np.sqrt(2 / n_in), hint="He: σ² = 2/n_in")
    return "mlp_lib.init.xavier(), glorot() and he() draw exactly these."


@exercise("6.3", "the forward variance rule")
def check_forward_variance(var_z, sigma_keep):
    """A layer with n = 200 inputs with E[a²] = 0.25 and W ~ N(0, 0.1²): Var(z); the σ that makes it 1."""
    n, mean_square, sigma = 200, 0.25, 0.1
    check_array("var_z", var_z, n * sigma ** 2 * mean_square, hint="Var(z) = n σ² E[a²]")
    check_array("sigma_keep", sigma_keep, np.sqrt(1 / (n * mean_square)),
                hint="solve n σ² E[a²] = 1 for σ (a standard deviation, not a variance)")
    return "The same rule gives Xavier (E[a²] ≈ Var(z) for tanh near 0) and He (E[a²] = Var(z)/2 for ReLU)."


def quiz_relu_init():
    return Quiz("A 10-layer ReLU network of width 64. Which initialization keeps the forward signal and the "
                "gradients at about the same size in every layer?",
                [("N(0, 0.01²), the 'best practice'", "σ√(n/2) = 0.06 per layer: the signal shrinks about 18-fold "
                                                      "per layer and vanishes."),
                 ("Xavier, σ² = 1/n_in", "It assumes f′ ≈ 1; ReLU passes only half the variance, so each layer "
                                          "multiplies the spread by 1/√2: after 9 layers, by about 0.04."),
                 ("He, σ² = 2/n_in", "Right: the factor 2 makes up for the half of the units that ReLU sets to 0."),
                 ("zeros: let training choose", "Zero weights never break the symmetry between the units.")],
                answer=2)
