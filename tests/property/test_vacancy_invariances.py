"""Invariances of the vacancy model's log density and latent paths.

Scaling vacancies, job seekers and hires by one factor (counting in persons instead
of thousands) shifts every latent log level by the same amount, so the posterior is
unchanged and tightness (a ratio) stays exactly where it was; relabelling sectors
permutes the posterior. Both hold with count-scaled innovations too (their weights are
ratios of counts). The density is the compiled sampler's (the Kalman filter's);
the paths are those a fit draws after sampling.
"""

import numpy as np
import pymc as pm
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymc.model.transform.conditioning import remove_value_transforms

import talentflow as tf
from talentflow.models.kalman import smoothed_states
from talentflow.models.vacancies_graph import build_vacancy_model, model_arrays, observations
from talentflow.models.vacancies_paths import draw_models, draw_paths, effect_draws
from tests.conftest import one_draw

N_T, N_S = 14, 3
SHOCK = tf.Shock(name="s", start="2015-06", peak="2015-08")
CONFIGS = [
    *(tf.VacancyConfig(shocks=(SHOCK,), trend=t) for t in ("local_level", "integrated_ar1")),
    tf.VacancyConfig(shocks=(SHOCK,), innovation_count_power=(0.5, 1.0)),
]
#: The posterior variables the latent paths depend on.
PARAMETERS = (
    "innovation_sd",
    "common_share",
    "factor_correlation",
    "observation_sd",
    "increment_persistence",
    "seasonal",
    "shock_effect",
    "shock_decay",
    "efficiency_sigma",
    "matching_elasticity",
    "hires_sd",
)


def _panel(seed: int):
    data, _ = tf.datasets.simulate_vacancies(
        sectors=N_S, n_months=N_T, shocks=(SHOCK,), missing_fraction=0.15, random_seed=seed
    )
    return data


@pytest.fixture(
    scope="module",
    params=CONFIGS,
    ids=lambda c: c.trend + ("-count-scaled" if any(c.innovation_count_power) else ""),
)
def compiled(request):
    config = request.param
    model = remove_value_transforms(build_vacancy_model(_panel(0), config))
    logp = model.compile_logp()
    names = [n for n in PARAMETERS if n in model.named_vars]
    outputs = model.replace_rvs_by_values([model[n] for n in names])
    params = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    draws = pm.draw(model.free_RVs, draws=30, random_seed=1)
    points = [
        {rv.name: np.asarray(v[i]) for rv, v in zip(model.free_RVs, draws, strict=True)}
        for i in range(30)
    ]
    posteriors = [one_draw(model, dict(zip(names, params(p), strict=True))) for p in points]
    return model, config, logp, points, posteriors


def _paths(config, post, data, seed=3):
    """The latent paths drawn for one parameter draw, with a fixed seed."""
    arrays = model_arrays(data, config)
    return draw_paths(post, arrays, config, data.time.values, np.random.default_rng(seed))


def _smoothed(config, post, data):
    """The mean of the latent states given the data and one parameter draw."""
    arrays = model_arrays(data, config)
    y, mask = observations(arrays, np)
    effects = effect_draws(post, config, data.time.values)
    return smoothed_states(y, mask, draw_models(post, arrays, config, effects))[0]


def _set(model, config, data):
    with model:
        pm.set_data(model_arrays(data, config))


seeds = st.integers(0, 10_000)


@given(seeds, st.floats(1e-3, 1e3), st.integers(0, 29))
def test_scaling_all_series_together_leaves_the_density_and_tightness_alone(
    compiled, seed, factor, index
):
    model, config, logp, points, posteriors = compiled
    data = _panel(seed)
    _set(model, config, data)
    original = logp(points[index])
    paths = _paths(config, posteriors[index], data)
    _set(model, config, data * factor)
    assert np.isfinite(original)
    # The likelihood is written on the log scale without data-only terms, and the
    # start values move with the data, so the density is unchanged.
    np.testing.assert_allclose(logp(points[index]), original, rtol=1e-9)
    scaled = _paths(config, posteriors[index], data * factor)
    np.testing.assert_allclose(scaled.tightness, paths.tightness, rtol=1e-8)
    np.testing.assert_allclose(scaled.level, paths.level * factor, rtol=1e-8)


@given(seeds, st.floats(0.1, 10.0), st.integers(0, 29))
def test_scaling_vacancies_alone_scales_tightness(compiled, seed, factor, index):
    _, config, _, _, posteriors = compiled
    # Without hires: the matching function ties hires to both series, so scaling one
    # series alone would move the fit of the other.
    data = _panel(seed).drop_vars("hires")
    post = posteriors[index].drop_vars(["efficiency_sigma", "matching_elasticity", "hires_sd"])
    tight = _paths(config, post, data).tightness
    scaled = _paths(config, post, data.assign(vacancies=data.vacancies * factor))
    np.testing.assert_allclose(scaled.tightness, tight * factor, rtol=1e-8)


@given(seeds, st.permutations(range(N_S)), st.integers(0, 29))
def test_relabelling_sectors_permutes_the_posterior(compiled, seed, order, index):
    model, config, logp, points, posteriors = compiled
    point, post = points[index], posteriors[index]
    data = _panel(seed)
    _set(model, config, data)
    original = logp(point)
    states = _smoothed(config, post, data)
    moved = {}
    for name, value in point.items():
        dims = model.named_vars_to_dims.get(name, ())
        moved[name] = (
            np.take(value, order, axis=dims.index("sector")) if "sector" in dims else value
        )
    _set(model, config, data.isel(sector=list(order)))
    np.testing.assert_allclose(logp(moved), original, rtol=1e-9)
    # The states run over (series, sector) blocks, then the same for the increments.
    n_block = states.shape[-1] // N_S
    index_moved = (np.arange(n_block)[:, None] * N_S + np.asarray(order)[None, :]).ravel()
    relabelled = _smoothed(config, post.isel(sector=list(order)), data.isel(sector=list(order)))
    np.testing.assert_allclose(relabelled, states[:, index_moved], rtol=1e-8, atol=1e-10)
