"""Array kernels of return migration: the hazard shape and the cohort accounting.

The return model's arithmetic lives here once, for NumPy and PyTensor alike (``xp``),
and never imports xarray. Axes: leading sample axes, then ``time`` (the month of
return or of observation), ``cohort`` (the month of departure, same months as
``time``), ``sector``, ``destination``.

The hazard is proportional on the cumulative scale of a log-logistic baseline: a
cohort cell with multiplier ``m`` is still abroad ``a`` months after departure with
probability ``S(a) = (1 + (a / scale) ** shape) ** (-m)``; ``shape > 1`` gives a
hazard that rises for the first months and then falls, ``shape <= 1`` one that only
falls. Everything below follows from ``S``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from talentflow._typing import Tensor


def cumulative_hazard(months: Tensor, scale: Tensor, shape: Tensor, xp: Any) -> Tensor:
    """Baseline cumulative hazard ``log(1 + (a / scale) ** shape)`` at ``months`` abroad.

    ``months`` is the last axis; ``scale`` and ``shape`` broadcast from the left
    (sample axes) and are arrays or tensors, not Python floats.

    Examples
    --------
    >>> np.round(cumulative_hazard(np.arange(3.0), np.array(1.0), np.array(1.0), np), 4)
    array([0.    , 0.6931, 1.0986])
    """
    log_ratio = xp.log(xp.maximum(months, 1e-300)) - xp.log(scale)[..., None]
    return xp.log1p(xp.exp(shape[..., None] * log_ratio))


#: Months abroad at which ``hazard_level`` is set: ``exp(hazard_level)`` is the
#: cumulative hazard of an average cohort after this many months, so the share of it
#: back by then is ``1 - exp(-exp(hazard_level))``. Tying the level to a month the
#: data cover keeps it from trading off against the shape's scale.
REFERENCE_MONTHS = 12.0


def group_log_multiplier(
    level: Tensor,
    scale: Tensor,
    shape: Tensor,
    sector_effect: Tensor,
    destination_effect: Tensor | None,
    wave_effect: Tensor | None,
    xp: Any,
) -> Tensor:
    """Log hazard multiplier per cohort group and cell, shape ``(..., group, sector, destination)``.

    Groups are the waves in order, then everyone else (no wave effect). ``level``,
    ``scale``, ``shape`` have the sample shape; ``sector_effect`` adds ``(sector,)``,
    ``destination_effect`` ``(destination,)`` and ``wave_effect`` ``(wave,)``. Without
    destination effects the destination axis has length one.

    Examples
    --------
    >>> m = group_log_multiplier(np.array(0.0), np.array(12.0), np.array(1.0),
    ...                          np.zeros(2), None, np.array([1.0]), np)
    >>> m.shape, np.round(m[:, 0, 0] - m[-1, 0, 0], 3).tolist()
    ((2, 2, 1), [1.0, 0.0])
    """
    reference = xp.log(cumulative_hazard(np.array([REFERENCE_MONTHS]), scale, shape, xp))
    out = (level - reference[..., 0])[..., None, None, None] + sector_effect[..., None, :, None]
    if destination_effect is not None:
        out = out + destination_effect[..., None, None, :]
    if wave_effect is None:
        return out
    other = 0.0 * wave_effect.sum(axis=-1, keepdims=True)  # (..., 1), also with no waves
    offsets = xp.concatenate([wave_effect, other], axis=-1)
    return out + offsets[..., :, None, None]


def group_matrix(membership: np.ndarray) -> np.ndarray:
    """``(time, group)`` 0/1 matrix from the ``(time, wave)`` wave membership: waves, then other.

    Examples
    --------
    >>> group_matrix(np.array([[0.0], [1.0]])).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    membership = np.asarray(membership, dtype=np.float64)
    return np.concatenate([membership, 1.0 - membership.sum(axis=1, keepdims=True)], axis=1)


def monthly_hazard(cum: Tensor, log_multiplier: Tensor, xp: Any) -> Tensor:
    """Probability of returning in month ``a`` abroad given still abroad after ``a - 1``.

    ``cum`` is the baseline cumulative hazard at ``a = 0, 1, ..., n`` (last axis);
    ``log_multiplier`` broadcasts against ``cum[..., 1:]``. Returns ``n`` hazards.

    Examples
    --------
    >>> cum = cumulative_hazard(np.arange(4.0), np.array(2.0), np.array(2.0), np)
    >>> np.round(monthly_hazard(cum, np.array(0.0), np), 3)
    array([0.2  , 0.375, 0.385])
    """
    step = cum[..., 1:] - cum[..., :-1]
    return -xp.expm1(-xp.exp(log_multiplier) * step)


def _lags(n_time: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Months since departure ``t - c`` on the ``(time, cohort)`` grid, clipped, and masks."""
    lag = np.arange(n_time)[:, None] - np.arange(n_time)[None, :]
    return np.clip(lag, 0, None), (lag >= 1).astype(np.float64), (lag >= 0).astype(np.float64)


def cohort_flows(
    departures: Tensor,
    group_log_multiplier: Tensor,
    groups: np.ndarray,
    cum: Tensor,
    xp: Any,
    *,
    n_time: int,
) -> tuple[Tensor, Tensor]:
    """Compute expected returns and stock abroad by month of return and month of departure.

    A cohort's hazard depends on its month only through its group (wave or not), so
    the survival curves are computed once per group and months abroad; the cohort
    sum is then multiply-adds over a (month x cohort) grid, with no exponential in it.

    Parameters
    ----------
    departures : array (..., time, sector, destination)
        People leaving in each month (each month is also a departure cohort).
    group_log_multiplier : array (..., group, sector, destination)
        Log hazard multiplier of each cohort group (see :func:`group_log_multiplier`).
    groups : array (time, group)
        Which group each departure month belongs to (one 1 per row; see
        :func:`group_matrix`).
    cum : array (..., n)
        Baseline cumulative hazard at ``0, 1, ..., n - 1`` months abroad, ``n >= time``.
    xp : module
        ``numpy`` or ``pytensor.tensor``.
    n_time : int
        Number of months (static, so the lag grid is a constant of the graph).

    Returns
    -------
    returns : array (..., time, cohort, sector, destination)
        Expected returns in month ``t`` of those who left in month ``c`` (zero unless
        ``c < t``): departures x still abroad after ``t - c - 1`` months x hazard.
    stock : array (..., time, cohort, sector, destination)
        Expected number of cohort ``c`` still abroad at the end of month ``t``
        (zero before departure).

    Examples
    --------
    >>> cum = cumulative_hazard(np.arange(3.0), np.array(1.0), np.array(1.0), np)
    >>> back, abroad = cohort_flows(np.array([[[100.0]], [[0.0]], [[0.0]]]),
    ...                             np.zeros((1, 1, 1)), np.ones((3, 1)), cum, np, n_time=3)
    >>> np.round(back[:, 0, 0, 0], 2).tolist(), np.round(abroad[:, 0, 0, 0], 2).tolist()
    ([0.0, 50.0, 16.67], [100.0, 50.0, 33.33])
    """
    lag, returning, departed = _lags(n_time)
    m = xp.exp(group_log_multiplier)[..., :, None, :, :]  # (..., group, 1, s, d)
    months = cum[..., :n_time]
    step = xp.concatenate([xp.zeros_like(months[..., :1]), months[..., 1:] - months[..., :-1]], -1)
    still = xp.exp(-m * months[..., None, :, None, None])  # (..., group, months abroad, s, d)
    before = xp.concatenate([xp.ones_like(still[..., :1, :, :]), still[..., :-1, :, :]], axis=-3)
    back_share = before * -xp.expm1(-m * step[..., None, :, None, None])
    weight = groups.T[:, None, :, None, None]  # (group, 1, cohort, 1, 1)
    cohorts = departures[..., None, :, :, :]
    back = (xp.take(back_share, lag, axis=-3) * weight).sum(axis=-5)
    abroad = (xp.take(still, lag, axis=-3) * weight).sum(axis=-5)
    return (
        cohorts * back * returning[:, :, None, None],
        cohorts * abroad * departed[:, :, None, None],
    )


def survival(months: Tensor, log_multiplier: Tensor, scale: Tensor, shape: Tensor) -> Tensor:
    """Share of a cohort still abroad after ``months`` (NumPy), for any multiplier.

    ``log_multiplier`` has shape ``(*sample, ...)``; ``scale`` and ``shape`` have shape
    ``sample``; the result has ``months`` as a new last axis.

    Examples
    --------
    >>> np.round(survival(np.array([0.0, 1.0, 3.0]), np.array(0.0), np.array(1.0),
    ...                   np.array(1.0)), 3)
    array([1.  , 0.5 , 0.25])
    """
    extra = np.ndim(log_multiplier) - np.ndim(scale)
    scale = np.reshape(scale, np.shape(scale) + (1,) * extra)
    shape = np.reshape(shape, np.shape(shape) + (1,) * extra)
    cum = cumulative_hazard(np.asarray(months, dtype=np.float64), scale, shape, np)
    return np.asarray(np.exp(-np.exp(log_multiplier)[..., None] * cum), dtype=np.float64)
