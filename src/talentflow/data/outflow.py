"""The outflow data contract: validation and pandas <-> xarray conversion."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow.data import checks
from talentflow.data._time import monthly_problems
from talentflow.data.frames import frames_to_dataset, require_columns
from talentflow.exceptions import DataError

_SHAPES: dict[str, list[tuple[str, ...]]] = {
    D.OUTFLOW: [(D.TIME, D.SECTOR, D.DESTINATION)],
    D.OUTFLOW_TOTAL: [(D.TIME, D.SECTOR)],
    D.WORKFORCE: [(D.SECTOR,), (D.TIME, D.SECTOR)],
}


def outflow_problems(data: object) -> list[str]:
    """Return every problem that stops ``data`` from being outflow-model input.

    See :func:`validate_outflow` for the rules.
    """
    if not isinstance(data, xr.Dataset):
        return [f"data: expected an xarray.Dataset, got {type(data).__name__}"]
    problems = checks.unknown_variables(data, _SHAPES)
    for required in (D.OUTFLOW, D.WORKFORCE):
        if required not in data.data_vars:
            problems.append(f"{required}: missing required variable (rule: required)")
    for dim in (D.TIME, D.SECTOR, D.DESTINATION):
        problems += checks.label_problems(dim, data)
    if D.TIME in data.coords:
        problems += monthly_problems(D.TIME, data[D.TIME].values)
    present = [name for name in _SHAPES if name in data.data_vars]
    shaped = []
    for name in present:
        dim_problems = checks.dims_problems(name, data[name], _SHAPES[name])
        problems += dim_problems
        if not dim_problems:
            shaped.append(name)
    for name in shaped:
        if name == D.WORKFORCE:
            problems += checks.positive_problems(name, data[name])
        else:
            problems += checks.count_problems(name, data[name])
    if problems or D.OUTFLOW not in shaped:
        return problems
    observed_by_destination = data[D.OUTFLOW].notnull()
    seen = observed_by_destination.any(D.DESTINATION)
    if D.OUTFLOW_TOTAL in shaped:
        total_seen = data[D.OUTFLOW_TOTAL].notnull()
        overlap = (total_seen & seen).transpose(D.TIME, D.SECTOR)
        if bool(overlap.any()):
            problems.append(
                f"{D.OUTFLOW_TOTAL}: observed where {D.OUTFLOW} by destination is also observed, "
                f"at {checks._where(overlap, overlap.values)} (rule: a month's sector total and "
                "its destination counts would count the same people twice; keep one)"
            )
        seen = seen | total_seen
    return problems + checks.unobserved_sector_problems(
        D.OUTFLOW, seen, "every sector needs at least one observed count"
    )


def validate_outflow(data: object) -> xr.Dataset:
    """Check outflow-model input and raise one :class:`DataError` listing every problem.

    Rules: ``outflow(time, sector, destination)`` and ``workforce(sector)`` or
    ``workforce(time, sector)`` are required; ``outflow_total(time, sector)`` is
    optional. Counts are finite, non-negative whole numbers or NaN (not observed).
    Workforce is finite, positive and complete. ``time`` is a regular monthly
    datetime64 index (all month starts or all month ends); labels are unique; no
    dimension is empty; every sector has an observation; a month's sector total is
    not given where destination counts are. Unknown variables are reported as
    likely typos. The input is never modified.

    Parameters
    ----------
    data : xarray.Dataset
        The candidate input.

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
    >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=6,
    ...                                        random_seed=1)
    >>> validate_outflow(data) is data
    True
    >>> bad = data.assign(workforce=-data.workforce)
    >>> try:
    ...     validate_outflow(bad)
    ... except DataError as err:
    ...     print(err.problems[0][:45])
    workforce: zero, negative or infinite value a
    """
    problems = outflow_problems(data)
    if problems:
        raise DataError(problems)
    assert isinstance(data, xr.Dataset)
    return data


class OutflowFrames(NamedTuple):
    """Tidy pandas frames of outflow data (one row per observation cell)."""

    outflow: pd.DataFrame
    workforce: pd.DataFrame
    outflow_total: pd.DataFrame | None = None


def outflow_from_frames(
    outflow: pd.DataFrame,
    *,
    workforce: pd.DataFrame,
    outflow_total: pd.DataFrame | None = None,
) -> xr.Dataset:
    """Build outflow-model input from tidy pandas frames.

    Parameters
    ----------
    outflow : pandas.DataFrame
        Columns ``time, sector, destination, outflow``; cells absent from the frame
        become NaN (not observed).
    workforce : pandas.DataFrame
        Columns ``sector, workforce`` or ``time, sector, workforce``.
    outflow_total : pandas.DataFrame, optional
        Columns ``time, sector, outflow_total``.

    Returns
    -------
    xarray.Dataset
        Validated with :func:`validate_outflow`.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"time": pd.to_datetime(["2022-01-01", "2022-02-01"]),
    ...                       "sector": "IT", "destination": "Georgia", "outflow": [10, 30]})
    >>> ds = outflow_from_frames(flows, workforce=pd.DataFrame({"sector": ["IT"],
    ...                                                         "workforce": [1000.0]}))
    >>> ds.outflow.sel(sector="IT", destination="Georgia").values.tolist()
    [10.0, 30.0]
    """
    cells = [D.TIME, D.SECTOR, D.DESTINATION]
    problems = require_columns(D.OUTFLOW, outflow, [*cells, D.OUTFLOW])
    wf_cols = (
        [D.TIME, D.SECTOR, D.WORKFORCE]
        if isinstance(workforce, pd.DataFrame) and (D.TIME in workforce.columns)
        else [D.SECTOR, D.WORKFORCE]
    )
    problems += require_columns(D.WORKFORCE, workforce, wf_cols)
    total_cols = [D.TIME, D.SECTOR, D.OUTFLOW_TOTAL]
    if outflow_total is not None:
        problems += require_columns(D.OUTFLOW_TOTAL, outflow_total, total_cols)
    if problems:
        raise DataError(problems)
    frames = {D.OUTFLOW: (outflow, cells), D.WORKFORCE: (workforce, wf_cols[:-1])}
    if outflow_total is not None:
        frames[D.OUTFLOW_TOTAL] = (outflow_total, total_cols[:-1])
    return validate_outflow(frames_to_dataset(frames))


def outflow_to_frames(data: xr.Dataset) -> OutflowFrames:
    """Convert outflow-model input to tidy frames (the inverse of :func:`outflow_from_frames`).

    Every cell is kept, NaN included, so the round trip is exact.

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=3,
    ...                                        random_seed=1)
    >>> frames = outflow_to_frames(data)
    >>> list(frames.outflow.columns)
    ['time', 'sector', 'destination', 'outflow']
    >>> outflow_from_frames(*frames[:1], workforce=frames.workforce).identical(data)
    True
    """
    validate_outflow(data)

    def tidy(name: str) -> pd.DataFrame:
        da = data[name]
        order = [d for d in (D.TIME, D.SECTOR, D.DESTINATION) if d in da.dims]
        return da.transpose(*order).to_dataframe().reset_index()[[*order, name]]

    total = tidy(D.OUTFLOW_TOTAL) if D.OUTFLOW_TOTAL in data else None
    return OutflowFrames(tidy(D.OUTFLOW), tidy(D.WORKFORCE), total)
