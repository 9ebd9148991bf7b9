r"""A training playground in the spirit of TensorFlow Playground: press Play and watch an MLP learn.

:class:`Playground` holds a 2-D data set (standardized, split in half into training and test
points), an MLP ``2 → width → … → width → 1`` (``depth`` hidden layers, a sigmoid output) and its
training state; :meth:`Playground.train_epoch` runs one epoch of mini-batch gradient descent
(:func:`mlp_lib.train.train_step`, binary cross-entropy). :func:`playground_demo` draws it:

* left: the network's output :math:`p(\text{class }1 \mid x)` over the plane (the decision boundary
  is where the colour changes) with the training points;
* middle: training and test loss per epoch;
* right: a histogram per hidden layer of its outputs on the training points (saturated tanh or
  sigmoid units pile up at the ends, dead ReLUs at 0).

Controls: data set, hidden units, hidden layers, activation, initialization (they start a new
network), learning rate :math:`\eta` and batch size (they apply from the next epoch), and a Play
widget: every tick of Play is one epoch (one *frame*); its stop button starts again.
"""
from __future__ import annotations

import ipywidgets as w
import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from .. import datasets
from .. import init as _init
from .._validation import check_choice, check_int, check_positive, check_seed
from ..activations import ReLU, Sigmoid, Tanh
from ..layers import Dense, Sequential
from ..losses import BinaryCrossEntropy
from ..optim import SGD, minibatches
from ..plotting import CLASS_COLORS, freeze_labels, freeze_layout
from ..train import train_step
from ._base import Demo, new_figure
from ._static import keep_static

__all__ = ["DATASETS", "ACTIVATIONS", "INITS", "BATCH_SIZES", "Playground", "PlaygroundDemo", "playground_demo"]

#: Data sets: name -> function(n, rng) returning (X, y) with labels 0/1.
DATASETS = {
    "circles": lambda n, rng: datasets.circles(n, noise=0.1, factor=0.5, rng=rng),
    "xor": lambda n, rng: datasets.xor(n, noise=0.2, rng=rng),
    "moons": lambda n, rng: datasets.moons(n, noise=0.15, rng=rng),
    "spirals": lambda n, rng: datasets.spirals(n, noise=0.15, rng=rng),
    "two blobs": lambda n, rng: datasets.linearly_separable(n, margin=0.3, noise=0.6, rng=rng),
}
ACTIVATIONS = {"tanh": Tanh, "relu": ReLU, "sigmoid": Sigmoid}
#: Initializations offered (see :mod:`mlp_lib.init`).
INITS = {"Xavier": _init.xavier(), "He": _init.he(), "N(0, 0.01²)": _init.normal(0.01),
         "N(0, 1)": _init.normal(1.0), "zeros": _init.zeros()}
#: Batch sizes offered: label -> batch_size (None = the whole training set, batch GD).
BATCH_SIZES = {"1": 1, "8": 8, "32": 32, "all (batch GD)": None}
_HIST_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 3.0)}
_LIM = 3.0  # the plane shown: [-3, 3]², the data are standardized
MAX_DEPTH = 3


class Playground:
    """A data set and an MLP being trained on it, one epoch at a time.

    Parameters
    ----------
    dataset : str, a key of :data:`DATASETS`
    width : int, hidden units per hidden layer (1 to 8)
    depth : int, number of hidden layers (1 to 3)
    activation : str, a key of :data:`ACTIVATIONS`
    init : str, a key of :data:`INITS`
    n : int, number of points (half for training, half for testing)
    rng : None, int or numpy.random.Generator — one seed for the data, the weights and the batches.
    """

    def __init__(self, dataset="circles", width=4, depth=1, activation="tanh", init="Xavier", n=400, rng=0):
        check_choice(dataset, "dataset", DATASETS)
        check_choice(activation, "activation", ACTIVATIONS)
        check_choice(init, "init", INITS)
        self.width = check_int(width, "width", minimum=1, maximum=8)
        self.depth = check_int(depth, "depth", minimum=1, maximum=MAX_DEPTH)
        n = check_int(n, "n", minimum=8)
        self.dataset, self.activation, self.init = dataset, activation, init
        seed = check_seed(rng)
        X, y = DATASETS[dataset](n, seed)
        X = (X - X.mean(axis=0)) / X.std(axis=0)  # standardized inputs: mean 0, std 1 per feature
        half = n // 2
        self.X_train, self.y_train = X[:half], y[:half].astype(float)
        self.X_test, self.y_test = X[half:], y[half:].astype(float)
        sizes = [2] + [self.width] * self.depth + [1]
        layers = []
        for l in range(len(sizes) - 1):
            layers.append(Dense(sizes[l], sizes[l + 1], init=INITS[init], rng=seed + l))
            layers.append(ACTIVATIONS[activation]() if l < self.depth else Sigmoid())
        self.model = Sequential(layers)
        self.loss = BinaryCrossEntropy()
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self.train_loss = [self._loss(self.X_train, self.y_train)]  # one entry per epoch, from epoch 0
        self.test_loss = [self._loss(self.X_test, self.y_test)]

    def _loss(self, X, y):
        with np.errstate(over="ignore", invalid="ignore"):
            return float(self.loss.forward(self.model.forward(X), y.reshape(-1, 1)))

    def train_epoch(self, lr=0.3, batch_size=8):
        r"""One epoch of mini-batch gradient descent :math:`\theta \leftarrow \theta - \eta g` over the
        training points (``batch_size=None``: one step on all of them). Returns the training loss."""
        optimizer = SGD(check_positive(lr, "lr"))
        y = self.y_train.reshape(-1, 1)
        with np.errstate(over="ignore", invalid="ignore"):
            for X_batch, y_batch in minibatches(self.X_train, y, batch_size, rng=self.rng):
                train_step(self.model, self.loss, optimizer, X_batch, y_batch)
        self.epoch += 1
        self.train_loss.append(self._loss(self.X_train, self.y_train))
        self.test_loss.append(self._loss(self.X_test, self.y_test))
        return self.train_loss[-1]

    def predict_proba(self, X):
        """The network's output :math:`p(\\text{class } 1 \\mid x)` for each row of ``X``, shape (m,)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.model.forward(np.asarray(X, dtype=float))[:, 0]

    def hidden_outputs(self):
        """The output of each hidden layer on the training points: a list of (n_train, width) arrays."""
        outputs = self.model.layer_outputs(self.X_train)
        return [outputs[2 * l + 1] for l in range(self.depth)]

    def accuracy(self, train=True):
        X, y = (self.X_train, self.y_train) if train else (self.X_test, self.y_test)
        return float(np.mean((self.predict_proba(X) > 0.5) == (y > 0.5)))

    def __repr__(self):
        return (f"Playground({self.dataset!r}, width={self.width}, depth={self.depth}, {self.activation}, "
                f"{self.init}, epoch {self.epoch}, train loss {self.train_loss[-1]:.3g})")


class PlaygroundDemo(Demo):
    """The :class:`Demo` of :func:`playground_demo`; :attr:`playground` is the network in training."""

    def __init__(self, figure, controls, update, state, title=None):
        self._state = state
        super().__init__(figure, controls, update, title=title)

    @property
    def playground(self):
        """The :class:`Playground` shown now (a new one after a change of data set or network)."""
        return self._state["play"]


def playground_demo(dataset="circles", width=4, depth=1, activation="tanh", init="Xavier", lr=0.3,
                    batch_size=8, interval=250, resolution=50, rng=0):
    """The playground as a widget: Play trains one epoch per frame (every ``interval`` ms) and
    redraws the output over the plane, the loss curves and the hidden layers' histograms."""
    label_of = {v: k for k, v in BATCH_SIZES.items()}
    controls = {
        "dataset": w.Dropdown(options=list(DATASETS), value=dataset, description="data"),
        "width": w.IntSlider(value=width, min=1, max=8, description="hidden units"),
        "depth": w.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="hidden layers"),
        "activation": w.Dropdown(options=list(ACTIVATIONS), value=activation, description="f"),
        "init": w.Dropdown(options=list(INITS), value=init, description="init"),
        "lr": w.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1, description="η", readout_format=".3f"),
        "batch_size": w.Dropdown(options=list(BATCH_SIZES.items()), value=BATCH_SIZES[label_of[batch_size]],
                                 description="batch size"),
        "frame": w.Play(value=0, min=0, max=100_000, interval=interval, description="train"),
    }
    fig = new_figure(figsize=(9, 3.6))
    grid = fig.add_gridspec(MAX_DEPTH, 3, width_ratios=[1.05, 1, 0.75])
    ax_b = fig.add_subplot(grid[:, 0])
    ax_l = fig.add_subplot(grid[:, 1])
    ax_h = [fig.add_subplot(grid[i, 2]) for i in range(MAX_DEPTH)]

    g = np.linspace(-_LIM, _LIM, resolution)
    plane = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    image = ax_b.imshow(np.full((resolution, resolution), 0.5), origin="lower", extent=(-_LIM, _LIM, -_LIM, _LIM),
                        cmap="RdBu_r", vmin=0, vmax=1, alpha=0.55, interpolation="bilinear", aspect="equal")
    colors = [CLASS_COLORS[0], CLASS_COLORS[1]]
    points = ax_b.scatter(np.zeros(1), np.zeros(1), s=10, edgecolor="white", linewidth=0.4, zorder=3)
    ax_b.set_xlim(-_LIM, _LIM)
    ax_b.set_ylim(-_LIM, _LIM)
    ax_b.set_xticks([-2, 0, 2])
    ax_b.set_yticks([-2, 0, 2])
    ax_b.set_xlabel("$x_1$ (standardized)")
    ax_b.set_ylabel("$x_2$")

    (train_line,) = ax_l.plot([], [], color=CLASS_COLORS[0], label="training loss")
    (test_line,) = ax_l.plot([], [], color=CLASS_COLORS[3], linestyle="--", label="test loss")
    ax_l.set_yscale("log")
    ax_l.set_ylim(1e-3, 30)
    ax_l.yaxis.set_major_locator(LogLocator(numticks=6))
    ax_l.yaxis.set_minor_locator(NullLocator())
    ax_l.axhline(np.log(2), color="0.6", linestyle=":", linewidth=1, label="chance (ln 2)")
    ax_l.set_xlim(0, 50)
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("binary cross-entropy")
    ax_l.legend(frameon=False, fontsize=8, loc="lower left")

    bins = 24
    hists = []
    for ax in ax_h:
        hists.append(ax.stairs(np.zeros(bins), np.linspace(0, 1, bins + 1), fill=True, color=CLASS_COLORS[2]))
        ax.set_ylim(0, 1.05)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
    ax_h[-1].set_xlabel("hidden outputs", fontsize=8)

    state = {"config": None, "frame": None, "play": None}

    def update(dataset, width, depth, activation, init, lr, batch_size, frame):
        config = (dataset, width, depth, activation, init)
        if config != state["config"] or frame == 0:  # a new network (Play's stop button sets frame 0)
            state["config"], state["play"] = config, Playground(dataset, width, depth, activation, init, rng=rng)
            play = state["play"]
            points.set_offsets(play.X_train)
            points.set_facecolor([colors[int(c)] for c in play.y_train])
            lo, hi = _HIST_RANGE[activation]
            for l, (ax, hist) in enumerate(zip(ax_h, hists)):  # all three panels stay: the cache survives
                hist.set_data(np.zeros(bins), np.linspace(lo, hi, bins + 1))
                ax.set_xlim(lo, hi)
                ax.set_xticks(np.linspace(lo, hi, 3))
                if l >= depth:
                    ax.set_title(f"(no hidden layer {l + 1})", fontsize=8, color="0.5")
        elif frame != state["frame"]:  # a tick of Play: one more epoch
            state["play"].train_epoch(lr, batch_size)
        state["frame"] = frame
        play = state["play"]
        image.set_data(play.predict_proba(plane).reshape(resolution, resolution))
        epochs = np.arange(play.epoch + 1)
        train_line.set_data(epochs, np.clip(play.train_loss, 1e-3, 30))
        test_line.set_data(epochs, np.clip(play.test_loss, 1e-3, 30))
        right = ax_l.get_xlim()[1]
        if play.epoch > right or (play.epoch < right / 4 and right > 50):  # rescale rarely: ticks are slow
            ax_l.set_xlim(0, max(50, 2 ** np.ceil(np.log2(max(play.epoch, 1) * 1.25))))
        ax_l.set_title(f"epoch {play.epoch}: loss {play.train_loss[-1]:.3f} (test {play.test_loss[-1]:.3f})",
                       fontsize=10)
        ax_b.set_title(f"training accuracy {play.accuracy():.2f}, test {play.accuracy(train=False):.2f}",
                       fontsize=10)
        lo, hi = _HIST_RANGE[activation]
        for l, (ax, hist, a) in enumerate(zip(ax_h, hists, play.hidden_outputs())):
            counts, _ = np.histogram(np.clip(a, lo, hi), bins=bins, range=(lo, hi))
            hist.set_data(counts / max(counts.max(), 1))
            if activation == "relu":
                note = f"{np.mean(a == 0):.0%} at 0 (dead)"
            else:
                note = f"{np.mean((a - lo < 0.02 * (hi - lo)) | (hi - a < 0.02 * (hi - lo))):.0%} saturated"
            ax.set_title(f"hidden layer {l + 1}: {note}", fontsize=8, color="black")

    update(dataset, width, MAX_DEPTH, "relu", init, lr, batch_size, 0)  # lay out every panel once, then keep it
    freeze_layout(fig)
    freeze_labels(fig)
    keep_static(fig, [image, points, train_line, test_line, ax_b.title, ax_l.title, *hists,
                      *(ax.title for ax in ax_h)])
    return PlaygroundDemo(fig, controls, update, state, title="training playground")  # draws the chosen settings
