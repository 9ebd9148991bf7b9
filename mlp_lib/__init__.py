"""mlp_lib — a small, readable numpy library for the lecture "Introduction to Neural Networks".

The public contract::

    from mlp_lib import Sequential, Dense, Sigmoid, Tanh, ReLU, LeakyReLU, Identity, BatchNorm

    model = Sequential([Dense(2, 4, init="xavier", rng=0), Tanh(), Dense(4, 1, rng=1), Sigmoid()])
    y_hat = model.forward(x)          # every layer: forward(x) / backward(dout)
    dx = model.backward(dout)         # params and grads: dicts with the same keys
    value = train_step(model, SquaredError(), SGD(lr=0.1), X_batch, y_batch)   # one step
    history = fit(model, SquaredError(), X, y, lr=0.1, epochs=10)             # many steps

Modules: activations, layers, batchnorm, losses, init, optim, clipping, gradcheck, datasets,
perceptron, textbook, perturb, train, plotting (with diagrams), widgets, and for the lectures'
exercises and quizzes, exercises.
"""
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from .batchnorm import BatchNorm
from .clipping import ClipByNorm, ClipByValue, clip_by_norm, clip_by_value
from .layers import Dense, Layer, Sequential
from .losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from .optim import SGD, minibatches
from .train import History, evaluate, fit, train_step

__version__ = "0.1.0"

__all__ = ["Layer", "Dense", "Sequential", "BatchNorm", "Identity", "Step", "Sigmoid", "Tanh", "ReLU",
           "LeakyReLU", "Softmax", "SquaredError", "BinaryCrossEntropy", "SoftmaxCrossEntropy", "SGD",
           "minibatches", "ClipByValue", "ClipByNorm", "clip_by_value", "clip_by_norm", "train_step", "fit",
           "evaluate", "History"]
