import time
import warnings

import numpy as np
import pytest

from mlp_lib import (BatchNorm, ClipByNorm, Dense, ReLU, Sequential, Sigmoid, Tanh, evaluate, fit, train_step)
from mlp_lib.datasets import digits, xor_table
from mlp_lib.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from mlp_lib.optim import SGD, minibatches
from mlp_lib.perceptron import Perceptron
from mlp_lib.train import TrainingDivergedWarning


def xor_mlp(seed, width=4):
    return Sequential([Dense(2, width, init="xavier", rng=seed), Tanh(), Dense(width, 1, rng=seed + 100), Sigmoid()])


@pytest.mark.parametrize("seed", range(10))
def test_two_layer_mlp_solves_xor(seed):
    X, y = xor_table()
    model = xor_mlp(seed)
    history = fit(model, SquaredError(), X, y, lr=2.0, epochs=2000, batch_size=None, progress=False, rng=seed)
    assert history.loss[-1] < 0.01
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
    assert h.epochs == 3 and len(h.accuracy) == 3 and len(h.seconds) == 3 and h.batch_size == 50
    assert len(h.step_loss) == 3 * 4
    assert np.mean(h.step_loss[:4]) == pytest.approx(h.loss[0])
    assert set(h.grad_norms[0]) == set(model.params) and all(v > 0 for v in h.grad_norms[0].values())
    assert len(h.activation_stats) == 3 + 1  # [0]: before the first step
    stats = h.activation_stats[-1]
    assert [s["layer"] for s in stats] == ["Dense", "BatchNorm", "Tanh", "Dense"]
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


def test_callback_can_stop_and_weight_decay_shrinks_weights():
    X, y = xor_table()
    calls = []
    h = fit(xor_mlp(0), SquaredError(), X, y, epochs=50, batch_size=None, progress=False,
            callbacks=[lambda epoch, model, hist: calls.append(epoch) or epoch == 4])
    assert calls == [0, 1, 2, 3, 4] and h.epochs == 5 and "callback" in h.message
    plain, reg = xor_mlp(1), xor_mlp(1)
    fit(plain, SquaredError(), X, y, epochs=200, batch_size=None, progress=False, lr=1.0)
    fit(reg, SquaredError(), X, y, epochs=200, batch_size=None, progress=False,
        optimizer=SGD(lr=1.0, weight_decay=0.05))
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


def test_regression_with_integral_targets_reports_no_accuracy():
    # Regression: fit decided "classification" from the values of y, so a squared-error fit to
    # real targets that happen to be whole numbers (here counts 0..4) reported an accuracy.
    X = np.linspace(-1, 1, 40)[:, None]
    y = np.round(2 * X[:, 0] + 2)  # 0.0, 1.0, ..., 4.0: integral, and still a regression
    model = Sequential([Dense(1, 8, rng=0), Tanh(), Dense(8, 1, rng=1)])
    h = fit(model, SquaredError(), X, y, epochs=5, batch_size=8, progress=False,
            validation_data=(X, y))
    assert h.accuracy == [] and h.val_accuracy == [] and len(h.val_loss) == 5
    assert evaluate(model, SquaredError(), X, y)[1] is None
    # a cross-entropy is a classification loss, whatever the targets look like
    h = fit(Sequential([Dense(1, 1, rng=0), Sigmoid()]), BinaryCrossEntropy(), X, (X[:, 0] > 0).astype(float),
            epochs=2, batch_size=8, progress=False)
    assert len(h.accuracy) == 2


def test_fit_is_a_loop_of_train_steps():
    X_train, _, y_train, _ = digits(rng=0)
    X_train, y_train = X_train[:100], y_train[:100]

    def net():
        return Sequential([Dense(64, 8, rng=0), ReLU(), Dense(8, 10, rng=1)])

    a, b = net(), net()
    h = fit(a, SoftmaxCrossEntropy(), X_train, y_train, lr=0.1, epochs=2, batch_size=30, rng=5, progress=False,
            log_steps=True)
    loss, optimizer, rng = SoftmaxCrossEntropy(), SGD(0.1), np.random.default_rng(5)
    values = [train_step(b, loss, optimizer, X_batch, y_batch)
              for _ in range(2) for X_batch, y_batch in minibatches(X_train, y_train, 30, rng=rng)]
    assert values == h.step_loss
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])


def test_every_target_is_checked_before_training():
    X_train, _, y_train, _ = digits(rng=0)
    y_bad = y_train[:100].copy()
    y_bad[-1] = 10  # a label the 10 outputs cannot have, in the last batch
    model = Sequential([Dense(64, 10, rng=0)])
    before = model.params["0.W"].copy()
    with pytest.raises(ValueError, match=r"labels must be in \[0, 9\]"):
        fit(model, SoftmaxCrossEntropy(), X_train[:100], y_bad, batch_size=10, progress=False)
    np.testing.assert_array_equal(model.params["0.W"], before)  # not a single step was taken


def test_train_step_is_one_step_of_gradient_descent():
    rng = np.random.default_rng(3)
    model = Sequential([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    X_batch, y_batch = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    before = {k: v.copy() for k, v in model.params.items()}
    loss = SquaredError()
    expected = loss.forward(model.forward(X_batch), y_batch)
    model.backward(loss.backward())
    grads = {k: g.copy() for k, g in model.grads.items()}
    value, y_hat = train_step(model, loss, SGD(0.5), X_batch, y_batch, return_output=True)
    assert value == expected and y_hat.shape == (5, 2)
    for key, theta in model.params.items():
        np.testing.assert_allclose(theta, before[key] - 0.5 * grads[key], rtol=1e-14)  # θ ← θ − η g
    clipped = Sequential([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    train_step(clipped, loss, SGD(0.5), X_batch, 100 * y_batch, clip=ClipByNorm(1e-3))
    step = np.sqrt(sum(np.sum((clipped.params[k] - before[k]) ** 2) for k in before))
    assert step == pytest.approx(0.5 * 1e-3)  # η times the clipped norm


def test_train_step_does_not_step_along_a_nan_loss():
    model = Sequential([Dense(2, 1, rng=0)])
    before = model.params["0.W"].copy()
    with np.errstate(invalid="ignore"):
        value = train_step(model, SquaredError(), SGD(0.1), np.ones((2, 2)), np.array([np.nan, 0.0]))
    assert np.isnan(value)
    np.testing.assert_array_equal(model.params["0.W"], before)


def test_weight_decay_is_the_gradient_of_the_l2_penalty():
    # SGD(weight_decay=λ) on the data loss J equals plain SGD on J + λ/2 Σ‖W‖² (biases not decayed)
    rng = np.random.default_rng(4)
    X_batch, y_batch = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    lam = 0.3
    decayed, penalized = xor_mlp(2, width=3), xor_mlp(2, width=3)
    decayed.layers[0] = Dense(3, 3, rng=2)
    penalized.layers[0] = Dense(3, 3, rng=2)
    train_step(decayed, SquaredError(), SGD(0.2, weight_decay=lam), X_batch, y_batch)
    loss = SquaredError()
    loss.forward(penalized.forward(X_batch), y_batch)
    penalized.backward(loss.backward())
    for key, theta in penalized.params.items():
        g = penalized.grads[key] + (lam * theta if key.endswith("W") else 0.0)
        theta -= 0.2 * g
    for key in decayed.params:
        np.testing.assert_allclose(decayed.params[key], penalized.params[key], rtol=1e-13)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"X": np.array([[np.nan, 1.0]] * 4)}, ValueError, "X contains nan"),
    ({"X": np.ones(4)}, ValueError, "X must be 2-D"),
    ({"X": np.ones((0, 2)), "y": np.ones(0)}, ValueError, "X must have at least 1 row"),
    ({"loss": BinaryCrossEntropy(), "y": np.array([0, 1, 2, 0])}, ValueError, r"y must hold values in \[0, 1\]"),
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
