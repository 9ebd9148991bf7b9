"""The training playground: an MLP that learns one epoch per Play frame, and the widget that shows it."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from mlp_lib.widgets import playground as P
from mlp_lib.widgets._static import static_cache
from widget_checks import same_as_uncached, sweep


def trained(epochs=60, **kw):
    play = P.Playground(**kw)
    for _ in range(epochs):
        play.train_epoch(lr=0.3, batch_size=8)
    return play


def test_learns_circles():
    play = trained(dataset="circles", width=4, activation="tanh", init="Xavier")
    assert play.epoch == 60 and len(play.train_loss) == len(play.test_loss) == 61
    assert play.train_loss[-1] < 0.3 * play.train_loss[0]
    assert play.accuracy() > 0.9 and play.accuracy(train=False) > 0.9


def test_zero_weights_never_break_symmetry():
    play = trained(epochs=20, dataset="moons", width=4, depth=2, activation="tanh", init="zeros")
    for dense in play.model.layers[:-2:2]:  # the hidden Dense layers
        W = dense.params["W"]
        assert np.all(W == W[:, :1]), "hidden units of a zero-initialized net must stay identical"


def test_same_rng_same_run_and_data_is_standardized():
    a, b = trained(epochs=5, rng=3), trained(epochs=5, rng=3)
    assert a.train_loss == b.train_loss
    X = np.vstack([a.X_train, a.X_test])
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1)
    assert len(a.X_train) == len(a.X_test) == 200


def test_batch_gd_takes_one_step_per_epoch():
    play = P.Playground(dataset="two blobs", width=2)
    W_before = play.model.layers[0].params["W"].copy()
    play.train_epoch(lr=0.1, batch_size=None)  # one step on all 200 training points
    step = play.model.layers[0].params["W"] - W_before
    play_again = P.Playground(dataset="two blobs", width=2)
    from mlp_lib import SGD, train_step
    train_step(play_again.model, play_again.loss, SGD(0.1), play_again.X_train, play_again.y_train.reshape(-1, 1))
    np.testing.assert_allclose(play_again.model.layers[0].params["W"] - W_before, step)


@pytest.mark.parametrize("depth", [1, 3])
def test_hidden_outputs_per_layer(depth):
    play = P.Playground(width=5, depth=depth, activation="relu", init="He")
    outputs = play.hidden_outputs()
    assert len(outputs) == depth and all(a.shape == (200, 5) for a in outputs)
    assert all(np.all(a >= 0) for a in outputs)
    assert play.predict_proba(np.zeros((3, 2))).shape == (3,)


@pytest.mark.parametrize("kw, match", [({"dataset": "mnist"}, "dataset must be one of"),
                                       ({"width": 9}, "width must be <= 8"), ({"depth": 0}, "depth must be >= 1"),
                                       ({"activation": "step"}, "activation must be one of"),
                                       ({"init": "lecun"}, "init must be one of")])
def test_bad_settings_name_the_argument(kw, match):
    with pytest.raises(ValueError, match=match):
        P.Playground(**kw)


def test_bad_learning_rate():
    with pytest.raises(ValueError, match="lr must be > 0"):
        P.Playground().train_epoch(lr=0)


@pytest.fixture(scope="module")
def demo():
    return P.playground_demo()


@pytest.mark.parametrize("name, values", [("dataset", list(P.DATASETS)), ("width", [1, 8]), ("depth", [1, 3]),
                                          ("activation", list(P.ACTIVATIONS)), ("init", ["Xavier", "zeros"])])
def test_settings_redraw_the_figure(demo, name, values):
    sweep(demo, name, values)


def test_each_play_frame_is_one_epoch_and_stop_starts_again(demo):
    demo.update(dataset="xor", width=4, depth=1, activation="tanh", init="Xavier", frame=0)
    start = demo.render()
    for frame in range(1, 6):
        demo.update(frame=frame)
    play = demo.playground
    assert play.epoch == 5
    demo.update(lr=0.01)  # a new learning rate applies from the next epoch: same network
    assert demo.playground is play and play.epoch == 5
    demo.update(frame=6)
    assert play.epoch == 6
    assert not np.array_equal(demo.render(), start)
    demo.update(frame=0)  # Play's stop button
    assert demo.playground.epoch == 0
    np.testing.assert_array_equal(demo.render(), start)




def test_cached_static_parts_look_the_same():
    same_as_uncached(P.playground_demo, {"dataset": ["xor", "spirals"], "depth": [3, 1],
                                         "activation": ["relu", "sigmoid"], "frame": list(range(1, 8))})


def test_frames_reuse_the_cached_pixels():
    demo = P.playground_demo()
    demo.render()
    cache = static_cache(demo.figure)
    bakes = cache.bakes
    for frame in range(1, 6):
        demo.update(frame=frame)
        demo.render()
    assert cache.bakes == bakes, "a Play frame must not redraw the static parts"
    demo.update(activation="relu")  # new tick labels on the histograms: drawn again
    demo.render()
    assert cache.bakes == bakes + 1
