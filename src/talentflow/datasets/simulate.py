"""Simulate outflow panels from the model's generative process, with the truth kept."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import RandomSeed
from talentflow.data._time import month_numbers
from talentflow.models import kernels
from talentflow.models.shocks import Shock, shock_profile, shock_timing

ArrayLike = npt.ArrayLike


def _labels(spec: int | Sequence[str], prefix: str) -> np.ndarray:
    if isinstance(spec, int):
        return np.array([f"{prefix}{i}" for i in range(spec)], dtype=object)
    return np.array(list(spec), dtype=object)


def simulate_outflow(
    *,
    sectors: int | Sequence[str] = 3,
    destinations: int | Sequence[str] = 3,
    n_months: int = 36,
    start: str = "2021-01",
    workforce: ArrayLike = 100_000.0,
    shocks: Sequence[Shock] = (),
    baseline_mean: float = -6.0,
    baseline_sd: float = 0.4,
    baseline: ArrayLike | None = None,
    trend_sigma: ArrayLike = 0.04,
    shock_mean: ArrayLike = 1.0,
    shock_sector_sd: float = 0.3,
    shock_effect: ArrayLike | None = None,
    shock_decay: ArrayLike = 0.3,
    destination_preference: ArrayLike | None = None,
    destination_sector_sd: float = 0.3,
    destination_share: ArrayLike | None = None,
    overdispersion: float = 0.1,
    missing_fraction: float = 0.0,
    random_seed: RandomSeed,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Simulate an outflow panel and return ``(data, truth)``.

    The process is the outflow model's: log rate = baseline + random-walk trend +
    decaying shocks; destination shares = softmax(global preference + sector
    deviation); negative-binomial counts. Parameters not given are drawn around the
    given pooled values. ``truth`` holds every parameter under the posterior's names.

    Parameters
    ----------
    sectors, destinations : int or sequence of str
        How many (labelled ``S0, S1, ...`` / ``D0, ...``) or the labels.
    n_months : int
        Length of the monthly panel starting at ``start``.
    workforce : float or array
        Workforce per sector (held constant).
    shocks : sequence of Shock
        Shocks in the panel.
    baseline : array, optional
        Log monthly outflow rate per sector at the first month; drawn from
        ``Normal(baseline_mean, baseline_sd)`` if not given.
    trend_sigma : float or array
        Month-to-month innovation scale of the log-rate trend, per sector.
    shock_mean, shock_effect, shock_sector_sd, shock_decay
        Shock sizes: ``shock_effect (shock, sector)`` if given, else drawn around
        ``shock_mean`` per shock with ``shock_sector_sd``; decay per shock.
    destination_preference : array, optional
        Global log preference per destination (centred); drawn if not given.
    destination_sector_sd : float
        Spread of sector deviations from the global preference.
    destination_share : array, optional
        Shares ``(sector, destination)`` to use as they are (rows renormalised),
        instead of drawing them from the preferences.
    overdispersion : float
        Negative-binomial ``phi`` (variance ``mu + (phi mu)^2``).
    missing_fraction : float
        Fraction of outflow cells set to NaN at random.
    random_seed : int or numpy.random.Generator
        Seed.

    Returns
    -------
    data : xarray.Dataset
        ``outflow(time, sector, destination)`` and ``workforce(sector)``.
    truth : xarray.Dataset
        The parameters that generated ``data``.

    Examples
    --------
    >>> data, truth = simulate_outflow(sectors=["IT", "Finance"], destinations=2,
    ...                                n_months=12, random_seed=3)
    >>> dict(data.outflow.sizes)
    {'time': 12, 'sector': 2, 'destination': 2}
    >>> float(truth.destination_share.sum("destination").min())
    1.0
    """
    rng = as_generator(random_seed)
    sector = _labels(sectors, "S")
    destination = _labels(destinations, "D")
    n_s, n_d, n_k = len(sector), len(destination), len(shocks)
    time = pd.date_range(pd.Timestamp(start), periods=n_months, freq="MS").values

    if baseline is None:
        baseline = rng.normal(baseline_mean, baseline_sd, n_s)
    base = np.broadcast_to(np.asarray(baseline, dtype=float), (n_s,)).copy()
    sigma = np.broadcast_to(np.asarray(trend_sigma, dtype=float), (n_s,)).copy()
    steps = sigma * rng.normal(size=(n_months - 1, n_s))
    zeros = np.zeros((1, n_s))
    levels, _ = kernels.trend_paths(zeros, zeros, steps, None, np)
    trend = np.concatenate([zeros, levels], axis=0)

    k_mean = np.broadcast_to(np.asarray(shock_mean, dtype=float), (n_k,)).copy()
    if shock_effect is None:
        effect = k_mean[:, None] + shock_sector_sd * rng.normal(size=(n_k, n_s))
    else:
        effect = np.broadcast_to(np.asarray(shock_effect, dtype=float), (n_k, n_s)).copy()
    decay = np.broadcast_to(np.asarray(shock_decay, dtype=float), (n_k,)).copy()
    timing = shock_timing(tuple(shocks), month_numbers(time))
    profile = shock_profile(timing, decay) if n_k else None
    rate = kernels.log_rate(base, trend, effect if n_k else None, profile)

    if destination_preference is None:
        destination_preference = rng.normal(0.0, 1.0, n_d)
    pref = np.broadcast_to(np.asarray(destination_preference, dtype=float), (n_d,))
    pref = pref - pref.mean()
    dev = destination_sector_sd * rng.normal(size=(n_s, n_d))
    logits = pref + dev - dev.mean(axis=1, keepdims=True)
    if destination_share is not None:
        given = np.broadcast_to(np.asarray(destination_share, dtype=float), (n_s, n_d))
        logits = np.log(given / given.sum(axis=1, keepdims=True))
        pref = logits.mean(axis=0) - logits.mean()
    log_share = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))

    wf = np.broadcast_to(np.asarray(workforce, dtype=float), (n_s,)).copy()
    log_wf = np.broadcast_to(np.log(wf), (n_months, n_s))
    mu = np.exp(kernels.log_expected_outflow(log_wf, rate, log_share))
    counts = kernels.draw_negative_binomial(rng, mu, np.asarray(overdispersion))
    if missing_fraction > 0:
        counts[rng.random(counts.shape) < missing_fraction] = np.nan

    coords = {D.TIME: time, D.SECTOR: sector, D.DESTINATION: destination}
    data = xr.Dataset(
        {
            D.OUTFLOW: ((D.TIME, D.SECTOR, D.DESTINATION), counts),
            D.WORKFORCE: ((D.SECTOR,), wf),
        },
        coords=coords,
    )
    shock_names = np.array([s.name for s in shocks], dtype=object)
    truth = xr.Dataset(
        {
            D.BASELINE: ((D.SECTOR,), base),
            D.TREND: ((D.TIME, D.SECTOR), trend),
            D.TREND_SIGMA: ((D.SECTOR,), sigma),
            D.SHOCK_EFFECT: ((D.SHOCK, D.SECTOR), effect),
            D.SHOCK_DECAY: ((D.SHOCK,), decay),
            D.DESTINATION_PREFERENCE: ((D.DESTINATION,), pref),
            D.DESTINATION_SHARE: ((D.SECTOR, D.DESTINATION), np.exp(log_share)),
            D.OVERDISPERSION: ((), float(overdispersion)),
            D.OUTFLOW_RATE: ((D.TIME, D.SECTOR), np.exp(rate)),
            D.EXPECTED_OUTFLOW: ((D.TIME, D.SECTOR, D.DESTINATION), mu),
        },
        coords={**coords, D.SHOCK: shock_names},
    )
    return data, truth
