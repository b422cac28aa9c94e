"""Return forecasts, the outflow coupling and the share-back helper."""

import numpy as np
import pytest
import xarray as xr

import talentflow as tf
from tests.conftest import QUICK


@pytest.mark.slow
def test_forecast_labels_and_accounting(return_fitted):
    fc = return_fitted.forecast(6, random_seed=1)
    pred = fc.predictions
    assert pred.returns.dims == ("chain", "draw", "time", "sector")
    assert pred.stock_abroad.dims[-3:] == ("time", "sector", "destination")
    last = return_fitted.posterior_.posterior.time.values[-1]
    assert pred.time.values[0] > last
    # Net outflow is departures minus returns, on the returns' dims.
    np.testing.assert_allclose(pred.net_outflow, pred.departures.sum("destination") - pred.returns)
    # Stock abroad moves by expected departures minus expected returns, month to month.
    stock = pred.stock_abroad.sum("destination")
    change = stock.diff("time")
    flow = (pred.departures.sum("destination") - pred.expected_returns).isel(time=slice(1, None))
    np.testing.assert_allclose(change, flow, rtol=1e-8, atol=1e-6)
    assert fc.attrs["departures"] == "held at the last 12 months' mean"


@pytest.mark.slow
def test_a_given_departure_path_is_used(return_fitted):
    post = return_fitted.posterior_.posterior
    path = xr.DataArray(
        np.full((3, 3), 500.0),
        dims=("sector", "destination"),
        coords={"sector": post.sector.values, "destination": post.destination.values},
    )
    fc = return_fitted.forecast(4, departures=path, random_seed=2)
    assert (fc.predictions.departures == 500.0).all()
    low = return_fitted.forecast(4, departures=path * 0.0, random_seed=2)
    assert float(fc.predictions.stock_abroad.isel(time=-1).mean()) > float(
        low.predictions.stock_abroad.isel(time=-1).mean()
    )
    with pytest.raises(tf.DataError, match="departures: 2 months for a horizon of 4"):
        return_fitted.forecast(4, departures=path.expand_dims(time=2), random_seed=2)
    with pytest.raises(tf.DataError, match="finite and >= 0"):
        return_fitted.forecast(4, departures=-path, random_seed=2)


@pytest.mark.slow
def test_scenarios_need_an_outflow_model(return_fitted):
    shock = tf.Shock(name="again", start="2022-08", like="wave")
    with pytest.raises(tf.ConfigError, match="needs outflow_model"):
        return_fitted.forecast(3, scenario=tf.Scenario(shocks=(shock,)), random_seed=1)
    with pytest.raises(tf.ConfigError, match="horizon"):
        return_fitted.forecast(0, random_seed=1)


@pytest.mark.slow
def test_coupled_fit_carries_departure_uncertainty(coupled, panel):
    post = coupled.posterior_.posterior
    departures = post.departures
    observed = panel.outflow.notnull()
    # Observed cells are the data in every draw; the gaps vary from draw to draw.
    spread = departures.std(("chain", "draw"))
    assert float(spread.where(observed).max()) == 0.0
    assert float(spread.where(~observed).min()) > 0.0
    np.testing.assert_array_equal(
        departures.isel(chain=0, draw=0).where(observed), panel.outflow.where(observed)
    )
    assert post.departures_draw.dims == ("chain", "draw")
    assert post.attrs["outflow_draws"] == 300  # forecasts continue the paired outflow draws
    last_stock = post.stock_abroad.isel(time=-1).sum(("sector", "destination"))
    assert float(last_stock.std(("chain", "draw"))) > 0


@pytest.mark.slow
def test_prior_predictive_on_an_outflow_models_departures(coupled, fitted):
    """Without ``outflow`` in the data, the prior runs on the outflow model's departures."""
    returns_only = coupled.posterior_.observed_data.to_dataset()
    before = returns_only.copy(deep=True)
    with pytest.raises(tf.DataError, match="outflow"):
        coupled.sample_prior_predictive(returns_only, draws=10, random_seed=1)
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    with pytest.raises(tf.ConfigError, match="draws must be a positive integer"):
        coupled.sample_prior_predictive(
            returns_only, outflow_model=fitted, draws=0, random_seed=rng
        )
    assert rng.bit_generator.state == state  # refused before any departures were drawn
    prior = coupled.sample_prior_predictive(
        returns_only, outflow_model=fitted, draws=200, random_seed=1
    )
    xr.testing.assert_identical(returns_only, before)
    draws = prior.prior.departures
    # Each prior draw is paired with one posterior draw of departures: the gaps vary.
    assert float(draws.std(("chain", "draw")).max()) > 0.0
    cells = ("time", "sector", "destination")
    expected = prior.prior.expected_returns.sum(cells)
    replicas = prior.prior_predictive.returns.sum(cells)
    # Departures differ from draw to draw, so does the flow back; replicates follow it.
    assert float(xr.corr(expected, replicas, dim="draw").squeeze()) > 0.9
    again = coupled.sample_prior_predictive(
        returns_only, outflow_model=fitted, draws=200, random_seed=1
    )
    xr.testing.assert_identical(again.prior_predictive, prior.prior_predictive)


@pytest.mark.slow
def test_a_second_wave_raises_departures_now_and_returns_later(coupled, fitted):
    base = coupled.forecast(12, outflow_model=fitted, random_seed=4)
    again = tf.Shock(name="again", start="2022-08", like="wave")
    wave2 = coupled.forecast(
        12, outflow_model=fitted, scenario=tf.Scenario(shocks=(again,)), random_seed=4
    )
    b, w = base.predictions, wave2.predictions
    assert float(w.departures.sel(time="2022-08").mean()) > float(
        b.departures.sel(time="2022-08").mean()
    )
    late = slice("2022-10", None)
    assert float(w.expected_returns.sel(time=late).mean()) > float(
        b.expected_returns.sel(time=late).mean()
    )
    assert base.attrs["departures"] == "outflow_model"
    with pytest.raises(tf.ConfigError, match="fitted OutflowModel"):
        coupled.forecast(3, outflow_model="model", random_seed=1)


@pytest.mark.slow
def test_coupled_model_round_trips_and_forecasts_identically(coupled, fitted, tmp_path):
    loaded = tf.ReturnModel.load(coupled.save(tmp_path / "coupled.zarr"))
    a = coupled.forecast(3, outflow_model=fitted, random_seed=9).predictions
    b = loaded.forecast(3, outflow_model=fitted, random_seed=9).predictions
    xr.testing.assert_allclose(a.returns, b.returns)


@pytest.mark.slow
def test_outflow_model_must_be_fitted_and_of_the_right_kind(return_config, panel):
    data, _ = tf.datasets.simulate_returns(departures=panel.outflow.fillna(0.0), random_seed=1)
    with pytest.raises(tf.ConfigError, match="fitted OutflowModel"):
        tf.ReturnModel(return_config).fit(data, outflow_model="no", random_seed=1)
    with pytest.raises(tf.NotFittedError):
        tf.ReturnModel(return_config).fit(
            data.drop_vars("outflow"), outflow_model=tf.OutflowModel(), random_seed=1
        )


@pytest.mark.slow
def test_share_back_grows_with_time_abroad(return_fitted):
    back = return_fitted.share_back("wave", months=(3, 6, 12, 24), ci_prob=0.8)
    total = back.share_back_total
    median = total.sel(summary="median").values
    assert np.all(np.diff(median) > 0)
    assert median[0] > 0
    assert median[-1] < 1
    assert (total.sel(summary="lower") <= total.sel(summary="median")).all()
    assert (back.share_back.sel(summary="upper") >= back.share_back.sel(summary="median")).all()
    assert back.attrs == {"wave": "wave", "ci_prob": 0.8}
    with pytest.raises(tf.ConfigError, match="not one of the model's waves"):
        return_fitted.share_back("invasion")
    with pytest.raises(tf.ConfigError, match="months"):
        return_fitted.share_back("wave", months=(0,))


@pytest.mark.slow
def test_coupled_fit_aligns_labels_by_name(fitted, return_config, panel):
    data, _ = tf.datasets.simulate_returns(
        departures=panel.outflow.fillna(0.0), by_destination=True, random_seed=2
    )
    shuffled = data.drop_vars("outflow").isel(destination=[2, 0, 1], sector=[1, 2, 0])
    model = tf.ReturnModel(return_config).fit(
        shuffled, outflow_model=fitted, random_seed=1, **QUICK
    )
    used = model.posterior_.constant_data.departures
    assert list(used.destination.values) == list(shuffled.destination.values)
    seen = panel.outflow.notnull()
    xr.testing.assert_equal(
        used.where(seen.reindex_like(used)).dropna("time", how="all"),
        panel.outflow.where(seen).reindex_like(used).dropna("time", how="all"),
    )
    paired = model.posterior_.posterior.departures.isel(chain=0, draw=0, drop=True)
    xr.testing.assert_equal(paired.where(seen), panel.outflow.where(seen).reindex_like(paired))
