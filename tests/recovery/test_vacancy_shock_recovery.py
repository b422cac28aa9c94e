"""Parameter recovery for the vacancy model's shocks.

In a file of its own so that pytest-xdist, which keeps a file on one worker, can run it
beside the other vacancy recovery tests.
"""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

import talentflow as tf
from tests.conftest import SLUMP
from tests.recovery import inside_90


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
    hits = inside_90(post, truth, *names)
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
