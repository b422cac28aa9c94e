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
from talentflow._config import as_generator, check_count
from talentflow._typing import RandomSeed
from talentflow.data._time import horizon_months
from talentflow.exceptions import ConfigError, DataError
from talentflow.sampling.diagnostics import diagnose

CUTOFF = "cutoff"
HORIZON = "horizon"
INTERVAL = "interval"
VARIABLE = "variable"
RESAMPLE = "resample"
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


def resample_cutoffs(
    scores: xr.Dataset, *, resamples: int = 2000, random_seed: RandomSeed | None = None
) -> xr.DataArray:
    """Bootstrap weights ``(resample, cutoff)``: how often each resample draws each cutoff.

    Whole cutoffs are drawn with replacement, so the outcomes of one cutoff, which share
    its fit and its months and so are far from independent, stay together. Pass the
    weights to :func:`summarize` or :func:`relative_crps` to get each statistic per
    resample; the same weights for two models make a paired comparison.

    Parameters
    ----------
    scores : xarray.Dataset
        A :func:`backtest` result (only its ``cutoff`` coordinate is read).
    resamples : int
        Number of bootstrap resamples.
    random_seed : int or numpy.random.Generator, optional
        Seed of the draws.

    Returns
    -------
    xarray.DataArray
        Integer counts ``(resample, cutoff)``, each row summing to the number of cutoffs.

    Raises
    ------
    ConfigError
        If ``resamples`` is not a positive integer.
    DataError
        If ``scores`` has fewer than two cutoffs.

    Examples
    --------
    >>> scores = xr.Dataset({"crps": ("cutoff", [1.0, 2.0, 3.0])},
    ...                     coords={"cutoff": [0, 1, 2]})
    >>> w = resample_cutoffs(scores, resamples=4, random_seed=0)
    >>> w.dims, w.sum("cutoff").values.tolist()
    (('resample', 'cutoff'), [3, 3, 3, 3])
    """
    n_resamples = check_count("resamples", resamples)
    n_cutoffs = scores.sizes.get(CUTOFF, 0)
    if n_cutoffs < 2:
        raise DataError([f"scores: at least 2 cutoffs to resample, got {n_cutoffs}"])
    draws = as_generator(random_seed).multinomial(
        n_cutoffs, np.full(n_cutoffs, 1.0 / n_cutoffs), size=n_resamples
    )
    return xr.DataArray(
        draws, dims=(RESAMPLE, CUTOFF), coords={CUTOFF: scores[CUTOFF].values}, name="weight"
    )


def _mean(values: xr.DataArray, over: Sequence[str], weights: xr.DataArray | None) -> xr.DataArray:
    """Mean of the non-NaN ``values`` over ``over``, each cutoff counted ``weights`` times."""
    if weights is None:
        return values.mean(list(over), skipna=True)
    rest = [d for d in over if d != CUTOFF]
    total = xr.dot(weights, values.fillna(0.0).sum(rest), dim=CUTOFF)
    count = xr.dot(weights, values.notnull().sum(rest), dim=CUTOFF)
    # A resample whose cutoffs leave a cell unobserved has no mean there (0 / 0: NaN).
    mean: xr.DataArray = total / count
    return mean


def _check_weights(cutoffs: xr.DataArray, over: Sequence[str], weights: xr.DataArray) -> None:
    """Raise unless ``weights`` resample ``cutoffs`` and ``over`` pools them."""
    if CUTOFF not in over:
        raise ConfigError(f"over must include {CUTOFF!r} when weights resample cutoffs")
    if set(weights.dims) != {RESAMPLE, CUTOFF} or not np.array_equal(
        weights[CUTOFF].values, cutoffs.values
    ):
        raise DataError(
            [
                "weights: must be resample_cutoffs(scores), dims (resample, cutoff) over the "
                "same cutoffs as the scores"
            ]
        )


def summarize(
    scores: xr.Dataset,
    *,
    over: Sequence[str] = (CUTOFF,),
    weights: xr.DataArray | None = None,
) -> xr.Dataset:
    """Average a backtest's scores over ``over`` (default: cutoffs), skipping NaN.

    ``covered`` becomes the observed coverage rate of each interval; the fits'
    convergence checks are left out (read them from the backtest itself). With
    ``weights`` from :func:`resample_cutoffs` each cutoff counts as often as a resample
    draws it, and the result gains a ``resample`` dim: its quantiles are a bootstrap
    interval of each mean (``over`` must then include ``cutoff``).

    Examples
    --------
    >>> scores = xr.Dataset({"covered": ("cutoff", [1.0, 0.0, 1.0, 1.0])},
    ...                     coords={"cutoff": [0, 1, 2, 3]})
    >>> float(summarize(scores).covered)
    0.75
    >>> boot = summarize(scores, weights=resample_cutoffs(scores, random_seed=0))
    >>> boot.covered.quantile([0.05, 0.95], "resample").values.tolist()
    [0.25, 1.0]
    """
    if weights is not None:
        _check_weights(scores[CUTOFF], over, weights)
    kept = scores.drop_vars(FIT_CHECKS, errors="ignore")
    return kept.map(_mean, over=over, weights=weights)


def relative_crps(
    scores: xr.Dataset,
    reference: xr.Dataset,
    *,
    horizons: slice | None = None,
    weights: xr.DataArray | None = None,
) -> xr.DataArray:
    """Mean CRPS of ``scores`` over that of ``reference`` (same cells), per variable.

    With ``weights`` from :func:`resample_cutoffs` both means count each cutoff as
    often as a resample draws it (a paired bootstrap), giving one ratio per resample.
    """
    pick = {HORIZON: horizons} if horizons is not None else {}
    ours, theirs = xr.align(scores.crps.sel(pick), reference.crps.sel(pick), join="inner")
    if weights is not None:
        _check_weights(ours[CUTOFF], [CUTOFF], weights)
    both = ours.notnull() & theirs.notnull()
    dims = [d for d in ours.dims if d != VARIABLE]
    ratio: xr.DataArray = _mean(ours.where(both), dims, weights) / _mean(
        theirs.where(both), dims, weights
    )
    return ratio
