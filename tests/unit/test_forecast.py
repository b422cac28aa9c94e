import numpy as np
import pandas as pd
import pytest
import xarray as xr

import talentflow as tf


def test_forecast_labels_and_totals(fitted):
    fc = fitted.forecast(4, random_seed=1)
    pred = fc.predictions
    assert pd.DatetimeIndex(pred.time.values).strftime("%Y-%m").tolist() == [
        "2022-07",
        "2022-08",
        "2022-09",
        "2022-10",
    ]
    xr.testing.assert_equal(pred.outflow_total, pred.outflow.sum("destination"))
    assert (pred.outflow >= 0).all()
    assert (pred.outflow == np.round(pred.outflow)).all()
    wf = fc.predictions_constant_data.workforce
    np.testing.assert_array_equal(wf.isel(time=0).values, [200_000.0, 150_000.0, 50_000.0])


def test_scenario_shock_raises_outflow_only_from_its_month(fitted):
    shock = tf.Shock(name="wave 2", start="2022-09", effect=1.0, decay=0.5, sectors=("IT",))
    base = fitted.forecast(4, random_seed=1).predictions.expected_outflow
    hit = fitted.forecast(
        4, scenario=tf.Scenario(shocks=(shock,)), random_seed=1
    ).predictions.expected_outflow
    ratio = (hit / base).mean(("chain", "draw", "destination"))
    np.testing.assert_allclose(ratio.sel(sector="IT").values, [1, 1, np.e, np.exp(0.5)], rtol=1e-6)
    np.testing.assert_allclose(ratio.sel(sector=["Finance", "Media"]).values, 1.0)


def test_scenario_shock_with_a_peak_builds_up_then_decays(fitted):
    shock = tf.Shock(name="slow", start="2022-08", peak="2022-09", effect=1.0, decay=0.5)
    base = fitted.forecast(5, random_seed=1).predictions.outflow_rate
    hit = fitted.forecast(5, scenario=tf.Scenario(shocks=(shock,)), random_seed=1)
    log_ratio = np.log(hit.predictions.outflow_rate / base).mean(("chain", "draw", "sector"))
    np.testing.assert_allclose(log_ratio, [0.0, 0.5, 1.0, 0.5, 0.25], rtol=1e-8)


def test_like_and_pooled_shocks(fitted):
    like = tf.Scenario(shocks=(tf.Shock(name="again", start="2022-07", like="wave"),))
    pooled = tf.Scenario(shocks=(tf.Shock(name="new", start="2022-07"),))
    base = fitted.forecast(2, random_seed=1).predictions.outflow_rate.isel(time=0)
    again = fitted.forecast(2, scenario=like, random_seed=1).predictions.outflow_rate.isel(time=0)
    effect = fitted.posterior_.posterior.shock_effect.sel(shock="wave", drop=True)
    np.testing.assert_allclose(np.log(again / base), effect, rtol=1e-8)
    new = fitted.forecast(2, scenario=pooled, random_seed=1).predictions.outflow_rate
    assert float((new.isel(time=0) / base).median()) > 1.5


def test_workforce_and_destination_scenarios(fitted):
    wf = xr.DataArray([400_000.0], dims="sector", coords={"sector": ["IT"]})
    closed = tf.Scenario(workforce=wf, destination_weights={"Georgia": 0.0})
    base = fitted.forecast(2, random_seed=1).predictions
    alt = fitted.forecast(2, scenario=closed, random_seed=1).predictions
    assert float(alt.outflow.sel(destination="Georgia").max()) == 0.0
    ratio = alt.expected_outflow.sum("destination") / base.expected_outflow.sum("destination")
    np.testing.assert_allclose(ratio.sel(sector="IT"), 2.0)
    np.testing.assert_allclose(ratio.sel(sector="Media"), 1.0)


def test_scenario_errors_name_the_problem(fitted):
    future_wf = xr.DataArray([1.0, -1.0], dims="sector", coords={"sector": ["IT", "Mining"]})
    scenario = tf.Scenario(
        shocks=(
            tf.Shock(name="x", start="2030-01", sectors=("Fishing",)),
            tf.Shock(name="wave", start="2022-08", like="nope"),
        ),
        workforce=future_wf,
        destination_weights={"Mars": 1.0},
    )
    with pytest.raises(tf.DataError) as info:
        fitted.forecast(3, scenario=scenario, random_seed=0)
    text = str(info.value)
    for part in (
        "outside the forecast months",
        "unknown sector(s) ['Fishing']",
        "name already used",
        "like='nope' is not a fitted shock",
        "scenario workforce: unknown sector(s) ['Mining']",
        "scenario workforce: zero, negative",
        "unknown destination(s) ['Mars']",
    ):
        assert part in text


def test_horizon_must_be_positive(fitted):
    with pytest.raises(tf.ConfigError, match="horizon"):
        fitted.forecast(0, random_seed=1)


def test_forecast_does_not_touch_the_fit(fitted):
    before = fitted.posterior_.posterior.to_dataset().copy(deep=True)
    fitted.forecast(2, random_seed=3)
    xr.testing.assert_identical(fitted.posterior_.posterior.to_dataset(), before)


def test_not_fitted_errors():
    model = tf.OutflowModel()
    with pytest.raises(tf.NotFittedError, match="call fit"):
        model.forecast(3, random_seed=1)
    assert not model.is_fitted
    assert "not fitted" in repr(model)


def test_scenario_shocks_take_a_fitted_shocks_decay_and_slowing_together():
    from talentflow.forecast.scenario import shock_draws

    rng = np.random.default_rng(0)
    n = 400
    cell = ("series", "sector")
    post = xr.Dataset(
        {
            "shock_effect": (("chain", "draw", "shock", *cell), rng.normal(size=(1, n, 2, 2, 3))),
            "shock_decay": (("chain", "draw", "shock"), rng.uniform(0.1, 0.5, size=(1, n, 2))),
            "shock_slowing": (("chain", "draw", "shock"), rng.uniform(0.5, 2.0, size=(1, n, 2))),
            "shock_mean": (("chain", "draw", "shock", "series"), rng.normal(size=(1, n, 2, 2))),
            "shock_sector_sd": (("chain", "draw"), np.full((1, n), 0.1)),
        },
        coords={"shock": ["a", "b"], "series": ["vacancies", "job_seekers"], "sector": list("xyz")},
    )
    fitted = (tf.Shock(name="a", start="2020-01"), tf.Shock(name="b", start="2021-01"))
    scenario = tf.Scenario(
        shocks=(
            tf.Shock(name="like_b", start="2030-01", like="b"),
            tf.Shock(name="own", start="2030-01", effect=0.2, decay=0.3),
            tf.Shock(name="sized", start="2030-01", effect=0.2),
            tf.Shock(name="pooled", start="2030-01"),
        )
    )
    prior = tf.VacancyPriors().shock_decay
    effect, decay, slowing = shock_draws(post, fitted, scenario, cell, prior, rng)
    assert effect.shape == (1, n, 6, 2, 3)
    assert slowing is not None
    fit_decay, fit_slowing = post.shock_decay.values, post.shock_slowing.values
    np.testing.assert_array_equal(decay[..., :2], fit_decay)
    np.testing.assert_array_equal(slowing[..., :2], fit_slowing)
    np.testing.assert_array_equal(decay[..., 2], fit_decay[..., 1])
    np.testing.assert_array_equal(slowing[..., 2], fit_slowing[..., 1])
    np.testing.assert_array_equal(effect[:, :, 2], post.shock_effect.values[:, :, 1])
    # Its own decay: geometric.
    np.testing.assert_array_equal(decay[..., 3], 0.3)
    np.testing.assert_array_equal(slowing[..., 3], 0.0)
    # A drawn fading is one fitted shock's pair in each draw, both shocks in some.
    for k in (4, 5):
        from_a = (decay[..., k] == fit_decay[..., 0]) & (slowing[..., k] == fit_slowing[..., 0])
        from_b = (decay[..., k] == fit_decay[..., 1]) & (slowing[..., k] == fit_slowing[..., 1])
        assert (from_a | from_b).all()
        assert 0.3 < from_a.mean() < 0.7
    # A geometric fit has no slowing.
    _, geometric_decay, none = shock_draws(
        post.drop_vars("shock_slowing"), fitted, scenario, cell, prior, rng
    )
    assert none is None
    np.testing.assert_array_equal(geometric_decay[..., 3], 0.3)
    # Without fitted shocks, a sized shock's decay comes from the prior.
    sized = tf.Scenario(shocks=scenario.shocks[1:3])
    no_shocks = post.drop_vars("shock_slowing")
    effect, decay, none = shock_draws(no_shocks, (), sized, cell, prior, rng)
    assert effect.shape == (1, n, 2, 2, 3)
    assert none is None
    np.testing.assert_array_equal(decay[..., 0], 0.3)
    assert 0.15 < decay[..., 1].mean() < 0.45  # Beta(2, 5): mean 0.29
