import numpy as np
import pytest

from mlp_lib import BatchNorm
from mlp_lib.gradcheck import check_layer


def test_train_mode_normalizes_each_feature():
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(64, 4))
    out = BatchNorm(4).forward(x)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=1e-5)


def test_gamma_beta_scale_and_shift():
    bn = BatchNorm(2)
    bn.params["gamma"][:] = [2.0, 0.5]
    bn.params["beta"][:] = [1.0, -1.0]
    out = bn.forward(np.random.default_rng(1).normal(size=(32, 2)))
    np.testing.assert_allclose(out.mean(axis=0), [1.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), [2.0, 0.5], atol=1e-4)


@pytest.mark.parametrize("training", [True, False])
def test_gradcheck_train_and_eval(training):
    bn = BatchNorm(3)
    bn.params["gamma"][:] = [1.5, -0.7, 0.3]
    bn.params["beta"][:] = [0.1, 0.2, -0.3]
    bn.running_mean[:] = [0.5, -0.2, 0.0]
    bn.running_var[:] = [2.0, 0.5, 1.0]
    if not training:
        bn.eval()
    result = check_layer(bn, np.random.default_rng(2).normal(size=(6, 3)) * 2 + 1)
    assert set(result.errors) == {"x", "gamma", "beta"}
    assert result.max_error < 1e-7, result


def test_running_statistics_and_eval_mode():
    rng = np.random.default_rng(3)
    bn = BatchNorm(2, momentum=0.9)
    for _ in range(300):
        bn.forward(rng.normal([2.0, -1.0], [3.0, 0.5], size=(50, 2)))
    np.testing.assert_allclose(bn.running_mean, [2.0, -1.0], atol=0.2)
    np.testing.assert_allclose(bn.running_var, [9.0, 0.25], rtol=0.15)
    bn.eval()
    x = np.array([[2.0, -1.0]])  # a batch of one works in eval mode
    np.testing.assert_allclose(bn.forward(x), (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps))


def test_eval_output_does_not_depend_on_the_batch():
    rng = np.random.default_rng(4)
    bn = BatchNorm(3)
    bn.forward(rng.normal(size=(20, 3)))
    bn.eval()
    x = rng.normal(size=(5, 3))
    np.testing.assert_allclose(bn.forward(x)[:2], bn.forward(x[:2]))


def test_one_row_batch_in_train_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="at least 2 rows"):
        BatchNorm(3).forward(np.ones((1, 3)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm(3, momentum=1.0)
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(0)
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        BatchNorm(3).forward(np.ones((4, 2)))
