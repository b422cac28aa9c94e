"""Parameter recovery for the vacancy model: known dynamics in, 90% intervals checked."""

from dataclasses import replace

import pytest
from scipy import stats

import talentflow as tf
from tests.conftest import SLUMP
from tests.recovery import inside_90

PARAMETERS = (
    "matching_elasticity",
    "shock_effect",
    "shock_decay",
    "observation_sd",
    "innovation_sd",
    "factor_correlation",
)


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
    hits = inside_90(post, truth, *names)
    # 4 + 8 + 1 + 8 + 8 + 1 (+ 2) = 30 (32) values; a Binomial(30, 0.9) count falls
    # below its 0.005 quantile with probability < 0.005: a calibrated fit fails this by
    # chance less than 1 in 200.
    assert len(hits) == (32 if trend == "integrated_ar1" else 30)
    assert hits.sum() >= stats.binom.ppf(0.005, len(hits), 0.9), hits
    # The latent paths are functions of shared parameters, not independent trials:
    # a plain floor on the share of months covered.
    assert inside_90(post, truth, "tightness").mean() > 0.8
    assert inside_90(post, truth, "matching_efficiency").mean() > 0.8
    # Informative, not just wide: tightness is located within +-15% in most months.
    lo, hi = post.tightness.quantile([0.05, 0.95], ("chain", "draw"))
    assert float((hi / lo).median()) < 1.3
    # The elasticities are told apart: the highest and lowest are ordered.
    a = post.matching_elasticity
    assert float((a.sel(sector="Health") > a.sel(sector="IT")).mean()) > 0.95
