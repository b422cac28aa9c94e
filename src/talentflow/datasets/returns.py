"""Simulate return migration from the return model's hazard, people conserved exactly."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import RandomSeed
from talentflow.data._time import month_numbers
from talentflow.models import cohorts
from talentflow.models.returns_graph import ReturnConfig, wave_membership
from talentflow.models.shocks import Shock


def _zero_sum(
    given: npt.ArrayLike | None, sd: float, n: int, rng: np.random.Generator
) -> np.ndarray:
    values = rng.normal(0.0, sd, n) if given is None else np.asarray(given, dtype=float)
    values = np.broadcast_to(values, (n,))
    return np.asarray(values - values.mean(), dtype=np.float64)


def simulate_returns(
    *,
    sectors: int | Sequence[str] = 3,
    destinations: int | Sequence[str] = 3,
    n_months: int = 36,
    start: str = "2021-01",
    departures: xr.DataArray | None = None,
    waves: Sequence[Shock] = (),
    wave_months: int = 3,
    wave_effect: npt.ArrayLike = 0.5,
    hazard_level: float = -1.5,
    hazard_scale: float = 8.0,
    hazard_shape: float = 1.5,
    sector_sd: float = 0.3,
    sector_effect: npt.ArrayLike | None = None,
    destination_sd: float = 0.3,
    destination_effect: npt.ArrayLike | None = None,
    by_destination: bool = True,
    missing_fraction: float = 0.0,
    months_abroad: int = 36,
    random_seed: RandomSeed,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Simulate departures and the returns of each departure cohort; return ``(data, truth)``.

    Each cohort cell (month of departure x sector x destination) returns month by
    month: of those still abroad, a binomial number come back with the return
    model's hazard, so nobody returns twice and nobody returns who never left.
    Effects not given are drawn (zero-sum across sectors and destinations).

    Parameters
    ----------
    sectors, destinations, n_months, start
        The panel, as in :func:`~talentflow.datasets.simulate_outflow` (ignored when
        ``departures`` is given).
    departures : xarray.DataArray, optional
        ``(time, sector, destination)`` whole departures to use; simulated with
        :func:`~talentflow.datasets.simulate_outflow` (with ``waves`` as its shocks)
        when not given.
    waves, wave_months, wave_effect
        Departure waves, how many months each lasts, and each wave's log hazard effect.
    hazard_level, hazard_scale, hazard_shape
        The pooled hazard: log cumulative hazard at 12 months abroad, and the
        log-logistic scale (months) and shape.
    sector_sd, sector_effect, destination_sd, destination_effect
        Log hazard effects (given, or drawn with these spreads). Destination effects
        are zero when ``by_destination`` is false: a model of sector totals cannot
        tell destinations apart.
    by_destination : bool
        Return ``returns(time, sector, destination)``; else sector totals.
    missing_fraction : float
        Fraction of return cells set to NaN at random.
    months_abroad : int
        Length of the truth's ``return_hazard`` axis.
    random_seed : int or numpy.random.Generator
        Seed.

    Returns
    -------
    data : xarray.Dataset
        ``outflow(time, sector, destination)`` and ``returns``.
    truth : xarray.Dataset
        The parameters, ``return_hazard`` and the simulated ``stock_abroad``.

    Examples
    --------
    >>> data, truth = simulate_returns(sectors=2, destinations=2, n_months=12, random_seed=0)
    >>> dict(data.returns.sizes)
    {'time': 12, 'sector': 2, 'destination': 2}
    >>> bool((truth.stock_abroad >= 0).all())
    True
    """
    rng = as_generator(random_seed)
    if departures is None:
        from talentflow.datasets.simulate import simulate_outflow

        simulated, _ = simulate_outflow(
            sectors=sectors,
            destinations=destinations,
            n_months=n_months,
            start=start,
            shocks=tuple(waves),
            random_seed=rng,
        )
        departures = simulated[D.OUTFLOW]
    cell = (D.TIME, D.SECTOR, D.DESTINATION)
    departures = departures.transpose(*cell)
    dep = departures.values.astype(np.float64)
    n_t, n_s, n_d = dep.shape
    config = ReturnConfig(waves=tuple(waves), wave_months=wave_months)
    membership = wave_membership(config, month_numbers(departures[D.TIME].values))
    sector_eff = _zero_sum(sector_effect, sector_sd, n_s, rng)
    dest_eff = _zero_sum(destination_effect, destination_sd, n_d, rng)
    if not by_destination:
        dest_eff = np.zeros(n_d)
    waves_eff = np.broadcast_to(np.asarray(wave_effect, dtype=float), (len(config.waves),))
    scale, shape = np.array(hazard_scale), np.array(hazard_shape)
    log_mult = cohorts.group_log_multiplier(
        np.array(hazard_level), scale, shape, sector_eff, dest_eff, waves_eff, np
    )  # (group, sector, destination)
    cum = cohorts.cumulative_hazard(np.arange(max(n_t, months_abroad + 1.0)), scale, shape, np)
    by_group = cohorts.monthly_hazard(cum, log_mult[..., None], np)  # (group, s, d, lag - 1)
    hazard = by_group[np.argmax(cohorts.group_matrix(membership), axis=1)]  # per cohort

    abroad = np.round(dep)
    returns = np.zeros_like(dep)
    for lag in range(1, n_t):
        back = rng.binomial(abroad[: n_t - lag].astype(np.int64), hazard[: n_t - lag, ..., lag - 1])
        abroad[: n_t - lag] -= back
        returns[lag:] += back
    stock = np.cumsum(np.round(dep), axis=0) - np.cumsum(returns, axis=0)

    observed = returns if by_destination else returns.sum(axis=-1)
    observed = np.where(rng.random(observed.shape) < missing_fraction, np.nan, observed)
    coords = {d: departures[d].values for d in cell}
    data = xr.Dataset(
        {
            D.OUTFLOW: (cell, np.round(dep)),
            D.RETURNS: (cell if by_destination else cell[:2], observed),
        },
        coords=coords,
    )
    truth_hazard = by_group[-1][..., :months_abroad]
    hazard_dims: tuple[str, ...] = (D.SECTOR, D.DESTINATION)
    if not by_destination:
        truth_hazard, hazard_dims = truth_hazard[:, 0], (D.SECTOR,)
    truth = xr.Dataset(
        {
            D.HAZARD_LEVEL: ((), float(hazard_level)),
            D.HAZARD_SCALE: ((), float(hazard_scale)),
            D.HAZARD_SHAPE: ((), float(hazard_shape)),
            D.SECTOR_EFFECT: ((D.SECTOR,), sector_eff),
            D.DESTINATION_EFFECT: ((D.DESTINATION,), dest_eff),
            D.WAVE_EFFECT: ((D.SHOCK,), waves_eff.copy()),
            D.RETURN_HAZARD: ((*hazard_dims, D.MONTHS_ABROAD), truth_hazard),
            D.STOCK_ABROAD: (cell, stock),
        },
        coords={
            **coords,
            D.SHOCK: np.array([s.name for s in config.waves], dtype=object),
            D.MONTHS_ABROAD: np.arange(1, months_abroad + 1),
        },
    )
    return data, truth
