"""The return-migration data contract: returns, and departures by cohort to return from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow.data import checks
from talentflow.data._time import monthly_problems
from talentflow.data.frames import frames_to_dataset, require_columns
from talentflow.exceptions import DataError

_CELL = (D.TIME, D.SECTOR, D.DESTINATION)
_SHAPES: dict[str, list[tuple[str, ...]]] = {
    D.RETURNS: [(D.TIME, D.SECTOR), _CELL],
    D.OUTFLOW: [_CELL],
}


def returns_problems(data: object, *, departures: xr.DataArray | None = None) -> list[str]:
    """Return every problem that stops ``data`` from being return-model input.

    See :func:`validate_returns` for the rules.
    """
    if not isinstance(data, xr.Dataset):
        return [f"data: expected an xarray.Dataset, got {type(data).__name__}"]
    problems = checks.unknown_variables(data, _SHAPES)
    if D.RETURNS not in data.data_vars:
        problems.append(f"{D.RETURNS}: missing required variable (rule: required)")
    if departures is None and D.OUTFLOW not in data.data_vars:
        problems.append(
            f"{D.OUTFLOW}: missing required variable (rule: departures by cohort come from "
            "outflow in the data or from a fitted OutflowModel)"
        )
    if departures is not None and D.OUTFLOW in data.data_vars:
        problems.append(
            f"{D.OUTFLOW}: given in the data and by an OutflowModel (rule: one source of "
            "departures; drop one)"
        )
    for dim in _CELL:
        problems += checks.label_problems(dim, data)
    if D.TIME in data.coords:
        problems += monthly_problems(D.TIME, data[D.TIME].values)
    shaped = []
    for name in (n for n in _SHAPES if n in data.data_vars):
        dim_problems = checks.dims_problems(name, data[name], _SHAPES[name])
        problems += dim_problems or checks.count_problems(name, data[name])
        if not dim_problems:
            shaped.append(name)
    if D.OUTFLOW in shaped and bool(data[D.OUTFLOW].isnull().any()):
        gaps = data[D.OUTFLOW].isnull().transpose(*_CELL)
        problems.append(
            f"{D.OUTFLOW}: not observed at {checks._where(gaps, gaps.values)} (rule: departures "
            "must be complete; fit an OutflowModel to the gappy series and pass it as "
            "outflow_model, which carries its uncertainty about the gaps)"
        )
    if departures is not None and D.RETURNS in shaped:
        problems += _alignment_problems(data, departures)
    if problems or D.RETURNS not in shaped:
        return problems
    returns = data[D.RETURNS]
    problems += checks.unobserved_sector_problems(
        D.RETURNS, returns.notnull(), "every sector needs at least one observed count"
    )
    if departures is None:
        departures = data[D.OUTFLOW]
    return problems + _stock_problems(returns, departures)


def _alignment_problems(data: xr.Dataset, departures: xr.DataArray) -> list[str]:
    """Check that returns sit on the months, sectors and destinations of the departures."""
    problems = []
    if D.TIME in data.coords and not np.array_equal(data[D.TIME].values, departures[D.TIME].values):
        problems.append(
            f"{D.TIME}: the returns' months differ from the OutflowModel's months (rule: the "
            "same monthly index; reindex returns onto it, NaN where not observed)"
        )
    for dim in (D.SECTOR, D.DESTINATION):
        if dim in data.coords and set(data[dim].values) != set(departures[dim].values):
            problems.append(
                f"{dim}: labels {sorted(map(str, data[dim].values))} differ from the "
                f"OutflowModel's {sorted(map(str, departures[dim].values))} (rule: same labels)"
            )
    return problems


def _stock_problems(returns: xr.DataArray, departures: xr.DataArray) -> list[str]:
    """Check that returns come only from people who left earlier and are still abroad."""
    departures = departures.sum(
        [d for d in departures.dims if d not in returns.dims], skipna=False
    ).reindex_like(returns)
    dims = returns.dims
    left = departures.transpose(*dims).cumsum(D.TIME).shift({D.TIME: 1}, fill_value=0.0)
    back = returns.fillna(0.0).transpose(*dims).cumsum(D.TIME).shift({D.TIME: 1}, fill_value=0.0)
    seen = returns.transpose(*dims)
    early = (seen > 0) & (left <= 0)
    too_many = (seen > left - back) & (left > 0)
    return [
        *checks._flag(
            D.RETURNS,
            early,
            early.values,
            "returns before any departure",
            "returns need departures in an earlier month",
        ),
        *checks._flag(
            D.RETURNS,
            too_many,
            too_many.values,
            "more returns than people still abroad",
            "returns <= earlier departures - earlier returns",
        ),
    ]


def validate_returns(data: object, *, departures: xr.DataArray | None = None) -> xr.Dataset:
    """Check return-model input and raise one :class:`DataError` listing every problem.

    Rules: ``returns(time, sector)`` or ``returns(time, sector, destination)`` is
    required: counts of people coming back (finite, non-negative whole numbers; NaN
    where not observed), with every sector observed at least once. Departures by
    cohort come from ``outflow(time, sector, destination)`` in the data (complete:
    each month is a cohort), or from a fitted outflow model (``departures``, the
    largest departures the model deems plausible, on the same months and labels).
    No return may come before any departure, and no month's returns may exceed the
    people still abroad (earlier departures minus earlier observed returns). ``time``
    is a regular monthly index; labels are unique; no dimension is empty. The input
    is never modified.

    Parameters
    ----------
    data : xarray.Dataset
        The candidate input.
    departures : xarray.DataArray, optional
        ``(time, sector, destination)`` departures when they come from an outflow model.

    Returns
    -------
    xarray.Dataset
        The same object, for chaining.

    Raises
    ------
    DataError
        Listing every problem found.

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
    ...                                        random_seed=1)
    >>> validate_returns(data) is data
    True
    >>> bad = data.assign(returns=data.returns + 10 ** 6)
    >>> try:
    ...     validate_returns(bad)
    ... except DataError as err:
    ...     print(err.problems[0][:37])
    returns: returns before any departure
    """
    problems = returns_problems(data, departures=departures)
    if problems:
        raise DataError(problems)
    assert isinstance(data, xr.Dataset)
    return data


def returns_from_frames(
    returns: pd.DataFrame, *, outflow: pd.DataFrame | None = None
) -> xr.Dataset:
    """Build return-model input from tidy pandas frames.

    Parameters
    ----------
    returns : pandas.DataFrame
        Columns ``time, sector, returns`` (sector totals) or ``time, sector,
        destination, returns``; cells absent from the frame become NaN.
    outflow : pandas.DataFrame, optional
        Columns ``time, sector, destination, outflow``: the departures, unless they will
        come from a fitted outflow model.

    Returns
    -------
    xarray.Dataset
        Validated with :func:`validate_returns` when ``outflow`` is given (otherwise the
        departures, and so the checks against them, come with ``fit``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.to_datetime(["2022-01-01", "2022-02-01"])
    >>> left = pd.DataFrame({"time": t, "sector": "IT", "destination": "Georgia",
    ...                      "outflow": [100, 50]})
    >>> back = pd.DataFrame({"time": t, "sector": "IT", "returns": [0, 7]})
    >>> returns_from_frames(back, outflow=left).returns.values.tolist()
    [[0.0], [7.0]]
    """
    by_destination = isinstance(returns, pd.DataFrame) and D.DESTINATION in returns.columns
    return_cells = list(_CELL if by_destination else _CELL[:2])
    problems = require_columns(D.RETURNS, returns, [*return_cells, D.RETURNS])
    if outflow is not None:
        problems += require_columns(D.OUTFLOW, outflow, [*_CELL, D.OUTFLOW])
    if problems:
        raise DataError(problems)
    frames = {D.RETURNS: (returns, return_cells)}
    if outflow is not None:
        frames[D.OUTFLOW] = (outflow, list(_CELL))
    data = frames_to_dataset(frames)
    return validate_returns(data) if outflow is not None else data
