import time
import warnings

import numpy as np
import pytest

from mlp_lib import (BatchNorm, ClipByNorm, Dense, ReLU, Sequential, Sigmoid, Tanh, evaluate, fit)
from mlp_lib.datasets import digits, xor_table
from mlp_lib.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from mlp_lib.optim import SGD
from mlp_lib.perceptron import Perceptron
from mlp_lib.train import TrainingDivergedWarning


def xor_mlp(seed, hidden=4):
    return Sequential([Dense(2, hidden, init="xavier", rng=seed), Tanh(), Dense(hidden, 1, rng=seed + 100), Sigmoid()])


@pytest.mark.parametrize("seed", range(10))
def test_two_layer_mlp_solves_xor(seed):
    X, y = xor_table()
    model = xor_mlp(seed)
    history = fit(model, SquaredError(), X, y, lr=2.0, epochs=2000, batch_size=None, progress=False, rng=seed)
    assert history.accuracy[-1] == 1.0
    assert np.array_equal((model.predict(X).ravel() > 0.5).astype(int), y)


def test_perceptron_does_not_solve_xor_and_says_so():
    X, y = xor_table()
    with pytest.warns(UserWarning, match="did not converge"):
        p = Perceptron(max_epochs=50, rng=0).fit(X, y)
    assert not p.history_.converged and p.score(X, y) < 1.0


def test_same_seed_gives_bit_identical_weights():
    X, y = xor_table()
    X = np.repeat(X, 8, axis=0)
    y = np.repeat(y, 8)
    runs = []
    for _ in range(2):
        model = xor_mlp(3)
        fit(model, SquaredError(), X, y, lr=0.5, epochs=30, batch_size=5, progress=False, rng=11)
        runs.append(model.params)
    for key in runs[0]:
        assert np.array_equal(runs[0][key], runs[1][key])
    model = xor_mlp(3)
    fit(model, SquaredError(), X, y, lr=0.5, epochs=30, batch_size=5, progress=False, rng=12)
    assert not np.array_equal(model.params["0.W"], runs[0]["0.W"])


def test_digits_reaches_95_percent_quickly():
    X_train, X_test, y_train, y_test = digits(rng=0)
    model = Sequential([Dense(64, 64, init="he", rng=0), ReLU(), Dense(64, 10, rng=1)])
    start = time.perf_counter()
    history = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=0.1, epochs=30, batch_size=32,
                  validation_data=(X_test, y_test), progress=False, rng=0)
    elapsed = time.perf_counter() - start
    _, test_acc = evaluate(model, SoftmaxCrossEntropy(), X_test, y_test)
    assert test_acc >= 0.95, history
    assert history.val_accuracy[-1] == test_acc
    assert elapsed < 20  # "a few seconds"; generous for a busy 2-core CI machine


def test_history_records_what_was_asked():
    X_train, _, y_train, _ = digits(rng=0)
    X_train, y_train = X_train[:200], y_train[:200]
    model = Sequential([Dense(64, 16, rng=0), BatchNorm(16), Tanh(), Dense(16, 10, rng=1)])
    h = fit(model, SoftmaxCrossEntropy(), X_train, y_train, lr=0.05, epochs=3, batch_size=50, progress=False,
            rng=0, log_steps=True, track_gradients=True, track_activations=True)
    assert h.epochs == 3 and len(h.accuracy) == 3 and len(h.seconds) == 3
    assert len(h.step_loss) == 3 * 4
    assert np.mean(h.step_loss[:4]) == pytest.approx(h.loss[0])
    assert set(h.grad_norms[0]) == set(model.params) and all(v > 0 for v in h.grad_norms[0].values())
    stats = h.activation_stats[-1]
    assert len(stats) == len(model.layers)
    assert 0.0 <= stats[2]["saturated"] <= 1.0
    # BatchNorm output γ·x̂ + β has mean β per feature on the probe batch
    assert stats[1]["mean"] == pytest.approx(model.layers[1].params["beta"].mean(), abs=1e-9)
    assert h.seconds == sorted(h.seconds)
    assert "epochs=3" in repr(h)


def test_nan_loss_stops_training_and_says_where():
    X, y = xor_table()
    model = Sequential([Dense(2, 8, init="normal", rng=0), ReLU(), Dense(8, 1, rng=1)])
    with pytest.warns(TrainingDivergedWarning, match=r"loss became (nan|inf) at epoch \d+, step 0"):
        h = fit(model, SquaredError(), X, y, lr=50.0, epochs=100, batch_size=None, progress=False)
    assert h.diverged and h.stop_epoch is not None and h.epochs == h.stop_epoch
    assert "training stopped" in h.message
    with pytest.raises(FloatingPointError, match="loss became"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(Sequential([Dense(2, 8, init="normal", rng=0), ReLU(), Dense(8, 1, rng=1)]), SquaredError(), X, y,
                lr=50.0, epochs=100, batch_size=None, progress=False, on_divergence="raise")


def test_clipping_prevents_the_divergence():
    X, y = xor_table()
    model = Sequential([Dense(2, 8, init="normal", rng=0), ReLU(), Dense(8, 1, rng=1)])
    h = fit(model, SquaredError(), X, y, lr=50.0, epochs=20, batch_size=None, progress=False, clip=ClipByNorm(0.01))
    assert not h.diverged and np.all(np.isfinite(h.loss))


def test_callback_can_stop_and_l2_shrinks_weights():
    X, y = xor_table()
    calls = []
    h = fit(xor_mlp(0), SquaredError(), X, y, epochs=50, batch_size=None, progress=False,
            callbacks=[lambda epoch, model, hist: calls.append(epoch) or epoch == 4])
    assert calls == [0, 1, 2, 3, 4] and h.epochs == 5 and "callback" in h.message
    plain, reg = xor_mlp(1), xor_mlp(1)
    fit(plain, SquaredError(), X, y, epochs=200, batch_size=None, progress=False, lr=1.0)
    fit(reg, SquaredError(l2=0.05), X, y, epochs=200, batch_size=None, progress=False, lr=1.0)
    assert np.linalg.norm(reg.params["0.W"]) < np.linalg.norm(plain.params["0.W"])


def test_float32_training_and_bce():
    X, y = xor_table()
    model = Sequential([Dense(2, 8, rng=0, dtype=np.float32), Tanh(), Dense(8, 1, rng=1, dtype=np.float32)])
    h = fit(model, BinaryCrossEntropy(from_logits=True), X, y, lr=0.5, epochs=500, batch_size=None, progress=False)
    assert model.params["0.W"].dtype == np.float32 and h.accuracy[-1] == 1.0


def test_progress_bar_runs():
    X, y = xor_table()
    h = fit(xor_mlp(0), SquaredError(), X, y, epochs=3, batch_size=None, progress=True)
    assert h.epochs == 3


def test_regression_targets_have_no_accuracy():
    X = np.linspace(-1, 1, 20)[:, None]
    h = fit(Sequential([Dense(1, 8, rng=0), Tanh(), Dense(8, 1, rng=1)]), SquaredError(), X, np.sin(3 * X),
            epochs=5, batch_size=5, progress=False)
    assert h.accuracy == [] and len(h.loss) == 5


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"X": np.array([[np.nan, 1.0]] * 4)}, ValueError, "X contains nan"),
    ({"X": np.ones(4)}, ValueError, "X must be 2-D"),
    ({"y": np.ones(3)}, ValueError, "same number of rows"),
    ({"lr": 0.0}, ValueError, "lr must be > 0"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ({"epochs": 0}, ValueError, "epochs must be >= 1"),
    ({"loss": "mse"}, TypeError, "loss must be"),
    ({"optimizer": SGD(0.1), "lr": 0.1}, TypeError, "either lr or optimizer"),
    ({"clip": 5.0}, TypeError, "clip must be"),
    ({"on_divergence": "ignore"}, ValueError, "on_divergence"),
    ({"validation_data": np.ones((2, 2))}, TypeError, "validation_data"),
])
def test_bad_arguments(kwargs, exc, match):
    X, y = xor_table()
    args = {"model": xor_mlp(0), "loss": SquaredError(), "X": X, "y": y, "progress": False}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        fit(**args)
