"""The vacancy / job-seeker data contract: postings, resumes (or unemployed) and hires."""

from __future__ import annotations

import xarray as xr

from talentflow import _dims as D
from talentflow.data import checks
from talentflow.data._time import monthly_problems
from talentflow.exceptions import DataError

_SERIES = (D.VACANCIES, D.JOB_SEEKERS, D.HIRES)
_REQUIRED = (D.VACANCIES, D.JOB_SEEKERS)


def vacancies_problems(data: object) -> list[str]:
    """Return every problem that stops ``data`` from being vacancy-model input.

    See :func:`validate_vacancies` for the rules.
    """
    if not isinstance(data, xr.Dataset):
        return [f"data: expected an xarray.Dataset, got {type(data).__name__}"]
    problems = checks.unknown_variables(data, _SERIES)
    problems += [
        f"{name}: missing required variable (rule: required)"
        for name in _REQUIRED
        if name not in data.data_vars
    ]
    for dim in (D.TIME, D.SECTOR):
        problems += checks.label_problems(dim, data)
    if D.TIME in data.coords:
        problems += monthly_problems(D.TIME, data[D.TIME].values)
    for name in (n for n in _SERIES if n in data.data_vars):
        shape = checks.dims_problems(name, data[name], [(D.TIME, D.SECTOR)])
        problems += shape or checks.level_problems(name, data[name])
        if shape or name not in _REQUIRED:
            continue
        problems += checks.unobserved_sector_problems(
            name,
            data[name].notnull(),
            "every sector needs at least one observed value of each series",
        )
    return problems


def validate_vacancies(data: object) -> xr.Dataset:
    """Check vacancy-model input and raise one :class:`DataError` listing every problem.

    Rules: ``vacancies(time, sector)`` (job-board postings or job openings) and
    ``job_seekers(time, sector)`` (resumes or unemployed) are required;
    ``hires(time, sector)`` is optional. Values are stocks or flows of people, modelled
    on the log scale: finite and positive, or NaN where not observed (they need not
    be whole numbers: official series come in thousands). ``time`` is a regular
    monthly index; labels are unique; no dimension is empty; every sector has at
    least one observation of each required series. Unknown variables are reported as
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
    >>> import numpy as np, pandas as pd
    >>> t = pd.date_range("2020-01-01", periods=3, freq="MS")
    >>> ds = xr.Dataset({"vacancies": (("time", "sector"), [[95.0], [90.0], [np.nan]]),
    ...                  "job_seekers": (("time", "sector"), [[300.0], [0.0], [320.0]])},
    ...                 coords={"time": t, "sector": ["IT"]})
    >>> try:
    ...     validate_vacancies(ds)
    ... except DataError as err:
    ...     print(err.problems[0][:60])
    job_seekers: zero, negative or infinite value at (time=2020-
    """
    problems = vacancies_problems(data)
    if problems:
        raise DataError(problems)
    assert isinstance(data, xr.Dataset)
    return data
