"""Parameter recovery for the vacancy model: known dynamics in, 90% intervals checked."""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

import talentflow as tf
from tests.conftest import SLUMP

PARAMETERS = (
    "matching_elasticity",
    "shock_effect",
    "shock_decay",
    "observation_sd",
    "innovation_sd",
    "factor_correlation",
)


def _inside(post, truth, name):
    draws, true = post[name], truth[name]
    lo = draws.quantile(0.05, dim=("chain", "draw"), method="linear")
    hi = draws.quantile(0.95, dim=("chain", "draw"), method="linear")
    return ((true >= lo) & (true <= hi)).values.ravel()


@pytest.mark.slow
@pytest.mark.parametrize("trend", ["local_level", "integrated_ar1"])
def test_90_percent_intervals_cover_the_true_parameters_and_paths(vacancy_config, trend):
    # The sizes of the session's fitted panel: the default dynamics reuse its sampler.
    data, truth = tf.datasets.simulate_vacancies(
        sectors=["IT", "Finance", "Retail", "Health"],
        n_months=48,
        start="2016-01",
        shocks=(SLUMP,),
        trend=trend,
        matching_elasticity=[0.3, 0.45, 0.55, 0.7],
        random_seed=11,
    )
    model = tf.VacancyModel(replace(vacancy_config, trend=trend))
    model.fit(data, draws=400, tune=500, chains=2, random_seed=3, check=False)
    post = model.posterior_.posterior
    names = PARAMETERS + (("increment_persistence",) if trend == "integrated_ar1" else ())
    hits = np.concatenate([_inside(post, truth, name) for name in names])
    # 4 + 8 + 1 + 8 + 8 + 1 (+ 2) = 30 (32) values; a Binomial(30, 0.9) count falls
    # below its 0.005 quantile with probability < 0.005: a calibrated fit fails this by
    # chance less than 1 in 200.
    assert len(hits) == (32 if trend == "integrated_ar1" else 30)
    assert hits.sum() >= stats.binom.ppf(0.005, len(hits), 0.9), hits
    # The latent paths are functions of shared parameters, not independent trials:
    # a plain floor on the share of months covered.
    assert _inside(post, truth, "tightness").mean() > 0.8
    assert _inside(post, truth, "matching_efficiency").mean() > 0.8
    # Informative, not just wide: tightness is located within +-15% in most months.
    lo, hi = post.tightness.quantile([0.05, 0.95], ("chain", "draw"))
    assert float((hi / lo).median()) < 1.3
    # The elasticities are told apart: the highest and lowest are ordered.
    a = post.matching_elasticity
    assert float((a.sel(sector="Health") > a.sel(sector="IT")).mean()) > 0.95


@pytest.mark.slow
def test_a_slowing_shock_that_starts_before_the_data_is_recovered(vacancy_config, tmp_path):
    # The slump starts in 2018-01 and peaks in 2018-03; the data begin in 2018-02,
    # so its first month is missing. Its decay slows with age (shock_fading="slowing").
    full, truth = tf.datasets.simulate_vacancies(
        sectors=["IT", "Finance", "Retail", "Health"],
        n_months=72,
        start="2016-01",
        shocks=(SLUMP,),
        shock_slowing=1.0,
        random_seed=5,
    )
    data = full.sel(time=slice("2018-02", None)).isel(time=slice(48))
    model = tf.VacancyModel(replace(vacancy_config, shock_fading="slowing"))
    model.fit(data, draws=400, tune=500, chains=2, random_seed=4, check=False)
    post = model.posterior_.posterior
    names = ("shock_effect", "shock_decay", "shock_slowing")
    hits = np.concatenate([_inside(post, truth, n) for n in names])
    assert len(hits) == 10
    assert hits.sum() >= stats.binom.ppf(0.005, len(hits), 0.9), hits
    # Located, not just covered: the sign of every sector's effect on each series.
    effect = post.shock_effect.median(("chain", "draw"))
    assert (np.sign(effect) == np.sign(truth["shock_effect"])).all()
    # The slowing is learnt from the tail: the posterior moves off the prior's median.
    assert float(post.shock_slowing.median()) > 0.67
    fc = model.forecast(6, random_seed=0).predictions
    loaded = tf.VacancyModel.load(model.save(tmp_path / "slowing.zarr"))
    assert loaded.config.shock_fading == "slowing"
    np.testing.assert_allclose(loaded.forecast(6, random_seed=0).predictions.level, fc.level)
