"""Invariances of the outflow model's log density, checked on compiled functions.

The posterior is proportional to the log density, so an invariance of the log density
under a transformation of data and parameters is the same invariance of the posterior:
relabelling sectors or destinations permutes the posterior; rescaling the workforce
shifts the log rates exactly and leaves the expected counts, hence the likelihood, alone.
"""

import numpy as np
import pymc as pm
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymc.model.transform.conditioning import remove_value_transforms

import talentflow as tf
from talentflow.models.outflow_graph import build_outflow_model, model_arrays

N_T, N_S, N_D = 8, 3, 4
SHOCK = tf.Shock(name="s", start="2021-04")
CONFIG = tf.OutflowConfig(shocks=(SHOCK,))


@pytest.fixture(scope="module")
def compiled():
    data, _ = tf.datasets.simulate_outflow(
        sectors=N_S, destinations=N_D, n_months=N_T, shocks=(SHOCK,), random_seed=0
    )
    model = remove_value_transforms(build_outflow_model(data, CONFIG))
    logp = model.compile_logp()
    (likelihood,) = model.replace_rvs_by_values([sum(model.potentials)])
    loglik = model.compile_fn(likelihood, inputs=model.value_vars, on_unused_input="ignore")
    draws = pm.draw(model.free_RVs, draws=50, random_seed=1)
    points = [
        {rv.name: np.asarray(v[i]) for rv, v in zip(model.free_RVs, draws, strict=True)}
        for i in range(50)
    ]
    return model, logp, loglik, points


def _permute(model, point, dim, order):
    out = {}
    for name, value in point.items():
        dims = model.named_vars_to_dims.get(name, ())
        out[name] = np.take(value, order, axis=dims.index(dim)) if dim in dims else value
    return out


def _set(model, data):
    with model:
        pm.set_data(model_arrays(data, CONFIG))


datasets = st.builds(
    lambda seed: tf.datasets.simulate_outflow(
        sectors=N_S,
        destinations=N_D,
        n_months=N_T,
        shocks=(SHOCK,),
        missing_fraction=0.2,
        random_seed=seed,
    )[0],
    st.integers(0, 10_000),
)


@given(datasets, st.permutations(range(N_S)), st.permutations(range(N_D)), st.integers(0, 49))
def test_relabelling_sectors_and_destinations_permutes_the_posterior(
    compiled, data, s_order, d_order, seed
):
    model, logp, _, points = compiled
    point = points[seed]
    _set(model, data)
    original = logp(point)
    moved = _permute(model, _permute(model, point, "sector", s_order), "destination", d_order)
    _set(model, data.isel(sector=list(s_order), destination=list(d_order)))
    assert np.isfinite(original)
    np.testing.assert_allclose(logp(moved), original, rtol=1e-9)


@given(datasets, st.floats(0.01, 100.0), st.integers(0, 49))
def test_rescaling_workforce_leaves_expected_counts_and_likelihood_alone(
    compiled, data, scale, seed
):
    model, _, loglik, points = compiled
    point = points[seed]
    _set(model, data)
    original = loglik(point)
    shifted = {**point, "baseline": point["baseline"] - np.log(scale)}
    _set(model, data.assign(workforce=data.workforce * scale))
    assert np.isfinite(original)
    np.testing.assert_allclose(loglik(shifted), original, rtol=1e-9)
