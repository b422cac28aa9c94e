import warnings
from dataclasses import replace

import numpy as np
import pytest
import xarray as xr

import talentflow as tf
from talentflow.data._time import month_numbers
from talentflow.evaluation import backtest, summarize
from talentflow.models.shocks import shock_profile, shock_timing
from talentflow.sampling import diagnose
from talentflow.testing import check_model_contract
from tests.conftest import QUICK, vacancy_panel


@pytest.mark.slow
def test_vacancy_model_meets_the_contract(vacancy_config, tmp_path):
    data = vacancy_panel(2)
    model = check_model_contract(
        lambda: tf.VacancyModel(vacancy_config),
        data,
        fit_kwargs={"random_seed": 3, **QUICK},
        tmp_path=tmp_path,
        prediction_variable="vacancies",
    )
    post = model.posterior_.posterior
    assert post.tightness.dims == ("chain", "draw", "time", "sector")
    assert post["level"].dims == ("chain", "draw", "time", "series", "sector")
    assert post.matching_efficiency.dims == ("chain", "draw", "time", "sector")
    assert post.matching_elasticity.dims == ("chain", "draw", "sector")
    assert post.shock_effect.dims == ("chain", "draw", "shock", "series", "sector")
    assert list(post.series.values) == ["vacancies", "job_seekers"]
    np.testing.assert_allclose(
        post.tightness,
        post["level"].sel(series="vacancies") / post["level"].sel(series="job_seekers"),
    )
    assert float(post.matching_elasticity.min()) > 0.0
    assert float(post.matching_elasticity.max()) < 1.0
    xr.testing.assert_identical(model.posterior_.observed_data.to_dataset(), data)


@pytest.mark.slow
def test_refit_reuses_the_compiled_sampler(vacancy_config, vacancy_fitted):
    before = tf.sampling.cache_stats()
    other = vacancy_panel(4).assign_coords(sector=["A", "B", "C", "D"])
    model = tf.VacancyModel(vacancy_config).fit(other, random_seed=1, **QUICK)
    after = tf.sampling.cache_stats()
    assert (after.compiles, after.builds, after.hits) == (
        before.compiles,
        before.builds,
        before.hits + 1,
    )
    assert list(model.posterior_.posterior.sector.values) == ["A", "B", "C", "D"]


@pytest.mark.slow
def test_same_seed_same_posterior(vacancy_config, vacancy_fitted):
    again = tf.VacancyModel(vacancy_config).fit(vacancy_panel(1), random_seed=8, **QUICK)
    xr.testing.assert_equal(
        again.posterior_.posterior.to_dataset(), vacancy_fitted.posterior_.posterior.to_dataset()
    )


@pytest.mark.slow
def test_posterior_predictive_replicates_the_observed_series(vacancy_fitted):
    before = vacancy_fitted.posterior_.copy(deep=True)
    ppc = vacancy_fitted.sample_posterior_predictive(random_seed=4)
    rep = ppc.posterior_predictive.to_dataset()
    observed = ppc.observed_data.to_dataset()
    xr.testing.assert_identical(observed, vacancy_fitted.posterior_.observed_data.to_dataset())
    assert sorted(rep.data_vars) == ["hires", "job_seekers", "vacancies"]
    for name in rep.data_vars:
        assert rep[name].dims == ("chain", "draw", "time", "sector")
        xr.testing.assert_equal(rep[name].time, observed[name].time)
        xr.testing.assert_equal(rep[name].sector, observed[name].sector)
        lo, hi = rep[name].quantile([0.05, 0.95], dim=("chain", "draw"))
        seen = observed[name].notnull()
        inside = ((observed[name] >= lo) & (observed[name] <= hi)).where(seen)
        assert 0.8 <= float(inside.sum() / seen.sum()) <= 1.0
    # The replicates are the latent levels plus observation noise of the fitted size:
    # averaged over months, the log replicates' variance exceeds the log levels' by
    # the mean squared observation sd (law of total variance).
    post = vacancy_fitted.posterior_.posterior.to_dataset()
    sample = ("chain", "draw")
    for series in ("vacancies", "job_seekers"):
        extra = np.log(rep[series]).var(sample) - np.log(post["level"].sel(series=series)).var(
            sample
        )
        noise = (post.observation_sd.sel(series=series) ** 2).mean(sample)
        np.testing.assert_allclose(extra.mean("time"), noise, rtol=0.1)
    again = vacancy_fitted.sample_posterior_predictive(random_seed=4)
    xr.testing.assert_identical(again.posterior_predictive, ppc.posterior_predictive)
    other = vacancy_fitted.sample_posterior_predictive(random_seed=5)
    assert not np.array_equal(other.posterior_predictive.vacancies, rep.vacancies)
    xr.testing.assert_identical(vacancy_fitted.posterior_, before)


@pytest.mark.slow
def test_summary_lists_the_parameters_not_the_paths(vacancy_fitted):
    rows = list(vacancy_fitted.summary().index)
    assert "factor_correlation" in rows
    assert "matching_elasticity[IT]" in rows
    assert "shock_effect[slump, vacancies, IT]" in rows
    assert not any(
        r.startswith(("tightness", "level", "trend", "matching_efficiency")) for r in rows
    )


@pytest.mark.slow
def test_scenario_shock_hits_only_the_chosen_series_and_sectors(vacancy_fitted):
    cut = tf.Shock(
        name="cut",
        start="2020-03",
        effect=-0.5,
        decay=0.2,
        variables=("vacancies",),
        sectors=("IT",),
    )
    base = vacancy_fitted.forecast(6, random_seed=4).predictions
    tree = vacancy_fitted.forecast(6, scenario=tf.Scenario(shocks=(cut,)), random_seed=4)
    hit = tree.predictions
    ages = np.array([-2, -1, 0, 1, 2, 3])
    expected = np.exp(np.where(ages >= 0, -0.5 * 0.8 ** np.maximum(ages, 0), 0.0))
    ratio = (hit.vacancies / base.vacancies).sel(sector="IT")
    np.testing.assert_allclose(ratio, np.broadcast_to(expected, ratio.shape))
    xr.testing.assert_allclose(
        hit.vacancies.sel(sector=["Finance", "Retail", "Health"]),
        base.vacancies.sel(sector=["Finance", "Retail", "Health"]),
    )
    xr.testing.assert_allclose(hit.job_seekers, base.job_seekers)
    assert float((hit.tightness / base.tightness).sel(sector="IT").min()) < 0.65
    assert '"cut"' in tree.attrs["scenario"]


@pytest.mark.slow
def test_scenario_mistakes_are_all_reported_before_forecasting(vacancy_fitted):
    bad = tf.Scenario(
        shocks=(
            tf.Shock(name="a", start="2020-02", effect=0.1, variables=("resumes",)),
            tf.Shock(name="b", start="2031-01", like="nonexistent", sectors=("Mining",)),
        ),
        destination_weights={"EU": 0.0},
    )
    with pytest.raises(tf.DataError) as err:
        vacancy_fitted.forecast(6, scenario=bad, random_seed=0)
    text = str(err.value)
    for fragment in (
        "['resumes']",
        "outside the forecast months",
        "['Mining']",
        "like='nonexistent'",
        "workforce and destination_weights",
    ):
        assert fragment in text


@pytest.mark.slow
def test_pooled_scenario_shock_draws_like_a_fitted_one(vacancy_fitted):
    fc = vacancy_fitted.forecast(
        3,
        scenario=tf.Scenario(shocks=(tf.Shock(name="again", start="2020-01"),)),
        random_seed=1,
    )
    base = vacancy_fitted.forecast(3, random_seed=1)
    # The slump raised job seekers: a shock drawn from its pooled size does too, on average.
    assert float(fc.predictions.job_seekers.mean()) > float(base.predictions.job_seekers.mean())


@pytest.mark.slow
def test_without_hires_no_matching_and_integrated_ar1(tmp_path):
    data = vacancy_panel(5).drop_vars("hires")
    config = tf.VacancyConfig(trend="integrated_ar1", seasonal=False)
    model = tf.VacancyModel(config).fit(data, random_seed=2, **QUICK)
    post = model.posterior_.posterior
    for name in ("matching_elasticity", "seasonal", "shock_effect"):
        assert name not in post
    assert post.increment_persistence.dims == ("chain", "draw", "series")
    assert post.trend_slope.dims == ("chain", "draw", "time", "series", "sector")
    fc = model.forecast(4, random_seed=0).predictions
    assert "hires" not in fc
    assert sorted(fc.data_vars) == ["job_seekers", "level", "tightness", "vacancies"]
    assert sorted(model.sample_posterior_predictive(random_seed=1).posterior_predictive) == [
        "job_seekers",
        "vacancies",
    ]
    loaded = tf.VacancyModel.load(model.save(tmp_path / "v.zarr"))
    xr.testing.assert_allclose(
        loaded.forecast(4, random_seed=0).predictions.tightness, fc.tightness
    )


def _standardised(values: xr.DataArray) -> tuple[float, float]:
    """Mean and sd of values that should be standard normal."""
    return float(values.mean()), float(values.std())


def test_prior_predictive_walks_the_model_from_its_priors(vacancy_config):
    data = vacancy_panel(2)
    before = data.copy(deep=True)
    model = tf.VacancyModel(vacancy_config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = model.sample_prior_predictive(data, draws=400, random_seed=3)
    xr.testing.assert_identical(data, before)
    assert not model.is_fitted
    prior, rep = tree.prior.to_dataset(), tree.prior_predictive.to_dataset()
    assert sorted(rep.data_vars) == ["hires", "job_seekers", "vacancies"]
    for name in rep.data_vars:
        assert rep[name].dims == ("chain", "draw", "time", "sector")
        xr.testing.assert_equal(rep[name].time, data.time)
        assert list(rep[name].sector.values) == ["IT", "Finance", "Retail", "Health"]
    assert prior.sizes["draw"] == 400
    # Each piece of the prior's generative process, standardised, is standard normal:
    # the first month's trend around the first year's mean log value ...
    first_year = np.log(data[["vacancies", "job_seekers"]]).isel(time=slice(0, 12)).mean("time")
    start = xr.concat([first_year.vacancies, first_year.job_seekers], dim="series")
    start = start.assign_coords(series=["vacancies", "job_seekers"])
    z_start = (prior.trend.isel(time=0) - start) / vacancy_config.priors.start_sd
    # ... the random walk's steps, each draw's innovation sd ...
    z_steps = prior.trend.diff("time") / prior.innovation_sd
    # ... and the observations around the levels, each draw's observation noise.
    z_obs = [
        (np.log(rep[s]) - np.log(prior["level"].sel(series=s))) / prior.observation_sd.sel(series=s)
        for s in ("vacancies", "job_seekers")
    ]
    mu = (
        np.log(prior.matching_efficiency)
        + prior.matching_elasticity * np.log(prior["level"].sel(series="vacancies"))
        + (1 - prior.matching_elasticity) * np.log(prior["level"].sel(series="job_seekers"))
    )
    z_hires = (np.log(rep.hires) - mu) / prior.hires_sd
    for z in (z_start, z_steps, *z_obs, z_hires):
        mean, sd = _standardised(z)
        assert abs(mean) < 0.1
        assert 0.93 < sd < 1.07
    # The seasonal and shock terms are the rest of the log level.
    timing = shock_timing(vacancy_config.shocks, month_numbers(data.time.values))
    profile = xr.DataArray(
        shock_profile(timing, prior.shock_decay.values), dims=("chain", "draw", "shock", "time")
    )
    rest = prior.seasonal.sel(month_of_year=prior.time.dt.month, drop=True) + (
        prior.shock_effect * profile
    ).sum("shock")
    diff = np.log(prior["level"]) - prior.trend
    np.testing.assert_allclose(diff, rest.transpose(*diff.dims), atol=1e-10)
    np.testing.assert_allclose(
        prior.tightness,
        prior["level"].sel(series="vacancies") / prior["level"].sel(series="job_seekers"),
    )
    again = model.sample_prior_predictive(data, draws=400, random_seed=3)
    xr.testing.assert_identical(again.prior_predictive, tree.prior_predictive)


def test_slowing_shocks_in_the_prior_fade_by_their_drawn_decay_and_slowing(vacancy_config):
    data = vacancy_panel(2).drop_vars("hires")
    config = replace(vacancy_config, seasonal=False, shock_fading="slowing")
    prior = tf.VacancyModel(config).sample_prior_predictive(data, draws=400, random_seed=5).prior
    prior = prior.to_dataset()
    assert prior.shock_slowing.dims == ("chain", "draw", "shock")
    # HalfNormal(1): mean sqrt(2 / pi), about 0.8.
    assert abs(float(prior.shock_slowing.mean()) - np.sqrt(2 / np.pi)) < 0.1
    timing = shock_timing(config.shocks, month_numbers(data.time.values))
    profile = shock_profile(timing, prior.shock_decay.values, prior.shock_slowing.values)
    rest = prior.shock_effect * xr.DataArray(profile, dims=("chain", "draw", "shock", "time"))
    diff = np.log(prior["level"]) - prior.trend
    np.testing.assert_allclose(diff, rest.sum("shock").transpose(*diff.dims), atol=1e-10)
    # Slower than geometric where the draws' slowing is large.
    geometric = shock_profile(timing, prior.shock_decay.values)
    assert (profile >= geometric * (1 - 1e-12)).all()
    assert (profile[..., -1] > 2 * geometric[..., -1]).mean() > 0.5


def test_count_scaled_innovations_and_noise_in_the_prior_the_fit_and_a_reload(tmp_path):
    data = vacancy_panel(3).drop_vars("hires")
    # Job seekers fall about fourfold, so their innovations and noise grow as they go.
    fall = xr.DataArray(np.exp(-np.linspace(0.0, 1.4, data.sizes["time"])), dims="time")
    data["job_seekers"] = data.job_seekers * fall
    before = data.copy(deep=True)
    config = tf.VacancyConfig(
        seasonal=False, innovation_count_power=(0.0, 1.0), observation_count_power=(0.0, 1.0)
    )
    model = tf.VacancyModel(config)
    tree = model.sample_prior_predictive(data, draws=400, random_seed=4)
    prior = tree.prior.to_dataset()
    # The month-t step's sd is innovation_sd x (c[T] / c[t]) ** p, c the 12-month mean.
    mean = data.job_seekers.rolling(time=12, min_periods=1).mean()
    weight = xr.concat([xr.ones_like(mean), mean.isel(time=-1) / mean], dim="series").assign_coords(
        series=["vacancies", "job_seekers"]
    )
    assert float(weight.min()) < 0.4
    steps = prior.trend.diff("time", label="lower") / prior.innovation_sd
    mean_z, sd_z = _standardised(steps / weight.isel(time=slice(0, -1)))
    assert abs(mean_z) < 0.1
    assert 0.93 < sd_z < 1.07
    early = steps.sel(series="job_seekers").isel(time=slice(0, 12)).std()
    assert float(early) < 0.6  # unscaled, the early steps would be standard normal too
    fitted = model.fit(data, random_seed=2, **QUICK)
    xr.testing.assert_identical(data, before)
    # The noise around the levels has sd observation_sd x the same weight, in the prior
    # predictive and the posterior predictive alike.
    replicas = [
        (prior, tree.prior_predictive.to_dataset()),
        (
            fitted.posterior_.posterior.to_dataset(),
            fitted.sample_posterior_predictive(random_seed=1).posterior_predictive.to_dataset(),
        ),
    ]
    for draws, rep in replicas:
        noise = xr.concat(
            [np.log(rep[s]) - np.log(draws["level"].sel(series=s)) for s in weight.series.values],
            dim="series",
        )
        mean_z, sd_z = _standardised(noise / (draws.observation_sd * weight))
        assert abs(mean_z) < 0.1
        assert 0.93 < sd_z < 1.07
    fc = fitted.forecast(4, random_seed=0).predictions
    loaded = tf.VacancyModel.load(fitted.save(tmp_path / "v.zarr"))
    assert loaded.config == config
    xr.testing.assert_allclose(loaded.forecast(4, random_seed=0).predictions["level"], fc["level"])


def test_prior_predictive_of_the_integrated_ar1_starts_from_the_stationary_law():
    data = vacancy_panel(3).drop_vars("hires")
    config = tf.VacancyConfig(trend="integrated_ar1", seasonal=False)
    tree = tf.VacancyModel(config).sample_prior_predictive(data, draws=400, random_seed=4)
    prior = tree.prior.to_dataset()
    assert sorted(tree.prior_predictive.data_vars) == ["job_seekers", "vacancies"]
    slope, phi, sd = prior.trend_slope, prior.increment_persistence, prior.innovation_sd
    np.testing.assert_allclose(prior.trend.diff("time"), slope.isel(time=slice(1, None)))
    z_first = slope.isel(time=0) * np.sqrt(1 - phi**2) / sd
    z_steps = (slope - phi * slope.shift(time=1)).isel(time=slice(1, None)) / sd
    for z in (z_first, z_steps):
        mean, spread = _standardised(z)
        assert abs(mean) < 0.1
        assert 0.93 < spread < 1.07


@pytest.mark.slow
def test_backtest_keeps_each_fits_convergence_checks(vacancy_config):
    data = vacancy_panel(4, n_months=51)
    models: list[tf.VacancyModel] = []

    def factory(_):
        models.append(tf.VacancyModel(vacancy_config))
        return models[-1]

    # A 48-month window: the structure of the session's fitted model, so its sampler is reused.
    scores = backtest(
        factory,
        data,
        cutoffs=["2019-12", "2020-02"],
        horizon=3,
        window=48,
        variables=["vacancies", "job_seekers"],
        fit_kwargs=QUICK,
    )
    assert len(models) == 2
    for i, model in enumerate(models):
        d = diagnose(model.posterior_)
        got = scores.isel(cutoff=i)
        assert float(got.max_rhat) == pytest.approx(d.max_rhat)
        assert float(got.min_ess_bulk) == pytest.approx(d.min_ess_bulk)
        assert float(got.min_ess_tail) == pytest.approx(d.min_ess_tail)
        assert float(got.divergences) == d.divergences
    assert scores.min_ess_bulk.dims == ("cutoff",)
    assert set(summarize(scores).data_vars) == {"crps", "abs_error", "covered"}
