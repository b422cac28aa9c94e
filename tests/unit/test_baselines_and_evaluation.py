"""statsmodels baselines behind the contract, and the rolling-origin backtest."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import talentflow as tf
from talentflow.baselines import BaselineConfig, StatsmodelsBaseline
from talentflow.evaluation import (
    backtest,
    relative_crps,
    resample_cutoffs,
    score_forecast,
    summarize,
)
from talentflow.testing import check_model_contract
from tests.conftest import SHARED_DATA


def _panel(seed=0, n=72):
    rng = np.random.default_rng(seed)
    time = pd.date_range("2015-01-01", periods=n, freq="MS")
    walk = np.cumsum(rng.normal(0.0, 0.03, size=(n, 2, 2)), axis=0)
    level = np.log([[300.0, 900.0], [80.0, 200.0]]) + walk + 0.005 * np.arange(n)[:, None, None]
    return xr.Dataset(
        {
            "vacancies": (("time", "sector"), np.exp(level[:, 0])),
            "job_seekers": (("time", "sector"), np.exp(level[:, 1])),
        },
        coords={"time": time, "sector": ["IT", "Finance"]},
    )


@pytest.mark.parametrize("kind", ["ets", "local_linear_trend"])
def test_baselines_meet_the_contract(kind, tmp_path):
    model = check_model_contract(
        lambda: StatsmodelsBaseline(BaselineConfig(kind=kind, paths=100)),
        _panel(),
        fit_kwargs={},
        tmp_path=tmp_path,
        prediction_variable="vacancies",
    )
    pred = model.forecast(6, random_seed=1).predictions
    assert dict(pred.job_seekers.sizes) == {"chain": 1, "draw": 100, "time": 6, "sector": 2}
    assert float(pred.vacancies.min()) > 0
    # The predictive spreads out with the horizon.
    spread = np.log(pred.vacancies).std(("chain", "draw"))
    assert (spread.isel(time=-1) > spread.isel(time=0)).all()


def test_baselines_take_gaps_and_reject_bad_series():
    data = _panel()
    gappy = data.copy(deep=True)
    gappy["job_seekers"][[10, 40, 71], 0] = np.nan  # the last month too
    for kind in ("ets", "local_linear_trend"):
        fc = StatsmodelsBaseline(BaselineConfig(kind=kind, paths=20)).fit(gappy).forecast(3)
        assert np.isfinite(fc.predictions.job_seekers.values).all()
    bad = data.assign(vacancies=-data.vacancies)
    with pytest.raises(tf.DataError, match=r"vacancies: zero, negative or infinite value"):
        StatsmodelsBaseline().fit(bad)
    with pytest.raises(tf.DataError, match="job_seekers: missing required variable"):
        StatsmodelsBaseline().fit(data.drop_vars("job_seekers"))
    with pytest.raises(tf.ConfigError):
        BaselineConfig(kind="arima")


def test_scores_reward_calibration_and_sharpness():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=(1, 1, 2000))
    obs = xr.DataArray(truth[0, 0], dims="time")
    good = xr.DataArray(rng.normal(size=(1, 400, 2000)), dims=("chain", "draw", "time"))
    wide = good * 3.0
    s_good, s_wide = score_forecast(good, obs), score_forecast(wide, obs)
    assert float(s_good.crps.mean()) < float(s_wide.crps.mean())
    coverage = s_good.covered.mean("time")
    np.testing.assert_allclose(coverage.values, [0.5, 0.8, 0.95], atol=0.04)
    assert (s_wide.covered.mean("time") > coverage).all()
    missing = score_forecast(good, obs.where(obs.time > 0))
    assert np.isnan(float(missing.crps[0]))
    assert np.isnan(float(missing.covered[0, 0]))


def test_backtest_shapes_and_errors():
    data = _panel()
    scores = backtest(
        lambda _: StatsmodelsBaseline(BaselineConfig(paths=100)),
        data,
        cutoffs=["2019-06", "2020-06"],
        horizon=12,
        variables=["vacancies", "job_seekers"],
    )
    assert dict(scores.crps.sizes) == {"cutoff": 2, "variable": 2, "horizon": 12, "sector": 2}
    # The second cutoff's last months fall past the data: not scored.
    assert bool(scores.crps.sel(cutoff="2020-06-01").isel(horizon=-1).isnull().all())
    summary = summarize(scores)
    assert float(summary.covered.sel(interval=0.95).mean()) > 0.5
    # A baseline has no multi-chain posterior: its convergence checks are NaN.
    for name in ("max_rhat", "min_ess_bulk", "min_ess_tail", "divergences"):
        assert scores[name].dims == ("cutoff",)
        assert bool(scores[name].isnull().all())
    assert "max_rhat" not in summary
    ratio = relative_crps(scores, scores, horizons=slice(6, 12))
    np.testing.assert_allclose(ratio.values, 1.0)
    good = {"cutoffs": ["2019-01"], "horizon": 3, "variables": ["vacancies"]}
    for bad, error, message in [
        ({"cutoffs": ["2030-01"]}, tf.DataError, "cutoff 2030-01"),
        ({"variables": ["hires"]}, tf.DataError, "hires: not in the data"),
        ({"window": 0}, tf.ConfigError, "window must be a positive integer of months, got 0"),
        ({"random_seed": None}, tf.ConfigError, "random_seed must be a non-negative integer"),
    ]:
        with pytest.raises(error, match=message):
            backtest(lambda _: StatsmodelsBaseline(), data, **{**good, **bad})


def _scores(seed=0, n_cutoffs=5):
    """Backtest-shaped scores with a few unobserved cells, without fitting anything."""
    rng = np.random.default_rng(seed)
    shape = (n_cutoffs, 2, 3, 2)
    crps = rng.gamma(2.0, size=shape)
    crps[1, 0, 2] = np.nan
    crps[3, 1, :, 0] = np.nan
    dims = ("cutoff", "variable", "horizon", "sector")
    return xr.Dataset(
        {
            "crps": (dims, crps),
            "covered": (dims, np.where(np.isnan(crps), np.nan, rng.random(shape) < 0.8)),
            "max_rhat": ("cutoff", np.ones(n_cutoffs)),
        },
        coords={
            "cutoff": pd.date_range("2015-01", periods=n_cutoffs, freq="6MS"),
            "variable": ["vacancies", "job_seekers"],
        },
    )


def test_cutoff_bootstrap_weights_whole_cutoffs():
    scores = _scores()
    before = scores.copy(deep=True)
    over = ["cutoff", "horizon", "sector"]
    plain = summarize(scores, over=over)
    weights = resample_cutoffs(scores, resamples=300, random_seed=3)
    assert dict(weights.sizes) == {"resample": 300, "cutoff": 5}
    assert (weights.sum("cutoff") == 5).all()
    boot = summarize(scores, over=over, weights=weights)
    assert dict(boot.crps.sizes) == {"resample": 300, "variable": 2}
    assert "max_rhat" not in boot
    # Weights of one are the plain pooled mean; drawing one cutoff only is its mean.
    ones = xr.ones_like(weights.isel(resample=[0]))
    xr.testing.assert_allclose(summarize(scores, over=over, weights=ones).isel(resample=0), plain)
    third = xr.zeros_like(ones).where(ones.cutoff != scores.cutoff[2], 5)
    alone = summarize(scores.isel(cutoff=[2]), over=over)
    xr.testing.assert_allclose(summarize(scores, over=over, weights=third).isel(resample=0), alone)
    # A resample of cutoffs that leave a cell unobserved has no mean there.
    fourth = xr.zeros_like(ones).where(ones.cutoff != scores.cutoff[3], 5)
    gap = summarize(scores, weights=fourth).crps.isel(resample=0)
    assert bool(gap.sel(variable="job_seekers", sector=0).isnull().all())
    assert bool(gap.sel(variable="vacancies").notnull().all())
    # The bootstrap spreads around the pooled mean, within the cutoffs' own range.
    per_cutoff = summarize(scores, over=["horizon", "sector"]).crps
    assert (boot.crps.min("resample") >= per_cutoff.min("cutoff") - 1e-12).all()
    assert (boot.crps.max("resample") <= per_cutoff.max("cutoff") + 1e-12).all()
    low, high = boot.crps.quantile([0.05, 0.95], "resample")
    assert ((low < plain.crps) & (plain.crps < high)).all()
    # Paired: the same weights on both models.
    ratio = relative_crps(scores.assign(crps=2 * scores.crps), scores, weights=weights)
    np.testing.assert_allclose(ratio.values, 2.0)
    xr.testing.assert_identical(scores, before)
    with pytest.raises(tf.ConfigError, match="over must include 'cutoff'"):
        summarize(scores, over=["horizon"], weights=weights)
    with pytest.raises(tf.DataError, match=r"weights: must be resample_cutoffs\(scores\)"):
        summarize(scores.isel(cutoff=slice(1, None)), weights=weights)
    with pytest.raises(tf.DataError, match="scores: at least 2 cutoffs to resample, got 1"):
        resample_cutoffs(scores.isel(cutoff=[0]))
    with pytest.raises(tf.ConfigError, match="resamples must be a positive integer"):
        resample_cutoffs(scores, resamples=0)


JOLTS = SHARED_DATA / "us_jolts_cps" / "fred"


@pytest.mark.skipif(not JOLTS.is_dir(), reason="shared JOLTS/CPS data folder not present")
def test_baselines_backtest_on_the_jolts_panel():
    data = tf.datasets.load_us_jolts_cps(JOLTS).isel(sector=[1, 4])
    scores = {
        kind: backtest(
            lambda _, kind=kind: StatsmodelsBaseline(BaselineConfig(kind=kind, paths=200)),
            data,
            cutoffs=["2016-12", "2018-12"],
            horizon=12,
            variables=["vacancies", "job_seekers"],
        )
        for kind in ("ets", "local_linear_trend")
    }
    for s in scores.values():
        rate = float(summarize(s, over=["cutoff", "horizon", "sector", "variable"]).covered[1])
        assert 0.3 < rate <= 1.0
        assert np.isfinite(s.crps.values).all()
