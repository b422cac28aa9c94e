"""Parameter recovery for the return model: known hazard in, 90% intervals checked."""

import numpy as np
import pytest
from scipy import stats

import talentflow as tf
from tests.recovery import inside_90

WAVE = tf.Shock(name="wave", start="2021-09")
SCALARS = ("hazard_level", "hazard_scale", "hazard_shape", "wave_effect")
EFFECTS = ("sector_effect", "destination_effect")
MONTHS = [3, 6, 12, 24]


@pytest.mark.slow
def test_90_percent_intervals_cover_the_true_hazard():
    hits, hazard_cover = [], []
    for seed in (1, 2):
        data, truth = tf.datasets.simulate_returns(
            sectors=5,
            destinations=3,
            n_months=42,
            waves=(WAVE,),
            wave_effect=0.5,
            hazard_level=-1.5,
            hazard_scale=8.0,
            hazard_shape=1.5,
            random_seed=seed,
        )
        model = tf.ReturnModel(tf.ReturnConfig(waves=(WAVE,)))
        model.fit(data, draws=400, tune=500, chains=2, random_seed=seed, check=False)
        post = model.posterior_.posterior
        hits += list(inside_90(post, truth, *SCALARS, *EFFECTS))
        covered = inside_90(post, truth, "return_hazard", months_abroad=MONTHS)
        hazard_cover.append(covered.mean())
        # Informative, not just wide: the hazard a year out is located within +-25%.
        at_12 = post.return_hazard.sel(months_abroad=12)
        lo, hi = at_12.quantile([0.05, 0.95], ("chain", "draw"))
        assert float((hi / lo).max()) < 1.6
    # The scalar parameters and effects (24 in all): a Binomial(24, 0.9) count with
    # probability >= 0.995. The hazard values at different months and cells are
    # functions of the same few parameters, so they are not independent trials:
    # they get a plain floor.
    lo = stats.binom.ppf(0.0025, len(hits), 0.9)
    assert sum(hits) >= lo, (sum(hits), len(hits))
    assert min(hazard_cover) >= 0.75, hazard_cover
    assert np.isfinite(post.stock_abroad.values).all()
