"""FRED-format loading: a synthetic folder always, the shared JOLTS/CPS files when present."""

import numpy as np
import pytest

import talentflow as tf
from tests.conftest import SHARED_DATA

JOLTS = SHARED_DATA / "us_jolts_cps" / "fred"


def _write(folder, name, rows):
    (folder / name).write_text("date,value\n" + "".join(f"{d},{v}\n" for d, v in rows))


def test_series_of_one_cell_are_added_and_gaps_stay_missing(tmp_path):
    _write(tmp_path, "fred_A.csv", [("2020-01-01", 5), ("2020-02-01", 6), ("2020-03-01", 7)])
    _write(tmp_path, "B.csv", [("2020-01-01", 1), ("2020-02-01", "."), ("2020-03-01", 2)])
    _write(tmp_path, "fred_C.csv", [("2020-02-01", 9.5)])
    ds = tf.datasets.load_fred_series(
        tmp_path, {"A": ("vacancies", "IT"), "B": ("vacancies", "IT"), "C": ("hires", "Law")}
    )
    assert list(ds.sector.values) == ["IT", "Law"]
    np.testing.assert_array_equal(ds.vacancies.sel(sector="IT"), [6.0, np.nan, 9.0])
    np.testing.assert_array_equal(ds.hires.sel(sector="Law"), [np.nan, 9.5, np.nan])
    assert ds.vacancies.isel(sector=1).isnull().all()
    assert ds.vacancies.attrs["source_series"] == "IT: A + B"


def test_missing_files_and_bad_columns_are_data_errors(tmp_path):
    with pytest.raises(tf.DataError, match=r"no file fred_X\.csv"):
        tf.datasets.load_fred_series(tmp_path, {"X": ("vacancies", "IT")})
    (tmp_path / "fred_Y.csv").write_text("when,amount\n2020-01-01,1\n")
    with pytest.raises(tf.DataError, match="columns must be date,value"):
        tf.datasets.load_fred_series(tmp_path, {"Y": ("vacancies", "IT")})
    with pytest.raises(tf.DataError, match="not a folder"):
        tf.datasets.load_fred_series(tmp_path / "nowhere", {"Y": ("vacancies", "IT")})


@pytest.mark.skipif(not JOLTS.is_dir(), reason="shared JOLTS/CPS data folder not present")
def test_the_us_jolts_cps_panel():
    ds = tf.datasets.load_us_jolts_cps(JOLTS)
    assert dict(ds.sizes) == {"time": 300, "sector": 9}
    assert set(ds.data_vars) == {"vacancies", "job_seekers", "hires"}
    assert str(ds.time.values[0])[:7] == "2001-01"
    # The CPS files have no 2025-10 row: a gap in every sector, nothing else missing.
    gaps = ds.job_seekers.isnull()
    assert int(gaps.sum()) == 9
    assert bool(gaps.sel(time="2025-10").all())
    assert int(ds.vacancies.isnull().sum()) == 0
    trade = "Trade, transport & utilities"
    assert "LNU03032235 + LNU03032236" in ds.job_seekers.attrs["source_series"]
    assert float(ds.job_seekers.sel(sector=trade).isel(time=0)) > float(
        ds.job_seekers.sel(sector="Information").isel(time=0)
    )
