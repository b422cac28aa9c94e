"""Monthly time axes: checks, month arithmetic and continuation into the future."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from talentflow._config import check_count
from talentflow._typing import IntArray

Anchor = Literal["start", "end"]


def month_numbers(times: np.ndarray) -> IntArray:
    """Return months since 1970-01 for datetime64 values.

    Examples
    --------
    >>> month_numbers(np.array(["1970-03-01"], dtype="datetime64[ns]"))
    array([2])
    """
    return np.asarray(times).astype("datetime64[M]").astype(np.int64)


def monthly_problems(name: str, times: np.ndarray) -> list[str]:
    """List what makes ``times`` not a regular monthly datetime64 axis.

    Examples
    --------
    >>> t = pd.date_range("2022-01-01", periods=3, freq="MS").values
    >>> monthly_problems("time", t)
    []
    >>> [p[:40] for p in monthly_problems("time", t[[0, 2, 1]])]
    ['time: time stamps must increase by exact', 'time: time stamps must increase by exact']
    """
    if not np.issubdtype(np.asarray(times).dtype, np.datetime64):
        return [f"{name}: coordinate must be datetime64 (rule: monthly datetime index)"]
    if len(times) == 0:
        return []
    problems: list[str] = []
    if np.isnat(times).any():
        return [f"{name}: coordinate has missing (NaT) time stamps"]
    months = month_numbers(times)
    steps = np.diff(months)
    labels = pd.DatetimeIndex(times).strftime("%Y-%m")
    dup = np.flatnonzero(steps == 0)
    for i in dup:
        problems.append(
            f"{name}: duplicate time stamp in month {labels[int(i) + 1]} (rule: unique times)"
        )
    bad = np.flatnonzero(steps != 1)
    for i in bad[steps[bad] != 0]:
        problems.append(
            f"{name}: time stamps must increase by exactly one month (rule: regular monthly "
            f"index); found a step of {int(steps[i])} months after {labels[int(i)]}"
        )
    if not problems and anchor_of(times) is None:
        problems.append(
            f"{name}: time stamps must all be month starts or all month ends "
            "(rule: regular monthly index)"
        )
    return problems


def anchor_of(times: np.ndarray) -> Anchor | None:
    """Return whether ``times`` are month starts, month ends, or neither (``None``)."""
    index = pd.DatetimeIndex(times)
    if bool(index.is_month_start.all()) and bool((index.normalize() == index).all()):
        return "start"
    if bool(index.is_month_end.all()) and bool((index.normalize() == index).all()):
        return "end"
    return None


def continue_monthly(times: np.ndarray, horizon: int) -> np.ndarray:
    """Return the ``horizon`` monthly time stamps that follow ``times``.

    Examples
    --------
    >>> t = pd.date_range("2022-11-01", periods=2, freq="MS").values
    >>> pd.DatetimeIndex(continue_monthly(t, 2)).strftime("%Y-%m-%d").tolist()
    ['2023-01-01', '2023-02-01']
    """
    freq = "ME" if anchor_of(times) == "end" else "MS"
    last = pd.Timestamp(times[-1])
    future = pd.date_range(last, periods=horizon + 1, freq=freq)[1:]
    return future.values.astype("datetime64[ns]")


def horizon_months(horizon: object) -> int:
    """Return a forecast horizon as an ``int``; raise ``ConfigError`` unless it is >= 1.

    Examples
    --------
    >>> horizon_months(np.int64(12))
    12
    """
    return check_count("horizon", horizon, unit=" of months")
