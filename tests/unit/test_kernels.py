import numpy as np
import pytensor.tensor as pt

from talentflow.models import kernels
from talentflow.models.shocks import Shock, shock_profile, shock_timing


def test_kernels_agree_between_numpy_and_pytensor():
    rng = np.random.default_rng(0)
    base, trend = rng.normal(size=3), rng.normal(size=(5, 3))
    effect, decay = rng.normal(size=(2, 3)), np.array([0.3, 0.6])
    shocks = (Shock(name="a", start="1970-02"), Shock(name="b", start="1970-03", peak="1970-04"))
    timing = shock_timing(shocks, np.arange(5))
    log_wf, log_share = rng.normal(size=(5, 3)), np.log(rng.dirichlet(np.ones(4), size=3))
    out_np = kernels.log_expected_outflow(
        log_wf, kernels.log_rate(base, trend, effect, shock_profile(timing, decay)), log_share
    )
    out_pt = kernels.log_expected_outflow(
        pt.as_tensor(log_wf),
        kernels.log_rate(
            pt.as_tensor(base),
            pt.as_tensor(trend),
            pt.as_tensor(effect),
            shock_profile(pt.as_tensor(timing), pt.as_tensor(decay)),
        ),
        pt.as_tensor(log_share),
    ).eval()
    np.testing.assert_allclose(out_np, out_pt, rtol=1e-10)


def test_shock_profile_is_zero_before_impact_and_decays_after():
    months = np.array(["2022-01", "2022-03", "2022-05"], dtype="datetime64[M]").astype(int)
    timing = shock_timing((Shock(name="s", start="2022-03"),), months)
    np.testing.assert_array_equal(timing, [[[0.0, 1.0, 1.0]], [[0.0, 0.0, 2.0]]])
    np.testing.assert_allclose(shock_profile(timing, np.array([0.5])), [[0.0, 1.0, 0.25]])


def test_ramped_shock_builds_up_linearly_then_decays():
    shock = Shock(name="recession", start="2008-01", peak="2008-03")
    assert shock.ramp == 3
    months = np.arange(-1, 6) + np.datetime64("2008-01", "M").astype(int)
    profile = shock_profile(shock_timing((shock,), months), np.array([0.5]))
    np.testing.assert_allclose(profile, [[0.0, 1 / 3, 2 / 3, 1.0, 0.5, 0.25, 0.125]])


def test_a_shock_like_another_repeats_its_build_up_unless_it_has_its_own():
    first = Shock(name="first", start="1970-01", peak="1970-04")
    again = Shock(name="again", start="1970-07", like="first")
    own = Shock(name="own", start="1970-07", peak="1970-07", like="first")
    timing = shock_timing((first, again, own), np.arange(12))
    np.testing.assert_allclose(timing[0, 1, 6:10], [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(timing[0, 2, 6:10], 1.0)
    np.testing.assert_array_equal(timing[:, 1, 6:], timing[:, 0, :6])


def test_trend_paths_with_slope():
    steps = np.zeros((3, 1))
    levels, slopes = kernels.trend_paths(
        np.zeros((1, 1)), np.zeros((1, 1)), steps, np.array([[1.0], [0.0], [0.0]]), np
    )
    np.testing.assert_allclose(slopes.ravel(), [1, 1, 1])
    np.testing.assert_allclose(levels.ravel(), [0, 1, 2])


def test_negative_binomial_draws_match_moments():
    rng = np.random.default_rng(1)
    mu = np.full((2, 50_000), 200.0)
    draws = kernels.draw_negative_binomial(rng, mu, np.array([0.05, 0.3]))
    var = draws.var(axis=1)
    np.testing.assert_allclose(draws.mean(axis=1), 200, rtol=0.02)
    np.testing.assert_allclose(var, 200 + (np.array([0.05, 0.3]) * 200) ** 2, rtol=0.05)


def test_masked_negative_binomial_matches_scipy_up_to_the_data_constant():
    from scipy.special import gammaln
    from scipy.stats import nbinom

    from talentflow.models.likelihood import count_arrays, masked_nb_logp

    rng = np.random.default_rng(3)
    y = rng.poisson(3.0, size=(40, 3)).astype(float)  # zeros and repeated counts
    y[rng.random(y.shape) < 0.2] = np.nan
    keep = rng.random(y.shape) > 0.1
    log_mu, alpha = rng.normal(1.0, 0.5, size=y.shape), np.float64(7.5)
    box = {k: pt.as_tensor(v) for k, v in count_arrays("y", y, observed=keep).items()}
    ours = masked_nb_logp(box, "y", pt.as_tensor(log_mu), pt.as_tensor(alpha)).eval()
    observed = np.isfinite(y) & keep
    counts, mu = y[observed], np.exp(log_mu[observed])
    expected = nbinom.logpmf(counts, alpha, alpha / (alpha + mu)) + gammaln(counts + 1)
    np.testing.assert_allclose(ours, expected.sum(), rtol=1e-12)
