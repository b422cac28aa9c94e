"""Parameter recovery: simulate with known parameters, fit, check 90% interval coverage."""

import numpy as np
import pytest
from scipy import stats

import talentflow as tf
from tests.recovery import inside_90

SHOCKS = (tf.Shock(name="first", start="2021-06"), tf.Shock(name="second", start="2022-03"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12])
def test_90_percent_intervals_cover_the_truth_at_the_advertised_rate(seed):
    data, truth = tf.datasets.simulate_outflow(
        sectors=6,
        destinations=4,
        n_months=30,
        shocks=SHOCKS,
        shock_mean=[1.5, 0.8],
        shock_sector_sd=0.4,
        shock_decay=[0.4, 0.2],
        workforce=200_000.0,
        baseline_sd=0.5,
        trend_sigma=0.03,
        overdispersion=0.1,
        missing_fraction=0.1,
        random_seed=seed,
    )
    model = tf.OutflowModel(tf.OutflowConfig(shocks=SHOCKS))
    model.fit(data, draws=400, tune=600, chains=2, random_seed=seed, check=False)
    post = model.posterior_.posterior
    inside = {
        n: inside_90(post, truth, n)
        for n in ("shock_effect", "baseline", "destination_share", "shock_decay")
    }
    counts = {n: (int(hit.sum()), hit.size) for n, hit in inside.items()}
    hits = sum(c[0] for c in counts.values())
    total = sum(c[1] for c in counts.values())
    # Accept what a Binomial(total, 0.9) count would give with probability >= 0.995 (either
    # side): too few misses the truth, too many means intervals far wider than advertised.
    lo, hi = stats.binom.ppf([0.0025, 0.9975], total, 0.9)
    assert lo <= hits <= hi, counts
    for name, (k, n) in counts.items():
        assert k >= 0.5 * n, (name, counts)
    # The posterior is informative, not just wide: shock effects are located tightly.
    width = post.shock_effect.quantile(0.95, ("chain", "draw")) - post.shock_effect.quantile(
        0.05, ("chain", "draw")
    )
    assert float(width.max()) < 0.5
    assert np.isfinite(post.trend.values).all()
