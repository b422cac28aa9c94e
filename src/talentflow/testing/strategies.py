"""Hypothesis strategies for talentflow inputs: valid datasets and their corruptions.

Public so that downstream users can property-test code that consumes talentflow data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st

from talentflow import _dims as D


@st.composite
def outflow_datasets(
    draw: st.DrawFn,
    *,
    max_sectors: int = 4,
    max_destinations: int = 4,
    max_months: int = 24,
    with_total: bool | None = None,
) -> xr.Dataset:
    """Generate valid outflow-model input: counts with NaN gaps, workforce, optional totals.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from talentflow.data import validate_outflow
    >>> @settings(max_examples=5)
    ... @given(outflow_datasets())
    ... def check(ds):
    ...     validate_outflow(ds)
    >>> check()
    """
    n_s = draw(st.integers(1, max_sectors))
    n_d = draw(st.integers(1, max_destinations))
    n_t = draw(st.integers(2, max_months))
    start = draw(
        st.datetimes(
            min_value=pd.Timestamp("1990-01-01").to_pydatetime(),
            max_value=pd.Timestamp("2040-01-01").to_pydatetime(),
        )
    )
    anchor = draw(st.sampled_from(["MS", "ME"]))
    time = pd.date_range(pd.Timestamp(start).normalize(), periods=n_t, freq=anchor).values
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.gamma(2.0, 50.0), size=(n_t, n_s, n_d)).astype(np.float64)
    counts[rng.random(counts.shape) < draw(st.floats(0.0, 0.5))] = np.nan
    counts[0, :, 0] = rng.poisson(10.0, size=n_s)  # every sector seen at least once
    time_varying = draw(st.booleans())
    wf_shape = (n_t, n_s) if time_varying else (n_s,)
    workforce = rng.uniform(1e3, 1e6, size=wf_shape).round()
    sectors = draw(
        st.lists(
            st.text("abcdefgh &-", min_size=1, max_size=6), min_size=n_s, max_size=n_s, unique=True
        )
    )
    dests = draw(
        st.lists(
            st.text("ABCDEFGH", min_size=1, max_size=6), min_size=n_d, max_size=n_d, unique=True
        )
    )
    ds = xr.Dataset(
        {
            D.OUTFLOW: ((D.TIME, D.SECTOR, D.DESTINATION), counts),
            D.WORKFORCE: ((D.TIME, D.SECTOR) if time_varying else (D.SECTOR,), workforce),
        },
        coords={
            D.TIME: time,
            D.SECTOR: np.array(sectors, dtype=object),
            D.DESTINATION: np.array(dests, dtype=object),
        },
    )
    add_total = draw(st.booleans()) if with_total is None else with_total
    if add_total:
        unseen = np.isnan(counts).all(axis=2)
        total = np.where(unseen, rng.poisson(100.0, size=(n_t, n_s)), np.nan)
        ds[D.OUTFLOW_TOTAL] = ((D.TIME, D.SECTOR), total.astype(np.float64))
    return ds


@dataclass(frozen=True)
class Corruption:
    """A named way of breaking valid data, and the variable the error must name."""

    name: str
    variable: str
    apply: Callable[[xr.Dataset, np.random.Generator], xr.Dataset]


def _set_cell(var: str, value: float) -> Callable[[xr.Dataset, np.random.Generator], xr.Dataset]:
    def apply(ds: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
        values = ds[var].values.copy()
        values[tuple(rng.integers(n) for n in values.shape)] = value
        return ds.assign({var: (ds[var].dims, values)})

    return apply


def _drop(var: str) -> Callable[[xr.Dataset, np.random.Generator], xr.Dataset]:
    return lambda ds, rng: ds.drop_vars(var)


def _shuffle_time(ds: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
    time = ds[D.TIME].values.copy()
    time[-1] = time[0]
    return ds.assign_coords({D.TIME: time})


def _skip_month(ds: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
    time = ds[D.TIME].values.copy()
    time[-1] = (pd.Timestamp(time[-1]) + pd.DateOffset(months=3)).to_datetime64()
    return ds.assign_coords({D.TIME: time})


def _transpose_dims(ds: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
    return ds.assign({D.OUTFLOW: ds[D.OUTFLOW].isel({D.DESTINATION: 0}, drop=True)})


def _string_counts(ds: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
    return ds.assign({D.OUTFLOW: ds[D.OUTFLOW].astype(str)})


#: Every corruption the validator must reject.
CORRUPTIONS: tuple[Corruption, ...] = (
    Corruption("negative count", D.OUTFLOW, _set_cell(D.OUTFLOW, -3.0)),
    Corruption("fractional count", D.OUTFLOW, _set_cell(D.OUTFLOW, 2.5)),
    Corruption("infinite count", D.OUTFLOW, _set_cell(D.OUTFLOW, np.inf)),
    Corruption("non-numeric counts", D.OUTFLOW, _string_counts),
    Corruption("zero workforce", D.WORKFORCE, _set_cell(D.WORKFORCE, 0.0)),
    Corruption("negative workforce", D.WORKFORCE, _set_cell(D.WORKFORCE, -10.0)),
    Corruption("missing workforce", D.WORKFORCE, _set_cell(D.WORKFORCE, np.nan)),
    Corruption("no outflow variable", D.OUTFLOW, _drop(D.OUTFLOW)),
    Corruption("no workforce variable", D.WORKFORCE, _drop(D.WORKFORCE)),
    Corruption("duplicate time", D.TIME, _shuffle_time),
    Corruption("irregular time", D.TIME, _skip_month),
    Corruption("wrong dims", D.OUTFLOW, _transpose_dims),
)


def corrupted_outflow_datasets() -> st.SearchStrategy[tuple[xr.Dataset, Corruption]]:
    """Pairs of an invalid dataset and the corruption that broke it."""
    return _corrupted(outflow_datasets(max_months=12), CORRUPTIONS)


def _corrupted(
    valid: st.SearchStrategy[xr.Dataset], corruptions: tuple[Corruption, ...]
) -> st.SearchStrategy[tuple[xr.Dataset, Corruption]]:
    """Break datasets of three or more months with one of ``corruptions``."""
    return st.tuples(
        valid.filter(lambda ds: ds.sizes[D.TIME] >= 3),
        st.sampled_from(corruptions),
        st.integers(0, 2**32 - 1),
    ).map(lambda t: (t[1].apply(t[0], np.random.default_rng(t[2])), t[1]))


@st.composite
def returns_datasets(
    draw: st.DrawFn, *, max_sectors: int = 3, max_destinations: int = 3, max_months: int = 18
) -> xr.Dataset:
    """Generate valid return-model input: departures and the returns of each cohort.

    Sizes, hazard, waves, whether returns are by destination and the share of missing
    return cells vary; people are conserved, so the data always validate.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from talentflow.data import validate_returns
    >>> @settings(max_examples=5)
    ... @given(returns_datasets())
    ... def check(ds):
    ...     validate_returns(ds)
    >>> check()
    """
    from talentflow.datasets.returns import simulate_returns
    from talentflow.models.shocks import Shock

    n_t = draw(st.integers(2, max_months))
    wave = draw(st.integers(0, n_t - 1))
    start = pd.Timestamp("2020-01-01") + pd.DateOffset(months=wave)
    data, _ = simulate_returns(
        sectors=draw(st.integers(1, max_sectors)),
        destinations=draw(st.integers(1, max_destinations)),
        n_months=n_t,
        start="2020-01",
        waves=(Shock(name="wave", start=start.strftime("%Y-%m")),),
        wave_effect=draw(st.floats(-1.0, 1.0)),
        hazard_level=draw(st.floats(-3.0, 1.0)),
        hazard_scale=draw(st.floats(1.0, 30.0)),
        hazard_shape=draw(st.floats(0.5, 3.0)),
        by_destination=draw(st.booleans()),
        missing_fraction=draw(st.floats(0.0, 0.3)),
        random_seed=draw(st.integers(0, 2**32 - 1)),
    )
    # Nobody returns in the first month (no earlier departure): observing that zero
    # guarantees every sector one observed count, as the contract requires.
    returns = data[D.RETURNS]
    first_month = returns[D.TIME] == returns[D.TIME][0]
    data[D.RETURNS] = returns.where(~(first_month & returns.isnull()), 0.0)
    return data


@st.composite
def vacancy_datasets(draw: st.DrawFn, *, max_sectors: int = 4, max_months: int = 36) -> xr.Dataset:
    """Generate valid vacancy-model input: vacancies, job seekers and (maybe) hires.

    Sizes, levels, noise, the share of missing cells and whether hires are present
    vary; the first month is always observed, so every sector has observations.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from talentflow.data import validate_vacancies
    >>> @settings(max_examples=5)
    ... @given(vacancy_datasets())
    ... def check(ds):
    ...     validate_vacancies(ds)
    >>> check()
    """
    from talentflow.datasets.vacancies import simulate_vacancies

    data, _ = simulate_vacancies(
        sectors=draw(st.integers(1, max_sectors)),
        n_months=draw(st.integers(2, max_months)),
        start_level=(draw(st.floats(0.5, 1e5)), draw(st.floats(0.5, 1e5))),
        observation_sd=draw(st.floats(0.0, 0.5)),
        hires=draw(st.booleans()),
        missing_fraction=draw(st.floats(0.0, 0.4)),
        random_seed=draw(st.integers(0, 2**32 - 1)),
    )
    first = data[D.TIME] == data[D.TIME][0]
    for name in (D.VACANCIES, D.JOB_SEEKERS):
        data[name] = data[name].where(~(first & data[name].isnull()), 1.0)
    return data


#: Every corruption the vacancy validator must reject.
VACANCY_CORRUPTIONS: tuple[Corruption, ...] = (
    Corruption("zero vacancies", D.VACANCIES, _set_cell(D.VACANCIES, 0.0)),
    Corruption("negative job seekers", D.JOB_SEEKERS, _set_cell(D.JOB_SEEKERS, -4.0)),
    Corruption("infinite vacancies", D.VACANCIES, _set_cell(D.VACANCIES, np.inf)),
    Corruption("no job seekers variable", D.JOB_SEEKERS, _drop(D.JOB_SEEKERS)),
    Corruption("duplicate time", D.TIME, _shuffle_time),
    Corruption("irregular time", D.TIME, _skip_month),
)


def corrupted_vacancy_datasets() -> st.SearchStrategy[tuple[xr.Dataset, Corruption]]:
    """Pairs of an invalid vacancy dataset and the corruption that broke it."""
    return _corrupted(vacancy_datasets(max_months=12), VACANCY_CORRUPTIONS)
