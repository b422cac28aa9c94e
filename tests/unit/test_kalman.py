"""The Kalman filter and simulation smoother against dense Gaussian algebra."""

from dataclasses import replace

import numpy as np
import pytensor.tensor as pt
import pytest
from scipy import stats

import talentflow as tf
from talentflow.models.kalman import (
    StateSpace,
    filter_loglik,
    kalman_loglik,
    simulate_states,
    smoothed_states,
    stack_models,
)
from talentflow.models.vacancies_graph import (
    VacancyConfig,
    build_vacancy_model,
    model_arrays,
    observations,
    stored_variables,
)
from talentflow.models.vacancies_paths import draw_models, effect_draws
from tests.conftest import one_draw

N_TIME = 7


def _model(rng: np.random.Generator, scaled: bool = False) -> StateSpace:
    """Three states driven by two disturbances, four observed cells mixing them.

    ``scaled``: each month's disturbances and observation noise get their own known
    scale per state and per cell.
    """
    transition = np.array([[1.0, 0.7, 0.0], [0.0, 0.7, 0.0], [0.0, 0.0, 0.9]])
    noise = rng.normal(scale=0.3, size=(3, 2))
    scale = rng.uniform(0.3, 3.0, size=(N_TIME, 3)) if scaled else None
    obs_scale = rng.uniform(0.3, 3.0, size=(N_TIME, 4)) if scaled else None
    return StateSpace(
        offset=rng.normal(size=(N_TIME, 4)),
        design=rng.normal(size=(4, 3)),
        obs_var=rng.uniform(0.05, 0.5, size=4),
        transition=transition,
        noise=noise,
        start_mean=rng.normal(size=3),
        start_noise=np.tril(rng.normal(scale=0.5, size=(3, 3))) + np.eye(3),
        noise_scale=scale,
        obs_scale=obs_scale,
    )


def _dense(model: StateSpace) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the stacked states and observations ``(time x (k + m))``."""
    k, q = model.noise.shape
    # The states are linear in the start draw and the disturbances: x = mean + M xi.
    n_xi = k + q * (N_TIME - 1)
    load = np.zeros((N_TIME, k, n_xi))
    load[0, :, :k] = model.start_noise
    mean = [model.start_mean]
    for t in range(1, N_TIME):
        load[t] = model.transition @ load[t - 1]
        scale = np.ones(k) if model.noise_scale is None else model.noise_scale[t - 1]
        load[t, :, k + q * (t - 1) : k + q * t] += scale[:, None] * model.noise
        mean.append(model.transition @ mean[-1])
    x_load = load.reshape(N_TIME * k, n_xi)
    design = np.kron(np.eye(N_TIME), model.design)
    joint_load = np.vstack([x_load, design @ x_load])
    cov = joint_load @ joint_load.T
    m = model.design.shape[0]
    obs_scale = np.ones((N_TIME, m)) if model.obs_scale is None else model.obs_scale
    cov[N_TIME * k :, N_TIME * k :] += np.diag((model.obs_var * obs_scale**2).ravel())
    x_mean = np.concatenate(mean)
    y_mean = design @ x_mean + model.offset.ravel()
    assert y_mean.shape == (N_TIME * m,)
    return np.concatenate([x_mean, y_mean]), cov


def _data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.normal(size=(N_TIME, 4))
    mask = (rng.uniform(size=(N_TIME, 4)) > 0.25).astype(float)
    mask[2] = 0.0  # a month with nothing observed
    return np.where(mask > 0, y, 0.0), mask


def _conditional(model: StateSpace, y: np.ndarray, mask: np.ndarray):
    """Dense log likelihood of the observed cells and the states' law given them."""
    mean, cov = _dense(model)
    n_x = N_TIME * model.n_states
    seen = n_x + np.flatnonzero(mask.ravel())
    resid = y.ravel()[seen - n_x] - mean[seen]
    loglik = stats.multivariate_normal(mean[seen], cov[np.ix_(seen, seen)]).logpdf(
        y.ravel()[seen - n_x]
    )
    gain = np.linalg.solve(cov[np.ix_(seen, seen)], cov[seen, :n_x]).T
    post_mean = mean[:n_x] + gain @ resid
    post_cov = cov[:n_x, :n_x] - gain @ cov[seen, :n_x]
    return loglik, post_mean.reshape(N_TIME, -1), post_cov


SCALED = pytest.mark.parametrize("scaled", [False, True], ids=["constant", "scaled"])


@SCALED
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_filter_likelihood_matches_the_dense_gaussian(seed, scaled):
    rng = np.random.default_rng(seed)
    model, (y, mask) = _model(rng, scaled), _data(rng)
    want, _, _ = _conditional(model, y, mask)
    np.testing.assert_allclose(filter_loglik(y, mask, model), want, rtol=1e-10)
    graph = kalman_loglik(pt.as_tensor(y), pt.as_tensor(mask), model)
    np.testing.assert_allclose(float(graph.eval()), want, rtol=1e-10)
    # Unobserved cells' values are ignored.
    noisy = np.where(mask > 0, y, 1e3)
    np.testing.assert_allclose(filter_loglik(noisy, mask, model), want, rtol=1e-10)


def test_the_identity_shortcut_gives_the_full_filters_likelihood():
    rng = np.random.default_rng(4)
    model = replace(_model(rng), transition=np.eye(3))
    y, mask = _data(rng)
    want, _, _ = _conditional(model, y, mask)
    graph = kalman_loglik(pt.as_tensor(y), pt.as_tensor(mask), model, identity_transition=True)
    np.testing.assert_allclose(float(graph.eval()), want, rtol=1e-10)


@SCALED
def test_the_filter_runs_over_a_stack_of_models(scaled):
    rng = np.random.default_rng(3)
    models, (y, mask) = [_model(rng, scaled) for _ in range(3)], _data(rng)
    each = [float(filter_loglik(y, mask, m)) for m in models]
    np.testing.assert_allclose(filter_loglik(y, mask, stack_models(models)), each, rtol=1e-12)


@SCALED
def test_smoothed_states_are_the_dense_conditional_mean(scaled):
    rng = np.random.default_rng(4)
    model, (y, mask) = _model(rng, scaled), _data(rng)
    _, want, _ = _conditional(model, y, mask)
    np.testing.assert_allclose(smoothed_states(y, mask, model), want, rtol=1e-8, atol=1e-10)


@SCALED
def test_simulated_states_follow_the_dense_conditional_law(scaled):
    rng = np.random.default_rng(5)
    model, (y, mask) = _model(rng, scaled), _data(rng)
    _, mean, cov = _conditional(model, y, mask)
    n = 20_000
    draws = simulate_states(y, mask, stack_models([model] * n), np.random.default_rng(6))
    flat = draws.reshape(n, -1)
    sd = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(flat.mean(axis=0), mean.ravel(), atol=4 * sd.max() / np.sqrt(n))
    np.testing.assert_allclose(np.cov(flat.T), cov, atol=0.03 * sd.max() ** 2)


@pytest.mark.parametrize(
    ("trend", "free", "power", "fading"),
    [
        ("local_level", False, (0.0, 0.0), "geometric"),
        ("integrated_ar1", True, (0.0, 0.0), "geometric"),
        ("local_level", False, (0.5, 1.0), "slowing"),
        ("integrated_ar1", True, (0.0, 0.5), "geometric"),
    ],
    ids=["local", "iar1", "local-count-scaled-slowing", "iar1-count-scaled"],
)
def test_the_vacancy_graph_and_the_path_draws_use_one_state_space(trend, free, power, fading):
    """The sampler's likelihood equals the NumPy filter on the model the paths come from."""
    shock = tf.Shock(name="s", start="2015-06", peak="2015-08")
    data, _ = tf.datasets.simulate_vacancies(
        sectors=2, n_months=15, shocks=(shock,), missing_fraction=0.1, random_seed=0
    )
    config = VacancyConfig(
        shocks=(shock,),
        trend=trend,
        returns_to_scale="free" if free else "constant",
        innovation_count_power=power,
        observation_count_power=power[::-1],
        shock_fading=fading,
    )
    model = build_vacancy_model(data, config)
    names = [n for n in stored_variables(config, with_hires=True) if n in model.named_vars]
    outputs = model.replace_rvs_by_values([model["marginal_loglik"], *(model[n] for n in names)])
    fn = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    arrays = model_arrays(data, config)
    y, mask = observations(arrays, np)
    rng = np.random.default_rng(1)
    start = model.initial_point()
    for _ in range(3):
        point = {k: v + rng.normal(scale=0.5, size=np.shape(v)) for k, v in start.items()}
        loglik, *values = fn(point)
        post = one_draw(model, dict(zip(names, values, strict=True)))
        ss = draw_models(post, arrays, config, effect_draws(post, config, data.time.values))
        np.testing.assert_allclose(filter_loglik(y, mask, ss), [loglik], rtol=1e-10)
