"""Simulate vacancy / job-seeker panels from the vacancy model's process, truth kept."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import FloatArray, RandomSeed, VacancyTrend
from talentflow.datasets.simulate import _labels
from talentflow.models.shocks import Shock
from talentflow.models.vacancies_graph import (
    SERIES,
    check_trend,
    effect_terms,
    log_hires,
    stationary_increment,
    walk_levels,
)


def simulate_vacancies(
    *,
    sectors: int | Sequence[str] = 3,
    n_months: int = 60,
    start: str = "2015-01",
    start_level: npt.ArrayLike = (500.0, 800.0),
    innovation_sd: npt.ArrayLike = 0.03,
    common_share: npt.ArrayLike = 0.5,
    factor_correlation: float = -0.6,
    trend: VacancyTrend = "local_level",
    increment_persistence: float = 0.4,
    seasonal_scale: float = 0.05,
    observation_sd: npt.ArrayLike = 0.04,
    shocks: Sequence[Shock] = (),
    shock_mean: npt.ArrayLike = (-0.4, 0.8),
    shock_sector_sd: float = 0.2,
    shock_decay: npt.ArrayLike = 0.15,
    shock_slowing: npt.ArrayLike | None = None,
    hires: bool = True,
    matching_elasticity: npt.ArrayLike = 0.5,
    efficiency: float = 0.6,
    efficiency_sigma: float = 0.01,
    hires_sd: float = 0.04,
    missing_fraction: float = 0.0,
    random_seed: RandomSeed,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Simulate a vacancy / job-seeker panel and return ``(data, truth)``.

    The process is :class:`~talentflow.VacancyModel`'s: latent log levels with
    correlated innovations (a common factor per series, the two factors correlated)
    and the dynamics ``trend`` names, a seasonal term,
    decaying shocks and log-normal observation noise; hires from a constant-returns
    matching function with a random-walk efficiency.

    Parameters
    ----------
    sectors : int or sequence of str
        How many (labelled ``S0, S1, ...``) or the labels.
    n_months : int
        Length of the monthly panel starting at ``start``.
    start_level : array
        Level of (vacancies, job seekers) at the first month: one per series, or one
        per series and sector (shape ``(2, sector)``).
    innovation_sd, common_share, factor_correlation
        Innovation sd ``(series, sector)``, the common factor's variance share per
        series and the correlation of the two factors.
    trend : {"local_level", "integrated_ar1"}
        Dynamics of the latent log levels, as in :class:`~talentflow.VacancyConfig`.
    increment_persistence : float
        AR(1) coefficient of the monthly increments (``trend="integrated_ar1"``).
    seasonal_scale : float
        Sd of the seasonal effects (``0``: none).
    observation_sd : float or array
        Log-scale observation noise ``(series, sector)``.
    shocks, shock_mean, shock_sector_sd, shock_decay
        Shocks, their mean effects ``(shock, series)`` (broadcast), the sector spread
        and the decay per shock.
    shock_slowing : float or array, optional
        Per shock, how fast its decay slows with age (``VacancyConfig(shock_fading=
        "slowing")``); ``None`` (the default) fades geometrically.
    hires : bool
        Also simulate ``hires``.
    matching_elasticity, efficiency, efficiency_sigma, hires_sd
        Elasticity per sector, starting efficiency, its random-walk sd, hires noise.
    missing_fraction : float
        Fraction of cells of each series set to NaN at random.
    random_seed : int or numpy.random.Generator
        Seed.

    Returns
    -------
    data : xarray.Dataset
        ``vacancies``, ``job_seekers`` (and ``hires``) ``(time, sector)``.
    truth : xarray.Dataset
        The parameters and latent paths under the posterior's names.

    Examples
    --------
    >>> data, truth = simulate_vacancies(sectors=["IT", "Retail"], n_months=24, random_seed=1)
    >>> sorted(data.data_vars)
    ['hires', 'job_seekers', 'vacancies']
    >>> ratio = truth.level.sel(series="vacancies") / truth.level.sel(series="job_seekers")
    >>> bool(np.allclose(truth.tightness, ratio))
    True
    """
    check_trend(trend)
    rng = as_generator(random_seed)
    sector = _labels(sectors, "S")
    n_s, n_k = len(sector), len(shocks)
    time = pd.date_range(pd.Timestamp(start), periods=n_months, freq="MS").values
    cell = (2, n_s)

    sd = np.broadcast_to(np.asarray(innovation_sd, dtype=float), cell).copy()
    share = np.broadcast_to(np.asarray(common_share, dtype=float), (2,)).copy()
    rho = np.asarray(factor_correlation, dtype=float)
    level_in = np.asarray(start_level, dtype=float)
    start_log = np.log(np.broadcast_to(level_in[:, None] if level_in.ndim == 1 else level_in, cell))
    level0 = start_log.reshape(1, -1)
    extra: dict[str, tuple[tuple[str, ...], FloatArray]] = {}
    first = phi = None
    if trend == "integrated_ar1":
        # The increment before the first month comes from its stationary law.
        phi = np.full(2 * n_s, increment_persistence)
        first = stationary_increment(sd, share, rho, phi, rng)
        extra[D.INCREMENT_PERSISTENCE] = ((), np.asarray(increment_persistence))
    levels, steps = walk_levels(
        level0, sd, share, rho, n_months - 1, rng, slope=first, persistence=phi
    )
    if first is not None:
        slopes = np.concatenate([first, steps]).reshape(n_months, *cell)
        extra[D.TREND_SLOPE] = ((D.TIME, D.SERIES, D.SECTOR), slopes)
    latent = np.concatenate([level0, levels]).reshape(n_months, *cell)

    seasonal = rng.normal(0.0, seasonal_scale, size=(*cell, 12))
    seasonal -= seasonal.mean(axis=-1, keepdims=True)
    k_mean = np.broadcast_to(np.asarray(shock_mean, dtype=float), (n_k, 2))
    effect = rng.normal(k_mean[..., None], shock_sector_sd, size=(n_k, *cell))
    decay = np.broadcast_to(np.asarray(shock_decay, dtype=float), (n_k,)).copy()
    slowing = None
    if shock_slowing is not None:
        slowing = np.broadcast_to(np.asarray(shock_slowing, dtype=float), (n_k,)).copy()
        extra[D.SHOCK_SLOWING] = ((D.SHOCK,), slowing)
    log_level = latent + effect_terms(time, seasonal, tuple(shocks), effect, decay, slowing)

    obs_sd = np.broadcast_to(np.asarray(observation_sd, dtype=float), cell)
    observed = np.exp(log_level + obs_sd * rng.normal(size=log_level.shape))
    dims2 = (D.TIME, D.SECTOR)
    coords = {D.TIME: time, D.SECTOR: sector}
    data = xr.Dataset(
        {name: (dims2, observed[:, i]) for i, name in enumerate(SERIES)}, coords=coords
    )
    truth = xr.Dataset(
        {
            D.INNOVATION_SD: ((D.SERIES, D.SECTOR), sd),
            D.COMMON_SHARE: ((D.SERIES,), share),
            D.FACTOR_CORRELATION: ((), factor_correlation),
            D.OBSERVATION_SD: ((D.SERIES, D.SECTOR), np.array(obs_sd)),
            D.TREND: ((D.TIME, D.SERIES, D.SECTOR), latent),
            **extra,
            D.LEVEL: ((D.TIME, D.SERIES, D.SECTOR), np.exp(log_level)),
            D.TIGHTNESS: (dims2, np.exp(log_level[:, 0] - log_level[:, 1])),
            D.SEASONAL: ((D.SERIES, D.SECTOR, D.MONTH_OF_YEAR), seasonal),
            D.SHOCK_EFFECT: ((D.SHOCK, D.SERIES, D.SECTOR), effect),
            D.SHOCK_DECAY: ((D.SHOCK,), decay),
        },
        coords={
            **coords,
            D.SERIES: list(SERIES),
            D.SHOCK: [s.name for s in shocks],
            D.MONTH_OF_YEAR: np.arange(1, 13),
        },
    )
    if hires:
        elasticity = np.broadcast_to(np.asarray(matching_elasticity, dtype=float), (n_s,)).copy()
        walk = np.cumsum(efficiency_sigma * rng.normal(size=(n_months, n_s)), axis=0)
        log_eff = np.log(efficiency) + walk - walk[:1]
        mu = log_hires(log_eff, log_level, elasticity, 1.0)
        data[D.HIRES] = (dims2, np.exp(mu + hires_sd * rng.normal(size=mu.shape)))
        truth[D.MATCHING_ELASTICITY] = ((D.SECTOR,), elasticity)
        truth[D.MATCHING_EFFICIENCY] = (dims2, np.exp(log_eff))
    if missing_fraction > 0:
        for name in data.data_vars:
            gaps = rng.random(data[name].shape) < missing_fraction
            data[name] = data[name].where(~gaps)
    return data, truth
