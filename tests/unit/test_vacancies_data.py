"""The vacancy / job-seeker data contract."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import talentflow as tf
from talentflow.data import validate_vacancies
from tests.conftest import SHARED_DATA


@pytest.fixture
def market():
    t = pd.date_range("2019-01-01", periods=24, freq="MS")
    rng = np.random.default_rng(0)
    grid = (("time", "sector"), rng.uniform(50.0, 500.0, size=(24, 2)))
    return xr.Dataset(
        {"vacancies": grid, "job_seekers": grid, "hires": grid},
        coords={"time": t, "sector": ["IT", "Finance"]},
    )


def _problems(data):
    with pytest.raises(tf.DataError) as err:
        validate_vacancies(data)
    return err.value.problems


def test_valid_market_passes_untouched_with_gaps_and_fractions(market):
    data = market.copy(deep=True)
    data["vacancies"][3, 0] = np.nan
    data["hires"][:, 1] = np.nan  # hires are optional, even a whole sector of them
    before = data.copy(deep=True)
    assert validate_vacancies(data) is data
    xr.testing.assert_identical(data, before)
    assert validate_vacancies(market.drop_vars("hires")) is not None


@pytest.mark.parametrize("value", [0.0, -5.0, np.inf])
def test_non_positive_values_name_variable_cell_and_rule(market, value):
    data = market.copy(deep=True)
    data["job_seekers"][5, 1] = value
    problems = _problems(data)
    assert any(
        p.startswith("job_seekers:") and "sector='Finance'" in p and "finite and > 0" in p
        for p in problems
    ), problems


def test_every_problem_at_once(market):
    data = market.drop_vars("job_seekers").assign(vacancy=market.vacancies)
    data["vacancies"] = data.vacancies.astype(str)
    data["vacancies"] = market.vacancies.isel(sector=0)
    problems = _problems(data)
    assert any(p.startswith("job_seekers: missing required variable") for p in problems)
    assert any(p.startswith("vacancy: unknown variable") for p in problems)
    assert any(p.startswith("vacancies: dims") for p in problems)


def test_sector_never_observed_and_time_rules(market):
    data = market.copy(deep=True)
    data["vacancies"][:, 0] = np.nan
    assert any("['IT'] have no observation" in p for p in _problems(data))
    time = market.time.values.copy()
    time[5] = time[4]
    assert any(p.startswith("time:") for p in _problems(market.assign_coords(time=time)))


@pytest.mark.skipif(
    not (SHARED_DATA / "us_jolts_cps" / "fred").is_dir(), reason="shared data folder absent"
)
def test_the_jolts_panel_is_valid_input():
    validate_vacancies(tf.datasets.load_us_jolts_cps(SHARED_DATA / "us_jolts_cps" / "fred"))


def test_the_job_board_example_is_valid_calibrated_input():
    data = tf.datasets.load_job_board_2022()
    validate_vacancies(data)
    assert data.attrs["simulated"] == "yes"
    assert "hires" not in data
    march = data.vacancies.sel(sector="IT", time="2022-03-01").item()
    assert march == pytest.approx(95_000.0)
    xr.testing.assert_identical(data, tf.datasets.load_job_board_2022())


def test_simulated_start_levels_per_series_and_sector():
    start = np.array([[100.0, 200.0, 300.0], [1000.0, 2000.0, 3000.0]])
    _, truth = tf.datasets.simulate_vacancies(
        sectors=3, n_months=12, start_level=start, random_seed=0
    )
    np.testing.assert_allclose(truth.trend.isel(time=0).values, np.log(start))
    _, per_series = tf.datasets.simulate_vacancies(
        sectors=3, n_months=12, start_level=(100.0, 1000.0), random_seed=0
    )
    np.testing.assert_allclose(
        per_series.trend.isel(time=0).values, np.log([[100.0] * 3, [1000.0] * 3])
    )
