"""Rolling-origin backtests of any model that meets the contract, scored with scoringrules.

For each cutoff the model is fitted to the data up to and including that month and
asked for ``horizon`` months; the forecasts are scored against what happened: CRPS
(scoringrules' ensemble estimator on the predictive draws), coverage of central
intervals and the absolute error of the median, by cutoff, horizon and sector. Each
cutoff's fit also leaves its convergence checks (worst R-hat and ESS, divergences), so
a score is never read without knowing how well its posterior was sampled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scoringrules as sr
import xarray as xr

from talentflow import _dims as D
from talentflow._config import check_count
from talentflow.data._time import horizon_months
from talentflow.exceptions import DataError
from talentflow.sampling.diagnostics import diagnose

CUTOFF = "cutoff"
HORIZON = "horizon"
INTERVAL = "interval"
VARIABLE = "variable"
#: Per-cutoff convergence checks of a Bayesian fit, named as the fields of ``Diagnostics``.
FIT_CHECKS = ("max_rhat", "min_ess_bulk", "min_ess_tail", "divergences")


def score_forecast(
    draws: xr.DataArray, observed: xr.DataArray, *, intervals: Sequence[float] = (0.5, 0.8, 0.95)
) -> xr.Dataset:
    """Score predictive ``draws`` ``(chain, draw, time, ...)`` against ``observed``.

    Returns ``crps``, ``abs_error`` (of the median) and ``covered`` (0/1 per central
    interval, ``interval`` dim), NaN where the observation is missing.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> draws = xr.DataArray(rng.normal(size=(1, 4000, 2)), dims=("chain", "draw", "time"))
    >>> obs = xr.DataArray([0.0, 5.0], dims="time")
    >>> s = score_forecast(draws, obs)
    >>> s.covered.sel(interval=0.95).values.tolist(), bool(s.crps[1] > s.crps[0])
    ([1.0, 0.0], True)
    """
    template = draws.isel({D.CHAIN: 0, D.DRAW: 0}, drop=True)
    dims = template.dims
    fct = draws.transpose(*dims, *D.SAMPLE_DIMS).values
    fct = np.asarray(fct, dtype=np.float64).reshape(*template.shape, -1)
    y = np.asarray(observed.reindex_like(template).transpose(*dims).values, dtype=np.float64)
    seen = np.isfinite(y)
    crps = np.where(seen, sr.crps_ensemble(np.where(seen, y, 0.0), fct), np.nan)
    median = np.median(fct, axis=-1)
    probs = np.asarray(list(intervals), dtype=np.float64)
    lo = np.quantile(fct, (1 - probs) / 2, axis=-1)
    hi = np.quantile(fct, (1 + probs) / 2, axis=-1)
    covered = np.where(seen, ((y >= lo) & (y <= hi)).astype(np.float64), np.nan)
    return xr.Dataset(
        {
            "crps": (dims, crps),
            "abs_error": (dims, np.where(seen, np.abs(median - y), np.nan)),
            "covered": ((INTERVAL, *dims), covered),
        },
        coords={**template.coords, INTERVAL: probs},
    )


def backtest(
    factory: Callable[[pd.Timestamp], Any],
    data: xr.Dataset,
    *,
    cutoffs: Sequence[Any],
    horizon: int,
    variables: Sequence[str],
    window: int | None = None,
    fit_kwargs: Mapping[str, Any] | None = None,
    random_seed: int = 0,
    intervals: Sequence[float] = (0.5, 0.8, 0.95),
) -> xr.Dataset:
    """Rolling-origin backtest of the models ``factory`` makes.

    Parameters
    ----------
    factory : callable
        Called with each cutoff (a :class:`pandas.Timestamp`), makes a fresh, unfitted
        model (any talentflow model or baseline); the cutoff lets a configuration use
        only what was known then, such as the shocks that had happened.
    data : xarray.Dataset
        The whole history, with a monthly ``time`` axis.
    cutoffs : sequence of dates
        Last month of each training window (anything ``numpy.datetime64`` takes).
    horizon : int
        Months forecast after each cutoff.
    window : int, optional
        Train on the last ``window`` months up to each cutoff (default: all months up
        to it). A fixed window keeps a Bayesian model's structure, so its compiled
        sampler is reused from cutoff to cutoff.
    variables : sequence of str
        Prediction variables to score (each in ``data`` and in the forecasts).
    fit_kwargs : mapping, optional
        Passed to ``fit`` (e.g. draws).
    random_seed : int
        Seed of the first fit and forecast; cutoff ``i`` uses ``random_seed + i``.
    intervals : sequence of float
        Central interval probabilities whose coverage is scored.

    Returns
    -------
    xarray.Dataset
        ``crps``, ``abs_error`` ``(variable, cutoff, horizon, sector)`` and ``covered``
        ``(variable, interval, cutoff, horizon, sector)``, NaN where the future is not
        observed (or beyond the data); :func:`summarize` averages them. ``max_rhat``,
        ``min_ess_bulk``, ``min_ess_tail`` and ``divergences`` ``(cutoff,)`` are each
        fit's convergence checks over all its stored posterior variables
        (:func:`talentflow.sampling.diagnose`); NaN for a model without a multi-chain
        posterior, such as a baseline.

    Raises
    ------
    ConfigError
        If ``horizon`` or ``window`` is not a positive integer, or ``random_seed`` a
        non-negative one.
    DataError
        Listing every cutoff outside the data's months and every variable not in them.
    """
    horizon = horizon_months(horizon)
    if window is not None:
        window = check_count("window", window, unit=" of months")
    random_seed = check_count("random_seed", random_seed, minimum=0)
    months = np.asarray(data[D.TIME].values).astype("datetime64[M]")
    stamps = np.array([np.datetime64(pd.Timestamp(c), "M") for c in cutoffs])
    problems = [
        f"cutoff {c}: outside the data's months {months[0]}..{months[-1]} (rule: inside)"
        for c in stamps
        if not months[0] <= c < months[-1]
    ]
    problems += [
        f"{v}: not in the data (rule: scored variables)" for v in variables if v not in data
    ]
    if problems:
        raise DataError(problems)
    rows = []
    for i, cutoff in enumerate(stamps):
        keep = np.flatnonzero(months <= cutoff)
        train = data.isel({D.TIME: keep[-window:] if window else keep})
        model = factory(pd.Timestamp(cutoff)).fit(
            train, random_seed=random_seed + i, **dict(fit_kwargs or {})
        )
        predictions = model.forecast(horizon, random_seed=random_seed + i)[D.PREDICTIONS]
        per_variable = []
        for name in variables:
            draws = predictions.to_dataset()[name]
            future = data[name].reindex({D.TIME: draws[D.TIME].values})
            scores = score_forecast(draws, future, intervals=intervals)
            scores = scores.assign_coords({D.TIME: np.arange(1, horizon + 1)})
            per_variable.append(scores.rename({D.TIME: HORIZON}))
        row = xr.concat(per_variable, dim=pd.Index(list(variables), name=VARIABLE))
        rows.append(row.assign(_fit_checks(model)))
    return xr.concat(rows, dim=pd.Index(stamps.astype("datetime64[ns]"), name=CUTOFF))


def _fit_checks(model: Any) -> dict[str, float]:
    """Return the convergence checks of a fitted model's posterior; NaN without two chains."""
    tree = getattr(model, "posterior_", None)
    if not isinstance(tree, xr.DataTree) or tree[D.POSTERIOR].sizes.get(D.CHAIN, 1) < 2:
        return dict.fromkeys(FIT_CHECKS, np.nan)
    d = diagnose(tree)
    return {name: float(getattr(d, name)) for name in FIT_CHECKS}


def summarize(scores: xr.Dataset, *, over: Sequence[str] = (CUTOFF,)) -> xr.Dataset:
    """Average a backtest's scores over ``over`` (default: cutoffs), skipping NaN.

    ``covered`` becomes the observed coverage rate of each interval; the fits'
    convergence checks are left out (read them from the backtest itself).
    """
    return scores.drop_vars(FIT_CHECKS, errors="ignore").mean(list(over), skipna=True)


def relative_crps(
    scores: xr.Dataset, reference: xr.Dataset, *, horizons: slice | None = None
) -> xr.DataArray:
    """Mean CRPS of ``scores`` over that of ``reference`` (same cells), per variable."""
    pick = {HORIZON: horizons} if horizons is not None else {}
    ours, theirs = xr.align(scores.crps.sel(pick), reference.crps.sel(pick), join="inner")
    both = ours.notnull() & theirs.notnull()
    dims = [d for d in ours.dims if d != VARIABLE]
    ratio: xr.DataArray = ours.where(both).mean(dims) / theirs.where(both).mean(dims)
    return ratio
