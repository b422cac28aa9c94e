"""Invariances of the vacancy model's log density, checked on compiled functions.

Scaling vacancies, job seekers and hires by one factor (counting in persons instead
of thousands) shifts every latent log level by the same amount, so the posterior is
unchanged and tightness (a ratio) and matching efficiency (constant returns) stay
exactly where they were; relabelling sectors permutes the posterior.
"""

import numpy as np
import pymc as pm
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymc.distributions.continuous import FlatRV
from pymc.model.transform.conditioning import remove_value_transforms

import talentflow as tf
from talentflow.models.vacancies_graph import build_vacancy_model, model_arrays

N_T, N_S = 14, 3
SHOCK = tf.Shock(name="s", start="2015-06", peak="2015-08")
CONFIGS = [tf.VacancyConfig(shocks=(SHOCK,), trend=t) for t in ("local_level", "integrated_ar1")]


def _panel(seed: int):
    data, _ = tf.datasets.simulate_vacancies(
        sectors=N_S, n_months=N_T, shocks=(SHOCK,), missing_fraction=0.15, random_seed=seed
    )
    return data


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: c.trend)
def compiled(request):
    config = request.param
    model = remove_value_transforms(build_vacancy_model(_panel(0), config))
    logp = model.compile_logp()
    outputs = model.replace_rvs_by_values(
        [model["tightness"], model["matching_efficiency"], model["level"]]
    )
    derived = model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")
    # Prior draws of the proper variables; the flat latent offsets get standard normals.
    flat = [rv for rv in model.free_RVs if isinstance(rv.owner.op, FlatRV)]
    proper = [rv for rv in model.free_RVs if not isinstance(rv.owner.op, FlatRV)]
    draws = pm.draw(proper, draws=30, random_seed=1)
    shapes = {k: v.shape for k, v in model.initial_point().items()}
    rng = np.random.default_rng(2)
    points = [
        {
            **{rv.name: rng.normal(size=shapes[rv.name]) for rv in flat},
            **{rv.name: np.asarray(v[i]) for rv, v in zip(proper, draws, strict=True)},
        }
        for i in range(30)
    ]
    return model, config, logp, derived, points


def _set(model, config, data):
    with model:
        pm.set_data(model_arrays(data, config))


seeds = st.integers(0, 10_000)


@given(seeds, st.floats(1e-3, 1e3), st.integers(0, 29))
def test_scaling_all_series_together_leaves_tightness_and_efficiency_alone(
    compiled, seed, factor, index
):
    model, config, logp, derived, points = compiled
    point = points[index]
    data = _panel(seed)
    _set(model, config, data)
    original = logp(point)
    tight, eff, level = (x.copy() for x in derived(point))
    _set(model, config, data * factor)
    assert np.isfinite(original)
    # The log density shifts by the Jacobian-free constant only: identical here since
    # the likelihood is written on the log scale without data-only terms.
    np.testing.assert_allclose(logp(point), original, rtol=1e-9)
    tight2, eff2, level2 = derived(point)
    np.testing.assert_allclose(tight2, tight, rtol=1e-9)
    np.testing.assert_allclose(eff2, eff, rtol=1e-9)
    np.testing.assert_allclose(level2, level * factor, rtol=1e-9)


@given(seeds, st.floats(0.1, 10.0), st.integers(0, 29))
def test_scaling_vacancies_alone_scales_tightness(compiled, seed, factor, index):
    model, config, _, derived, points = compiled
    point = points[index]
    data = _panel(seed)
    _set(model, config, data)
    tight = derived(point)[0].copy()
    _set(model, config, data.assign(vacancies=data.vacancies * factor))
    np.testing.assert_allclose(derived(point)[0], tight * factor, rtol=1e-9)


@given(seeds, st.permutations(range(N_S)), st.integers(0, 29))
def test_relabelling_sectors_permutes_the_posterior(compiled, seed, order, index):
    model, config, logp, derived, points = compiled
    point = points[index]
    data = _panel(seed)
    _set(model, config, data)
    original, tight = logp(point), derived(point)[0].copy()
    moved = {}
    for name, value in point.items():
        dims = model.named_vars_to_dims.get(name, ())
        moved[name] = (
            np.take(value, order, axis=dims.index("sector")) if "sector" in dims else value
        )
    _set(model, config, data.isel(sector=list(order)))
    np.testing.assert_allclose(logp(moved), original, rtol=1e-9)
    np.testing.assert_allclose(derived(moved)[0], tight[:, list(order)], rtol=1e-9)
