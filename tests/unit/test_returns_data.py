"""The return-model data contract: every problem named, nothing modified."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import talentflow as tf
from talentflow.data import returns_problems, validate_returns


@pytest.fixture(scope="module")
def returns_data():
    data, _ = tf.datasets.simulate_returns(
        sectors=["IT", "Finance"],
        destinations=["Georgia", "EU"],
        n_months=12,
        hazard_level=0.0,
        random_seed=4,
    )
    return data


def _one(data, **kwargs):
    with pytest.raises(tf.DataError) as err:
        validate_returns(data, **kwargs)
    return err.value.problems


def test_valid_data_passes_and_nothing_is_changed(returns_data):
    before = returns_data.copy(deep=True)
    assert validate_returns(returns_data) is returns_data
    xr.testing.assert_identical(returns_data, before)


@pytest.mark.parametrize(
    ("value", "rule"),
    [(-1.0, "counts >= 0"), (1.5, "whole numbers"), (np.inf, "finite")],
)
def test_bad_return_counts_name_variable_and_rule(returns_data, value, rule):
    values = returns_data.returns.values.copy()
    values[5, 1, 0] = value
    problems = _one(returns_data.assign(returns=(returns_data.returns.dims, values)))
    assert any(p.startswith("returns:") and rule in p for p in problems), problems


def test_returns_before_any_departure(returns_data):
    outflow = returns_data.outflow.copy()
    outflow[:4] = 0.0
    returns = returns_data.returns.copy()
    returns[2, 0, 0] = 3.0
    problems = _one(returns_data.assign(outflow=outflow, returns=returns))
    assert any("returns before any departure" in p and "2021-03" in p for p in problems)


def test_more_returns_than_people_abroad(returns_data):
    returns = returns_data.returns.copy()
    returns[-1, 1, 1] = returns_data.outflow[:, 1, 1].sum() + 1
    problems = _one(returns_data.assign(returns=returns))
    assert any(
        "more returns than people still abroad" in p and "sector='Finance'" in p for p in problems
    ), problems


def test_sector_totals_are_checked_against_all_destinations(returns_data):
    totals = returns_data.returns.sum("destination")
    validate_returns(returns_data.assign(returns=totals))
    totals = totals.copy()
    totals[-1, 0] = returns_data.outflow.sel(sector="IT").sum() + 1
    assert any("more returns" in p for p in _one(returns_data.assign(returns=totals)))


def test_gaps_in_departures_point_to_the_outflow_model(returns_data):
    outflow = returns_data.outflow.copy()
    outflow[3, 0, 1] = np.nan
    problems = _one(returns_data.assign(outflow=outflow))
    assert any("outflow: not observed" in p and "OutflowModel" in p for p in problems)


def test_missing_unknown_and_misshapen_variables(returns_data):
    problems = _one(returns_data.drop_vars("returns").assign(retruns=returns_data.returns))
    assert any(p.startswith("retruns: unknown variable") for p in problems)
    assert any(p.startswith("returns: missing required variable") for p in problems)
    problems = _one(returns_data.drop_vars("outflow"))
    assert any(p.startswith("outflow: missing required variable") for p in problems)
    problems = _one(returns_data.assign(returns=returns_data.returns.isel(time=0)))
    assert any("returns: dims" in p for p in problems)


def test_every_sector_needs_a_return_observation(returns_data):
    returns = returns_data.returns.copy()
    returns[:, 1] = np.nan
    problems = _one(returns_data.assign(returns=returns))
    assert any("['Finance'] have no observation" in p for p in problems)


def test_time_rules_and_not_a_dataset(returns_data):
    time = returns_data.time.values.copy()
    time[-1] = time[0]
    problems = _one(returns_data.assign_coords(time=time))
    assert any(p.startswith("time: duplicate labels") for p in problems), problems
    assert returns_problems([1, 2]) == ["data: expected an xarray.Dataset, got list"]


def test_departures_from_a_model_must_match_the_returns(returns_data):
    departures = returns_data.outflow
    only_returns = returns_data.drop_vars("outflow")
    assert validate_returns(only_returns, departures=departures) is only_returns
    problems = _one(returns_data, departures=departures)
    assert any("given in the data and by an OutflowModel" in p for p in problems)
    shifted = departures.assign_coords(time=departures.time.values + np.timedelta64(400, "D"))
    problems = _one(only_returns, departures=shifted)
    assert any(p.startswith("time: the returns' months differ") for p in problems)


def test_returns_from_tidy_frames(returns_data):
    frames = returns_data.to_dataframe().reset_index()
    back = frames[["time", "sector", "destination", "returns"]]
    left = frames[["time", "sector", "destination", "outflow"]]
    ds = tf.data.returns_from_frames(back, outflow=left)
    xr.testing.assert_equal(ds.returns, returns_data.returns)
    totals = returns_data.returns.sum("destination").to_dataframe().reset_index()
    only = tf.data.returns_from_frames(totals)
    assert only.returns.dims == ("time", "sector")
    with pytest.raises(tf.DataError, match=r"returns: missing column\(s\) \['returns'\]"):
        tf.data.returns_from_frames(totals.rename(columns={"returns": "back"}))
    doubled = pd.concat([back, back.iloc[:1]])
    with pytest.raises(tf.DataError, match="duplicate row"):
        tf.data.returns_from_frames(doubled, outflow=left)


def test_a_wave_needs_a_departure_month_of_its_own_in_the_data(returns_data):
    early = tf.Shock(name="early", start="2020-11")  # its third month is the data's first
    tf.ReturnModel(tf.ReturnConfig(waves=(early,))).sample_prior_predictive(
        returns_data, draws=5, random_seed=0
    )
    waves = (tf.Shock(name="late", start="2035-01"), early, tf.Shock(name="b", start="2021-01"))
    model = tf.ReturnModel(tf.ReturnConfig(waves=waves))
    with pytest.raises(tf.DataError) as err:
        model.fit(returns_data, random_seed=0)
    # The later wave "b" takes the one month "early" had: both are named.
    assert [p.split(":")[0] for p in err.value.problems] == ["wave 'late'", "wave 'early'"]
    assert "(rule: a wave's cohorts depart within the data)" in err.value.problems[0]
