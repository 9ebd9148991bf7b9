"""Cell texts of the assignment notebooks, one module per assignment (see ../make_notebooks.py)."""
from . import a1_activations_and_perceptron, a2_backpropagation, a3_training_deep_networks

ASSIGNMENTS = {
    "a1_activations_and_perceptron": a1_activations_and_perceptron.CELLS,
    "a2_backpropagation": a2_backpropagation.CELLS,
    "a3_training_deep_networks": a3_training_deep_networks.CELLS,
}
