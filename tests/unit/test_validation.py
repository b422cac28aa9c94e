import numpy as np
import pandas as pd
import pytest
import xarray as xr

import talentflow as tf
from talentflow.data import outflow_from_frames, outflow_to_frames, validate_outflow


def problems_of(ds: object) -> tuple[str, ...]:
    with pytest.raises(tf.DataError) as info:
        validate_outflow(ds)
    return info.value.problems


def test_valid_panel_passes_and_is_returned(panel):
    assert validate_outflow(panel) is panel


def test_data_error_is_value_error():
    assert issubclass(tf.DataError, ValueError)


def test_not_a_dataset():
    assert problems_of(np.zeros(3)) == ("data: expected an xarray.Dataset, got ndarray",)


@pytest.mark.parametrize(
    ("value", "rule"),
    [(-1.0, "counts >= 0"), (1.5, "whole numbers"), (np.inf, "finite")],
)
def test_bad_counts_name_variable_coordinate_and_rule(panel, value, rule):
    bad = panel.copy(deep=True)
    bad["outflow"][2, 1, 0] = value
    (problem,) = problems_of(bad)
    assert problem.startswith("outflow:")
    assert "sector='Finance'" in problem
    assert "destination='Georgia'" in problem
    assert "time=2021-03" in problem
    assert rule in problem


def test_every_problem_is_listed_at_once(panel):
    bad = panel.copy(deep=True)
    bad["outflow"][0, 0, 0] = -2
    bad["outflow"][1, 0, 0] = 0.5
    bad["workforce"][1] = 0.0
    bad = bad.assign_coords(time=bad.time.values[[0, 2, 1, *range(3, 18)]])
    problems = problems_of(bad)
    joined = "\n".join(problems)
    for text in ("negative count", "fractional count", "workforce: zero", "time: time stamps"):
        assert text in joined
    assert len(problems) >= 4


def test_missing_and_unknown_variables(panel):
    problems = problems_of(panel.drop_vars("workforce").rename(outflow="outflows"))
    assert "outflow: missing required variable (rule: required)" in problems
    assert "workforce: missing required variable (rule: required)" in problems
    assert any(p.startswith("outflows: unknown variable") for p in problems)


def test_non_numeric_counts(panel):
    (problem,) = problems_of(panel.assign(outflow=panel.outflow.astype(str)))
    assert problem.startswith("outflow: values must be numeric")


def test_missing_workforce_from_misaligned_coordinates(panel):
    wf = panel.workforce.sel(sector=["IT", "Finance"])
    ds = xr.Dataset({"outflow": panel.outflow, "workforce": wf})
    (problem,) = problems_of(ds)
    assert problem.startswith("workforce: missing value")
    assert "sector='Media'" in problem


def test_time_rules(panel):
    dup = panel.assign_coords(time=np.r_[panel.time.values[:-1], panel.time.values[-2]])
    assert any("duplicate time stamp" in p for p in problems_of(dup))
    mid = panel.assign_coords(time=panel.time.values + np.timedelta64(14, "D"))
    assert any("month starts or all month ends" in p for p in problems_of(mid))
    ints = panel.assign_coords(time=np.arange(18))
    assert problems_of(ints) == (
        "time: coordinate must be datetime64 (rule: monthly datetime index)",
    )


def test_month_ends_are_accepted(panel):
    ends = pd.date_range("2021-01-31", periods=18, freq="ME").values
    validate_outflow(panel.assign_coords(time=ends))


def test_wrong_dims_and_empty(panel):
    assert any(
        "dims are" in p for p in problems_of(panel.assign(outflow=panel.outflow.sum("time")))
    )
    empty = panel.isel(sector=slice(0, 0))
    assert "sector: dimension is empty (rule: at least one sector)" in problems_of(empty)


def test_duplicate_labels(panel):
    dup = panel.assign_coords(destination=["Georgia", "Georgia", "EU"])
    assert "destination: duplicate labels ['Georgia'] (rule: unique labels)" in problems_of(dup)


def test_sector_with_no_observation(panel):
    bad = panel.copy(deep=True)
    bad["outflow"].loc[{"sector": "Media"}] = np.nan
    (problem,) = problems_of(bad)
    assert "['Media'] have no observation at all" in problem


def test_total_counted_twice(panel):
    total = panel.outflow.sum("destination", min_count=1)
    (problem,) = problems_of(panel.assign(outflow_total=total))
    assert problem.startswith("outflow_total: observed where outflow by destination")


def test_total_fills_sectors_without_destination(panel):
    ds = panel.copy(deep=True)
    ds["outflow"].loc[{"sector": "Media"}] = np.nan
    ds["outflow_total"] = xr.full_like(ds.outflow.isel(destination=0, drop=True), np.nan)
    ds["outflow_total"].loc[{"sector": "Media"}] = 40.0
    validate_outflow(ds)


def test_validation_never_modifies_input(panel):
    bad = panel.copy(deep=True)
    bad["outflow"][0, 0, 0] = -1
    snapshot = bad.copy(deep=True)
    problems_of(bad)
    xr.testing.assert_identical(bad, snapshot)


def test_frames_round_trip_keeps_label_order(panel):
    frames = outflow_to_frames(panel)
    back = outflow_from_frames(frames.outflow, workforce=frames.workforce)
    xr.testing.assert_identical(back, panel)
    assert list(back.sector.values) == ["IT", "Finance", "Media"]


def test_frames_errors():
    with pytest.raises(tf.DataError, match=r"outflow: missing column\(s\) \['destination'\]"):
        outflow_from_frames(
            pd.DataFrame({"time": [], "sector": [], "outflow": []}),
            workforce=pd.DataFrame({"sector": [], "workforce": []}),
        )
    flows = pd.DataFrame(
        {
            "time": pd.to_datetime(["2022-01-01"] * 2),
            "sector": "IT",
            "destination": "EU",
            "outflow": [1, 2],
        }
    )
    with pytest.raises(tf.DataError, match="duplicate row"):
        outflow_from_frames(flows, workforce=pd.DataFrame({"sector": ["IT"], "workforce": [9.0]}))
    text = flows.iloc[:1].assign(outflow=["many"])
    with pytest.raises(tf.DataError, match="numeric"):
        outflow_from_frames(text, workforce=pd.DataFrame({"sector": ["IT"], "workforce": [9.0]}))
