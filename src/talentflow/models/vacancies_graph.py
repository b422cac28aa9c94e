"""Configuration and pure graph builder of the vacancy / job-seeker model.

The latent log levels of vacancies and job seekers per sector follow a local level (random
walk, the default) or an integrated AR(1) (monthly increments with momentum). Their innovations are
correlated across sectors and between the two series through one common factor per
series, the two factors themselves correlated (the Beveridge curve's co-movement). Named
shocks add decaying effects, a seasonal term per series and sector can be switched off,
and observations are the levels with log-normal noise. With hires, a matching function
with a random-walk efficiency ties them to the latent levels. The latent paths (levels,
increments, efficiencies) are integrated out of the sampled density by a Kalman filter.
Priors and their reasons: ``docs/vacancies.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from talentflow import _dims as D
from talentflow._typing import FloatArray, ShockFading, Tensor, VacancyTrend
from talentflow.data._time import month_numbers
from talentflow.exceptions import ConfigError
from talentflow.models.kalman import StateSpace, kalman_loglik
from talentflow.models.shocks import (
    Shock,
    check_shocks_in_data,
    fitted_shocks,
    shock_profile,
    shock_timing,
)
from talentflow.priors import Beta, HalfNormal, LogNormal, Normal

#: The two modelled series, in the order of the ``series`` dim.
SERIES: tuple[str, str] = (D.VACANCIES, D.JOB_SEEKERS)
#: Months of the year (an internal dim, never in outputs).
_MONTHS = np.arange(1, 13)

ReturnsToScale = Literal["constant", "free"]


@dataclass(frozen=True, kw_only=True)
class VacancyPriors:
    """Priors of the vacancy model (log-level scale unless noted).

    Examples
    --------
    >>> VacancyPriors().innovation_scale
    HalfNormal(sigma=0.1)
    """

    #: Typical monthly innovation of a series' latent log level (pooled over sectors).
    innovation_scale: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.1))
    #: Log-scale spread of the sectors' innovation sds around the series' scale (fixed,
    #: not sampled, to avoid a funnel with few sectors).
    innovation_spread: float = 0.3
    #: Share of a series' innovation variance that is common to all sectors.
    common_share: Beta = field(default_factory=lambda: Beta(alpha=2.0, beta=2.0))
    #: AR(1) coefficient of the monthly increments (integrated AR(1) only); mean 0.5.
    increment_persistence: Beta = field(default_factory=lambda: Beta(alpha=2.0, beta=2.0))
    #: Spread of the starting level around the first year's mean log value.
    start_sd: float = 0.5
    #: Sd of the seasonal effects (log scale) per series.
    seasonal_scale: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.1))
    #: Observation noise of each series and sector (log scale); median 5%, kept away
    #: from zero (no series is measured exactly).
    observation_sd: LogNormal = field(
        default_factory=lambda: LogNormal(mu=float(np.log(0.05)), sigma=1.0)
    )
    #: Mean full-size effect of each shock on each series across sectors (log multiplier).
    shock_mean: Normal = field(default_factory=lambda: Normal(mu=0.0, sigma=1.0))
    #: Spread of a shock's sector effects around its series mean.
    shock_sector_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.3))
    #: Fraction of a shock's effect that fades each month.
    shock_decay: Beta = field(default_factory=lambda: Beta(alpha=2.0, beta=5.0))
    #: How fast a shock's monthly rate of fading falls with age (``shock_fading="slowing"``
    #: only): 0 is geometric; at 1 the share left ``a`` months after the peak is
    #: ``1 / (1 + b a)``, so a fast early recovery can leave a long tail.
    shock_slowing: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=1.0))
    #: Pooled logit of the matching elasticity with respect to vacancies.
    elasticity_logit: Normal = field(default_factory=lambda: Normal(mu=0.0, sigma=1.0))
    #: Spread of the sectors' elasticity logits.
    elasticity_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))
    #: Returns to scale of the matching function (only when ``returns_to_scale="free"``).
    returns_to_scale: LogNormal = field(default_factory=lambda: LogNormal(mu=0.0, sigma=0.2))
    #: Log matching efficiency at the first month, per sector (the start law of its
    #: random walk, which the Kalman filter integrates out).
    efficiency_start: Normal = field(default_factory=lambda: Normal(mu=0.0, sigma=2.0))
    #: Monthly innovation sd of log matching efficiency.
    efficiency_sigma: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.05))
    #: Observation noise of hires (log scale).
    hires_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.2))


def check_trend(trend: object) -> None:
    """Raise ``ConfigError`` unless ``trend`` names one of the vacancy model's dynamics.

    Examples
    --------
    >>> check_trend("local_level")
    """
    if trend not in get_args(VacancyTrend):
        raise ConfigError(f"trend must be one of {get_args(VacancyTrend)}, got {trend!r}")


@dataclass(frozen=True, kw_only=True)
class VacancyConfig:
    """Configuration of :class:`~talentflow.VacancyModel`.

    Parameters
    ----------
    shocks : tuple of Shock
        Named, dated shocks (e.g. 2020-04, or the 2007-12 recession with
        ``peak="2009-06"``) whose effects on each series and sector and whose decay are
        estimated.
    trend : {"local_level", "integrated_ar1"}
        Latent dynamics of each log level: a random walk (the default), or monthly
        increments that follow an AR(1) (``increment_persistence``; an ARIMA(1,1,0), so
        forecasts carry recent momentum and fade it). The AR(1) coefficient trades off
        against the innovation scales and mixes slowly on short chains.
    shock_fading : {"geometric", "slowing"}
        How a shock's effect fades after its peak: by a constant fraction
        ``shock_decay`` a month (the default), or with that rate in the first month
        and falling with age at ``shock_slowing`` (estimated per shock), so one shock
        can recover fast at first and slowly later (see
        :func:`~talentflow.models.shocks.shock_profile`).
    seasonal : bool
        Add a seasonal term per series and sector (switch off when every series is
        seasonally adjusted).
    innovation_count_power : tuple of float
        Exponent ``p`` (vacancies, job seekers) by which each series' innovation sd
        grows as its count falls: the innovation from month ``t`` to ``t + 1`` has sd
        ``innovation_sd x (c[T] / c[t]) ** p``, where ``c[t]`` is the mean count of the
        twelve months to ``t`` and ``T`` the last month, so ``innovation_sd`` is the sd
        at the end of the data and forecasts keep it. ``0`` (the default) is a constant
        sd; ``0.5`` is the rate of survey sampling error, whose relative size grows as
        the square root of the count's fall. Each in ``[0, 1]``.
    observation_count_power : tuple of float
        The same for each series' observation noise: its sd in month ``t`` is
        ``observation_sd x (c[T] / c[t]) ** p``, so ``observation_sd`` is the noise at
        the end of the data, which forecasts draw. ``0.5`` matches the sampling error
        of a survey count, whose relative sd grows as the square root of the count's
        fall. Each in ``[0, 1]``.
    returns_to_scale : {"constant", "free"}
        Matching function ``hires = efficiency x V^a x U^(1-a)`` (constant) or
        ``V^a x U^(r-a)`` with ``r`` estimated (free).
    priors : VacancyPriors
        Prior distributions.

    Examples
    --------
    >>> from talentflow import Shock
    >>> cfg = VacancyConfig(shocks=(Shock(name="covid", start="2020-04"),))
    >>> cfg.trend, cfg.seasonal
    ('local_level', True)
    """

    shocks: tuple[Shock, ...] = ()
    trend: VacancyTrend = "local_level"
    shock_fading: ShockFading = "geometric"
    seasonal: bool = True
    innovation_count_power: tuple[float, float] = (0.0, 0.0)
    observation_count_power: tuple[float, float] = (0.0, 0.0)
    returns_to_scale: ReturnsToScale = "constant"
    priors: VacancyPriors = field(default_factory=VacancyPriors)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shocks", fitted_shocks(self.shocks))
        check_trend(self.trend)
        if self.shock_fading not in get_args(ShockFading):
            raise ConfigError(
                f"shock_fading must be one of {get_args(ShockFading)}, got {self.shock_fading!r}"
            )
        if self.returns_to_scale not in ("constant", "free"):
            raise ConfigError(
                f"returns_to_scale must be 'constant' or 'free', got {self.returns_to_scale!r}"
            )
        if not isinstance(self.seasonal, bool):
            raise ConfigError(f"seasonal must be True or False, got {self.seasonal!r}")
        for name in ("innovation_count_power", "observation_count_power"):
            _check_power(name, getattr(self, name))


def _check_power(name: str, power: object) -> None:
    """Raise a :class:`ConfigError` naming ``name`` unless ``power`` is a pair in [0, 1]."""
    if (
        not isinstance(power, tuple)
        or len(power) != len(SERIES)
        or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0.0 <= x <= 1.0
            for x in power
        )
    ):
        raise ConfigError(
            f"{name} must be a pair of numbers in [0, 1] (vacancies, job seekers), got {power!r}"
        )


def stored_variables(config: VacancyConfig, with_hires: bool) -> list[str]:
    """Names of the posterior variables a fit keeps (the non-centred internals are dropped)."""
    names = [
        D.INNOVATION_SCALE,
        D.INNOVATION_SD,
        D.COMMON_SHARE,
        D.FACTOR_CORRELATION,
        D.OBSERVATION_SD,
        D.TREND,
        D.LEVEL,
        D.TIGHTNESS,
    ]
    if config.trend == "integrated_ar1":
        names += [D.INCREMENT_PERSISTENCE, D.TREND_SLOPE]
    if config.seasonal:
        names += [D.SEASONAL_SCALE, D.SEASONAL]
    if config.shocks:
        names += [D.SHOCK_MEAN, D.SHOCK_SECTOR_SD, D.SHOCK_EFFECT, D.SHOCK_DECAY]
        if config.shock_fading == "slowing":
            names.append(D.SHOCK_SLOWING)
    if with_hires:
        names += [
            D.MATCHING_ELASTICITY,
            D.MATCHING_EFFICIENCY,
            D.EFFICIENCY_SIGMA,
            D.HIRES_SD,
        ]
        if config.returns_to_scale == "free":
            names.append(D.RETURNS_TO_SCALE)
    return names


def month_of_year(times: np.ndarray) -> FloatArray:
    """One-hot month of the year, shape ``(time, 12)``."""
    months = np.asarray(month_numbers(times) % 12)
    onehot: FloatArray = (months[:, None] == np.arange(12)[None, :]).astype(np.float64)
    return onehot


def _log_values(data: xr.Dataset, name: str) -> FloatArray:
    return np.log(data[name].transpose(D.TIME, D.SECTOR).values.astype(np.float64))


def model_arrays(data: xr.Dataset, config: VacancyConfig) -> dict[str, np.ndarray]:
    """Return the values of the model's data containers for validated ``data`` (pure).

    Raises
    ------
    DataError
        If a configured shock peaks outside the data's months.
    """
    months = month_numbers(data[D.TIME].values)
    check_shocks_in_data(config.shocks, months)
    y = np.stack([_log_values(data, name) for name in SERIES], axis=1)  # time, series, sector
    first_year = y[:12]
    start = np.nanmean(np.where(np.isfinite(first_year), first_year, np.nan), axis=0)
    fallback = np.nanmean(y, axis=0)
    log_start = np.where(np.isfinite(start), start, fallback)
    arrays = {
        "log_observed": np.nan_to_num(y),
        "observed_mask": np.isfinite(y).astype(np.float64),
        "log_start": log_start,
    }
    if config.seasonal:
        arrays["month_onehot"] = month_of_year(data[D.TIME].values)
    if D.HIRES in data:
        hires = _log_values(data, D.HIRES)
        arrays["log_hires"] = np.nan_to_num(hires)
        arrays["hires_mask"] = np.isfinite(hires).astype(np.float64)
    if config.shocks:
        arrays["shock_timing"] = shock_timing(config.shocks, months)
    if any(config.innovation_count_power):
        arrays["innovation_weight"] = count_weights(data, config.innovation_count_power)
    if any(config.observation_count_power):
        arrays["observation_weight"] = count_weights(data, config.observation_count_power)
    return arrays


def count_weights(data: xr.Dataset, power: tuple[float, float]) -> FloatArray:
    """Scale of each month's innovation or noise sd, ``(c[T] / c[t]) ** p``, ``(time, 2 J)``.

    ``c[t]`` is the mean of a series' observed counts over the twelve months to ``t``
    (fewer at the start; carried forward over a gap), so the month-``t`` scale uses no
    later data; ``p`` is the series' entry of ``power``. Columns run over ``(series,
    sector)``, series first; the last row is 1.

    Examples
    --------
    >>> times = pd.date_range("2020-01", periods=13, freq="MS").values
    >>> counts = np.r_[np.full(12, 400.0), 4.0][:, None]
    >>> data = xr.Dataset({name: (("time", "sector"), counts) for name in SERIES},
    ...                   coords={"time": times, "sector": ["a"]})
    >>> w = count_weights(data, (0.0, 0.5))
    >>> w[[0, -1]].round(3).tolist()  # c[T] = (11 x 400 + 4) / 12 = 367
    [[1.0, 0.958], [1.0, 1.0]]
    """
    out = []
    for name, p in zip(SERIES, power, strict=True):
        counts = pd.DataFrame(data[name].transpose(D.TIME, D.SECTOR).values.astype(np.float64))
        mean = counts.rolling(12, min_periods=1).mean().ffill().bfill().to_numpy()
        ratio = np.where(np.isfinite(mean[-1]), mean[-1] / mean, 1.0)
        out.append(np.nan_to_num(ratio, nan=1.0) ** p)
    weights: FloatArray = np.concatenate(out, axis=1)
    return weights


def model_coords(data: xr.Dataset, config: VacancyConfig) -> dict[str, np.ndarray]:
    """Coordinates of the model: the data's labels, series, shocks, months of the year."""
    return {
        D.TIME: data[D.TIME].values,
        D.SERIES: np.array(SERIES, dtype=object),
        D.SECTOR: data[D.SECTOR].values,
        D.SHOCK: np.array([s.name for s in config.shocks], dtype=object),
        D.MONTH_OF_YEAR: _MONTHS,
    }


def innovations(
    sd: Tensor, common_share: Tensor, correlation: Tensor, common: Tensor, own: Tensor, xp: Any
) -> Tensor:
    """Correlated innovations ``(..., step, series, sector)`` from standard normal draws.

    ``common`` ``(..., step, 2)`` are the two factors' draws, made correlated by
    ``correlation``; ``own`` ``(..., step, series, sector)`` are idiosyncratic draws;
    ``common_share`` ``(..., series)`` is the factor's share of the variance and ``sd``
    ``(..., series, sector)`` the innovation sd.

    Examples
    --------
    >>> out = innovations(np.ones((2, 1)), np.array([1.0, 1.0]), np.array(-1.0),
    ...                   np.array([[2.0, 0.0]]), np.zeros((1, 2, 1)), np)
    >>> out.ravel().tolist()
    [2.0, -2.0]
    """
    r = correlation[..., None]
    f1 = common[..., 0]
    factors = xp.stack([f1, r * f1 + xp.sqrt(1.0 - r**2) * common[..., 1]], axis=-1)
    w = common_share[..., None, :, None]
    mixed = xp.sqrt(w) * factors[..., None] + xp.sqrt(1.0 - w) * own
    return sd[..., None, :, :] * mixed


def damped_paths(start: FloatArray, steps: FloatArray, damping: FloatArray) -> FloatArray:
    """Roll ``x[t] = damping * x[t - 1] + steps[t]`` on from ``start`` (NumPy only).

    ``start`` has shape ``(..., 1, k)``, ``steps`` ``(..., n, k)`` and ``damping``
    broadcasts to ``(..., k)``; leading axes are sample axes. Returns ``x`` at steps
    ``1..n``: the increments of the integrated AR(1), for the simulator and the forecast.

    Examples
    --------
    >>> damped_paths(np.ones((1, 1)), np.zeros((3, 1)), np.array([0.5])).ravel().tolist()
    [0.5, 0.25, 0.125]
    """
    x = np.asarray(start, dtype=np.float64)[..., 0, :]
    out = []
    for t in range(steps.shape[-2]):
        x = damping * x + steps[..., t, :]
        out.append(x)
    paths: FloatArray = np.stack(out, axis=-2)
    return paths


def walk_levels(
    last: FloatArray,
    sd: FloatArray,
    common_share: FloatArray,
    correlation: FloatArray,
    n_steps: int,
    rng: np.random.Generator,
    *,
    slope: FloatArray | None = None,
    persistence: FloatArray | None = None,
    scale: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Roll the latent log levels ``n_steps`` months on from ``last`` (NumPy only).

    ``last`` is ``(..., 1, 2 J)`` (series first, then sectors), leading axes being
    sample axes; ``sd``, ``common_share`` and ``correlation`` are as in
    :func:`innovations`, with the same leading axes. Under the integrated AR(1), give
    ``persistence`` ``(..., 2 J)`` and the increment ``slope`` ``(..., 1, 2 J)`` the
    walk carries on from; ``scale`` ``(n_steps, 2 J)`` multiplies each step's
    innovations (:func:`count_weights`). Returns the levels and the increments of steps
    ``1..n``, each ``(..., n_steps, 2 J)``: the simulator, the prior predictive and the
    forecast all walk this way.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> levels, steps = walk_levels(np.zeros((1, 2)), np.zeros((2, 1)), np.full(2, 0.5),
    ...                             np.array(0.0), 3, rng)
    >>> levels.shape, float(np.abs(levels).max())
    ((3, 2), 0.0)
    """
    lead = last.shape[:-2]
    n_sector = sd.shape[-1]
    steps = innovations(
        sd,
        common_share,
        correlation,
        rng.normal(size=(*lead, n_steps, 2)),
        rng.normal(size=(*lead, n_steps, 2, n_sector)),
        np,
    ).reshape(*lead, n_steps, 2 * n_sector)
    if scale is not None:
        steps = steps * scale
    if persistence is not None:
        if slope is None:
            raise ValueError("walk_levels: the integrated AR(1) needs the last increment")
        steps = damped_paths(slope, steps, persistence)
    levels: FloatArray = last + np.cumsum(steps, axis=-2)
    return levels, steps


def stationary_increment(
    sd: FloatArray,
    common_share: FloatArray,
    correlation: FloatArray,
    persistence: FloatArray,
    rng: np.random.Generator,
) -> FloatArray:
    """Draw the increment before the first month from its stationary law (NumPy only).

    Arguments as in :func:`walk_levels`, with the same leading sample axes; returns
    ``(..., 1, 2 J)``.

    Examples
    --------
    >>> x = stationary_increment(np.ones((1000, 2, 1)), np.full((1000, 2), 0.5),
    ...                          np.zeros(1000), np.full((1000, 2), 0.6),
    ...                          np.random.default_rng(0))
    >>> x.shape, bool(1.3 < x.var() < 1.8)  # 1 / (1 - 0.6 ** 2) = 1.5625
    ((1000, 1, 2), True)
    """
    lead = sd.shape[:-2]
    size = 2 * sd.shape[-1]
    flat_sd = sd.reshape(-1, *sd.shape[-2:])
    flat_share = common_share.reshape(-1, 2)
    flat_rho = np.reshape(correlation, (-1,))
    flat_phi = persistence.reshape(-1, size)
    cov = np.stack(
        [
            stationary_covariance(
                innovation_covariance(flat_sd[i], flat_share[i], flat_rho[i], np), flat_phi[i]
            )
            for i in range(flat_sd.shape[0])
        ]
    )
    draws = np.einsum("nij,nj->ni", np.linalg.cholesky(cov), rng.normal(size=(len(cov), size)))
    increment: FloatArray = draws.reshape(*lead, 1, size)
    return increment


def effect_terms(
    times: np.ndarray,
    seasonal: FloatArray | None,
    shocks: tuple[Shock, ...],
    effect: FloatArray,
    decay: FloatArray,
    slowing: FloatArray | None = None,
) -> FloatArray:
    """Seasonal and shock terms of the log levels ``(..., time, series, sector)`` (NumPy).

    ``seasonal`` is ``(..., series, sector, month_of_year)`` (``None``: no seasonal
    term); ``effect`` ``(..., shock, series, sector)``, ``decay`` and ``slowing``
    ``(..., shock)`` are the full-size effects and fading of ``shocks`` (ignored when
    there are none; ``slowing=None`` fades geometrically).

    Examples
    --------
    >>> times = np.array(["2020-01", "2020-02"], dtype="datetime64[M]")
    >>> bump = np.zeros((2, 1, 12)); bump[0, 0, 1] = 0.5
    >>> effect_terms(times, bump, (), np.zeros(0), np.zeros(0))[:, 0, 0].tolist()
    [0.0, 0.5]
    """
    out: FloatArray = np.zeros(())
    if seasonal is not None:
        out = out + np.einsum("tm,...sjm->...tsj", month_of_year(times), seasonal)
    if shocks:
        profile = shock_profile(shock_timing(shocks, month_numbers(times)), decay, slowing)
        out = out + shock_terms(effect, profile)
    return out


def innovation_covariance(sd: Tensor, common_share: Tensor, correlation: Tensor, xp: Any) -> Tensor:
    """Covariance ``(2 J, 2 J)`` of the innovations :func:`innovations` draws.

    Rows and columns run over ``(series, sector)`` with series first; ``sd`` is
    ``(series, sector)``, ``common_share`` ``(series,)`` and ``correlation`` the two
    factors' correlation.

    Examples
    --------
    >>> innovation_covariance(np.ones((2, 1)), np.array([1.0, 0.5]), np.array(-0.5), np)
    array([[ 1.        , -0.35355339],
           [-0.35355339,  1.        ]])
    """
    one = xp.ones_like(correlation)
    factor = xp.stack([xp.stack([one, correlation]), xp.stack([correlation, one])])
    loading = xp.sqrt(common_share)[:, None] * sd
    common = loading[:, :, None, None] * factor[:, None, :, None] * loading[None, None, :, :]
    own = ((1.0 - common_share)[:, None] * sd**2).reshape((-1,))
    size = own.shape[0]
    return common.reshape((size, size)) + xp.diag(own)


def stationary_covariance(cov: Tensor, persistence: Tensor) -> Tensor:
    """Covariance of the stationary law of increments that follow a diagonal VAR(1).

    ``cov`` is the innovations' covariance ``(2 J, 2 J)`` and ``persistence`` the AR
    coefficient of each of its rows ``(2 J,)``: entry ``(i, j)`` is
    ``cov[i, j] / (1 - persistence[i] * persistence[j])``. NumPy arrays and PyTensor
    tensors alike.

    Examples
    --------
    >>> stationary_covariance(np.eye(2), np.array([0.5, 0.0]))
    array([[1.33333333, 0.        ],
           [0.        , 1.        ]])
    """
    return cov / (1.0 - persistence[:, None] * persistence[None, :])


def shock_terms(effect: Tensor, profile: Tensor) -> Tensor:
    """Sum of shock effects ``(..., time, series, sector)``.

    From ``effect`` ``(..., shock, series, sector)`` and ``profile`` ``(..., shock, time)``.
    """
    return (effect[..., :, None, :, :] * profile[..., :, :, None, None]).sum(axis=-4)


def log_hires(
    log_efficiency: Tensor, level: Tensor, elasticity: Tensor, scale: Tensor | float
) -> Tensor:
    """Log hires ``(..., time, sector)`` of the matching function.

    ``log_efficiency`` ``(..., time, sector)``; ``level`` the log levels ``(..., time,
    series, sector)``; ``elasticity`` ``(..., sector)``; ``scale`` the returns to scale.

    Examples
    --------
    >>> lvl = np.log(np.array([[[100.0], [400.0]]]))
    >>> round(float(np.exp(log_hires(np.zeros((1, 1)), lvl, np.array([0.5]), 1.0))[0, 0]), 6)
    200.0
    """
    a = elasticity[..., None, :]
    b = scale[..., None, None] - a if not isinstance(scale, float) else scale - a
    return log_efficiency + a * level[..., 0, :] + b * level[..., 1, :]


@dataclass(frozen=True)
class Matching:
    """The matching function's parameters for one draw (or the graph's tensors).

    ``elasticity`` is ``(sector,)``, ``scale`` the returns to scale, ``sd`` the hires'
    observation noise and ``walk_sd`` the monthly innovation sd of log matching
    efficiency, a random walk that starts from ``start`` in each sector (the prior
    ``efficiency_start``).
    """

    elasticity: Any
    scale: Any
    sd: Any
    walk_sd: Any
    start: Normal


def _block_diagonal(upper: Any, lower: Any, xp: Any) -> Any:
    """Return the block-diagonal matrix with ``upper`` then ``lower`` on its diagonal."""
    return xp.concatenate(
        [
            xp.concatenate([upper, xp.zeros((upper.shape[0], lower.shape[1]))], axis=1),
            xp.concatenate([xp.zeros((lower.shape[0], upper.shape[1])), lower], axis=1),
        ]
    )


def state_space(
    *,
    effects: Tensor,
    log_start: Tensor,
    cov: Tensor,
    obs_sd: Tensor,
    start_sd: float,
    persistence: Tensor | None = None,
    matching: Matching | None = None,
    weights: Tensor | None = None,
    obs_weights: Tensor | None = None,
    xp: Any,
) -> StateSpace:
    """Write the vacancy model, given its parameters, as a linear-Gaussian state space.

    The states are the trend of the ``2 J`` log levels (series first, then sectors),
    under the integrated AR(1) their increments and, with ``matching``, the ``J`` log
    matching efficiencies; the observed cells are the two series' log values and, with
    ``matching``, log hires. ``effects`` ``(time, series,
    sector)`` are the seasonal and shock terms, ``log_start`` ``(2 J,)`` the start
    values, ``cov`` the innovation covariance, ``obs_sd`` ``(series, sector)`` the
    observation noise and ``persistence`` ``(series,)`` the increments' AR(1)
    coefficient. ``weights`` and ``obs_weights`` ``(time, 2 J)`` scale each month's
    innovations and observation noise (:func:`count_weights`; ``None``: constant). One
    draw's NumPy arrays or the graph's tensors (``xp``).

    Examples
    --------
    >>> ss = state_space(effects=np.zeros((3, 2, 1)), log_start=np.zeros(2), cov=np.eye(2),
    ...                  obs_sd=np.ones((2, 1)), start_sd=0.5, persistence=np.full(2, 0.5),
    ...                  xp=np)
    >>> ss.transition
    array([[1. , 0. , 0.5, 0. ],
           [0. , 1. , 0. , 0.5],
           [0. , 0. , 0.5, 0. ],
           [0. , 0. , 0. , 0.5]])
    """
    n = log_start.shape[0]
    eye = xp.eye(n)
    chol = xp.linalg.cholesky(cov)
    offset = effects.reshape((effects.shape[0], n))
    obs_var = (obs_sd**2).reshape((n,))
    if persistence is None:
        transition, noise, start_mean, start_noise = eye, chol, log_start, start_sd * eye
        design = eye
    else:
        phi = xp.repeat(persistence, n // 2)
        zeros = xp.zeros((n, n))
        transition = xp.concatenate(
            [xp.concatenate([eye, eye * phi], axis=1), xp.concatenate([zeros, eye * phi], axis=1)]
        )
        noise = xp.concatenate([chol, chol])
        start_mean = xp.concatenate([log_start, xp.zeros(n)])
        stationary = xp.linalg.cholesky(stationary_covariance(cov, phi))
        start_noise = _block_diagonal(start_sd * eye, stationary, xp)
        design = xp.concatenate([eye, zeros], axis=1)
    if matching is not None:
        # log hires = efficiency + a (trend_V + effects_V) + (r - a) (trend_U + effects_U),
        # the log efficiencies being the last J states (a random walk each).
        a = matching.elasticity
        n_sector = n // 2
        walk = xp.eye(n_sector)
        rows = xp.concatenate(
            [
                walk * a,
                walk * (matching.scale - a),
                xp.zeros((n_sector, design.shape[1] - n)),
                walk,
            ],
            axis=1,
        )
        design = xp.concatenate([xp.concatenate([design, xp.zeros((n, n_sector))], axis=1), rows])
        transition = _block_diagonal(transition, walk, xp)
        noise = _block_diagonal(noise, matching.walk_sd * walk, xp)
        start_mean = xp.concatenate([start_mean, xp.full(n_sector, matching.start.mu)])
        start_noise = _block_diagonal(start_noise, matching.start.sigma * walk, xp)
        hires_offset = log_hires(xp.zeros(()), effects, a, matching.scale)
        offset = xp.concatenate([offset, hires_offset], axis=1)
        obs_var = xp.concatenate([obs_var, matching.sd**2 * xp.ones(n_sector)])
    # Matching efficiency's walk and hires' noise are not scaled; the increments of the
    # integrated AR(1) share the level's scaled innovation.
    n_unscaled = None if matching is None else n // 2
    scale = obs_scale = None
    if weights is not None:
        copies = 1 if persistence is None else 2
        scale = _scale_columns([weights] * copies, n_unscaled, xp)
    if obs_weights is not None:
        obs_scale = _scale_columns([obs_weights], n_unscaled, xp)
    return StateSpace(
        offset, design, obs_var, transition, noise, start_mean, start_noise, scale, obs_scale
    )


def _scale_columns(parts: list[Tensor], n_ones: Any, xp: Any) -> Tensor:
    """Join per-month scales ``(time, .)`` column-wise, then ``n_ones`` columns of 1.

    ``n_ones`` is ``None`` (no such columns), a number or, in the graph, a symbolic size.
    """
    if n_ones is not None:
        parts = [*parts, xp.ones((parts[0].shape[0], n_ones))]
    return parts[0] if len(parts) == 1 else xp.concatenate(parts, axis=1)


def observations(arrays: dict[str, Any], xp: Any) -> tuple[Any, Any]:
    """Return the observed log values ``(time, cells)`` of :func:`state_space`, and mask."""
    y, mask = arrays["log_observed"], arrays["observed_mask"]
    n_time = y.shape[0]
    y, mask = y.reshape((n_time, -1)), mask.reshape((n_time, -1))
    if "log_hires" in arrays:
        y = xp.concatenate([y, arrays["log_hires"]], axis=1)
        mask = xp.concatenate([mask, arrays["hires_mask"]], axis=1)
    return y, mask


def build_vacancy_model(data: xr.Dataset, config: VacancyConfig) -> pm.Model:
    """Build the PyMC model for validated ``data`` (a pure function).

    The latent paths are integrated out: the likelihood is the Kalman filter's, so the
    sampler sees only the parameters and a fit draws the paths afterwards
    (:mod:`talentflow.models.vacancies_paths`).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=24, random_seed=0)
    >>> model = build_vacancy_model(data, VacancyConfig())
    >>> sorted(model.coords)[:4]
    ['month_of_year', 'sector', 'series', 'shock']
    """
    arrays = model_arrays(data, config)
    p = config.priors
    n_time, n_series, n_sector = arrays["log_observed"].shape
    with pm.Model(coords=model_coords(data, config)) as model:
        box = {k: pm.Data(k, v) for k, v in arrays.items()}

        scale = p.innovation_scale.create(D.INNOVATION_SCALE, dims=D.SERIES)
        z_sd = pm.Normal("innovation_sd_z", 0.0, 1.0, dims=(D.SERIES, D.SECTOR))
        sd = pm.Deterministic(
            D.INNOVATION_SD,
            scale[:, None] * pt.exp(p.innovation_spread * z_sd),
            dims=(D.SERIES, D.SECTOR),
        )
        share = p.common_share.create(D.COMMON_SHARE, dims=D.SERIES)
        rho = pm.Uniform(D.FACTOR_CORRELATION, -1.0, 1.0)
        effects: Tensor = pt.zeros((n_time, n_series, n_sector))
        if config.seasonal:
            seasonal_scale = p.seasonal_scale.create(D.SEASONAL_SCALE, dims=D.SERIES)
            seasonal_z = pm.ZeroSumNormal(
                "seasonal_z", sigma=1.0, dims=(D.SERIES, D.SECTOR, D.MONTH_OF_YEAR)
            )
            seasonal = pm.Deterministic(
                D.SEASONAL,
                seasonal_scale[:, None, None] * seasonal_z,
                dims=(D.SERIES, D.SECTOR, D.MONTH_OF_YEAR),
            )
            effects = effects + pt.tensordot(box["month_onehot"], seasonal, axes=[[1], [2]])
        if config.shocks:
            shock_mean = p.shock_mean.create(D.SHOCK_MEAN, dims=(D.SHOCK, D.SERIES))
            sector_sd = p.shock_sector_sd.create(D.SHOCK_SECTOR_SD)
            # Non-centred: a shock whose build-up is mostly before the data, or whose
            # effect the trend can absorb, leaves the sector effects weakly identified.
            effect_z = pm.Normal("shock_effect_z", 0.0, 1.0, dims=(D.SHOCK, D.SERIES, D.SECTOR))
            effect = pm.Deterministic(
                D.SHOCK_EFFECT,
                shock_mean[:, :, None] + sector_sd * effect_z,
                dims=(D.SHOCK, D.SERIES, D.SECTOR),
            )
            decay = p.shock_decay.create(D.SHOCK_DECAY, dims=D.SHOCK)
            slowing = None
            if config.shock_fading == "slowing":
                slowing = p.shock_slowing.create(D.SHOCK_SLOWING, dims=D.SHOCK)
            profile = shock_profile(box["shock_timing"], decay, slowing)
            effects = effects + shock_terms(effect, profile)
        persistence = None
        if config.trend == "integrated_ar1":
            persistence = p.increment_persistence.create(D.INCREMENT_PERSISTENCE, dims=D.SERIES)
        obs_sd = p.observation_sd.create(D.OBSERVATION_SD, dims=(D.SERIES, D.SECTOR))
        matching = _matching(config) if "log_hires" in arrays else None
        ss = state_space(
            effects=effects,
            log_start=box["log_start"].reshape((-1,)),
            cov=innovation_covariance(sd, share, rho, pt),
            obs_sd=obs_sd,
            start_sd=p.start_sd,
            persistence=persistence,
            matching=matching,
            weights=box.get("innovation_weight"),
            obs_weights=box.get("observation_weight"),
            xp=pt,
        )
        y, mask = observations(box, pt)
        loglik = kalman_loglik(y, mask, ss, identity_transition=persistence is None)
        pm.Potential("marginal_loglik", loglik)
    return model


def _matching(config: VacancyConfig) -> Matching:
    """Add the matching function's parameters to the model in context."""
    p = config.priors
    logit_mean = p.elasticity_logit.create("elasticity_logit")
    logit_sd = p.elasticity_sd.create("elasticity_sd")
    logit_z = pm.Normal("elasticity_z", 0.0, 1.0, dims=D.SECTOR)
    elasticity = pm.Deterministic(
        D.MATCHING_ELASTICITY, pm.math.sigmoid(logit_mean + logit_sd * logit_z), dims=D.SECTOR
    )
    scale: Tensor = pt.as_tensor(1.0)
    if config.returns_to_scale == "free":
        scale = p.returns_to_scale.create(D.RETURNS_TO_SCALE)
    return Matching(
        elasticity,
        scale,
        p.hires_sd.create(D.HIRES_SD),
        p.efficiency_sigma.create(D.EFFICIENCY_SIGMA),
        p.efficiency_start,
    )
