import warnings

import numpy as np
import pytest
import xarray as xr

import talentflow as tf
from talentflow.testing import check_model_contract
from tests.conftest import QUICK, returns_panel


@pytest.mark.slow
def test_return_model_meets_the_contract(return_config, tmp_path):
    data = returns_panel(2)
    model = check_model_contract(
        lambda: tf.ReturnModel(return_config),
        data,
        fit_kwargs={"random_seed": 3, **QUICK},
        tmp_path=tmp_path,
        prediction_variable="returns",
    )
    post = model.posterior_.posterior
    assert post.return_hazard.dims == ("chain", "draw", "sector", "months_abroad")
    assert post.stock_abroad.dims == ("chain", "draw", "time", "sector", "destination")
    assert post.expected_returns.dims == ("chain", "draw", "time", "sector")
    assert "destination_effect" not in post  # returns by sector: no destination effects
    assert list(post.cohort_group.values) == ["wave", "other"]
    np.testing.assert_allclose(
        post.stock_abroad_by_cohort.sum("cohort_group"), post.stock_abroad.sum("destination")
    )
    xr.testing.assert_identical(model.posterior_.observed_data.returns, data.returns)


@pytest.mark.slow
def test_returns_by_destination_estimate_destination_effects(return_config):
    model = tf.ReturnModel(return_config).fit(
        returns_panel(3, by_destination=True), random_seed=2, **QUICK
    )
    post = model.posterior_.posterior
    assert post.return_hazard.dims == ("chain", "draw", "sector", "destination", "months_abroad")
    np.testing.assert_allclose(post.destination_effect.sum("destination"), 0.0, atol=1e-9)
    assert float(post.return_hazard.min()) > 0.0
    assert float(post.return_hazard.max()) < 1.0


@pytest.mark.slow
def test_refit_reuses_the_compiled_sampler(return_config, return_fitted):
    before = tf.sampling.cache_stats()
    other = returns_panel(4).assign_coords(sector=["A", "B", "C"])
    model = tf.ReturnModel(return_config).fit(other, random_seed=1, **QUICK)
    after = tf.sampling.cache_stats()
    assert (after.compiles, after.builds, after.hits) == (
        before.compiles,
        before.builds,
        before.hits + 1,
    )
    assert list(model.posterior_.posterior.sector.values) == ["A", "B", "C"]


@pytest.mark.slow
def test_same_seed_same_posterior(return_config, return_fitted):
    again = tf.ReturnModel(return_config).fit(returns_panel(1), random_seed=6, **QUICK)
    xr.testing.assert_equal(
        again.posterior_.posterior.to_dataset(), return_fitted.posterior_.posterior.to_dataset()
    )


@pytest.mark.slow
def test_summary_lists_the_hazard_parameters(return_fitted):
    table = return_fitted.summary()
    rows = list(table.index)
    assert "hazard_level" in rows
    assert "wave_effect[wave]" in rows
    assert not any(r.startswith(("return_hazard", "stock_abroad", "departures")) for r in rows)
    assert list(return_fitted.summary(var_names=["hazard_shape"], ci_prob=0.8).index) == [
        "hazard_shape"
    ]


@pytest.mark.slow
def test_short_chains_warn_about_convergence(return_config, return_fitted):
    with pytest.warns(tf.ConvergenceWarning, match="R-hat|ESS"):
        tf.ReturnModel(return_config).fit(
            returns_panel(1), random_seed=2, draws=20, tune=20, chains=2
        )


@pytest.mark.slow
def test_posterior_predictive_replicates_the_observed_returns(return_fitted):
    before = return_fitted.posterior_.copy(deep=True)
    ppc = return_fitted.sample_posterior_predictive(random_seed=4)
    rep = ppc.posterior_predictive.returns
    observed = ppc.observed_data.returns
    xr.testing.assert_identical(observed, return_fitted.posterior_.observed_data.returns)
    assert rep.dims == ("chain", "draw", "time", "sector")
    xr.testing.assert_equal(rep.time, observed.time)
    xr.testing.assert_equal(rep.sector, observed.sector)
    assert (rep >= 0).all()
    assert (rep == np.round(rep)).all()
    # Negative-binomial counts around each draw's expected returns mu, variance
    # mu + (phi mu)^2: over draws, the replicates' mean is mu's, and their variance is
    # mu's variance plus the mean count variance (law of total variance).
    post = return_fitted.posterior_.posterior
    mu, phi = post.expected_returns, post.overdispersion
    sample = ("chain", "draw")
    np.testing.assert_allclose(rep.mean(), mu.mean(), rtol=0.03)
    total_variance = mu.var(sample) + (mu + (phi * mu) ** 2).mean(sample)
    np.testing.assert_allclose(rep.var(sample).sum(), total_variance.sum(), rtol=0.04)
    again = return_fitted.sample_posterior_predictive(random_seed=4)
    xr.testing.assert_identical(again.posterior_predictive, ppc.posterior_predictive)
    xr.testing.assert_identical(return_fitted.posterior_, before)


def test_prior_predictive_runs_the_cohorts_with_prior_hazards(return_config):
    data = returns_panel(2)
    before = data.copy(deep=True)
    model = tf.ReturnModel(return_config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = model.sample_prior_predictive(data, draws=400, random_seed=5)
    xr.testing.assert_identical(data, before)
    assert not model.is_fitted
    prior, rep = tree.prior.to_dataset(), tree.prior_predictive.returns
    assert rep.dims == ("chain", "draw", "time", "sector")
    xr.testing.assert_equal(rep.time, data.time)
    assert (rep >= 0).all()
    assert (rep == np.round(rep)).all()
    assert prior.return_hazard.dims == ("chain", "draw", "sector", "months_abroad")
    # The hazard level is drawn from its prior ...
    level = return_config.priors.hazard_level
    assert abs(float(prior.hazard_level.mean()) - level.mu) < 0.15 * level.sigma
    assert abs(float(prior.hazard_level.std()) / level.sigma - 1) < 0.1
    # ... and the counts are negative binomial around each draw's expected returns,
    # which run the data's departures: none return before anyone left.
    mu, phi = prior.expected_returns, prior.overdispersion
    assert float(mu.isel(time=0).max()) == 0.0
    sample = ("chain", "draw")
    np.testing.assert_allclose(rep.mean(), mu.mean(), rtol=0.05)
    total_variance = mu.var(sample) + (mu + (phi * mu) ** 2).mean(sample)
    np.testing.assert_allclose(rep.var(sample).sum(), total_variance.sum(), rtol=0.1)
    again = model.sample_prior_predictive(data, draws=400, random_seed=5)
    xr.testing.assert_identical(again.prior_predictive, tree.prior_predictive)
