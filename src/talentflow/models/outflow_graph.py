"""Configuration and pure graph builder of the outflow model.

The prior choices and their reasons are documented in ``docs/outflow.md``; in short,
all scales are on the log-rate (multiplicative) scale and weakly informative. The
trend's innovation scales are non-centred; the trend path itself is sampled partially
non-centred, with a weight per sector set from how informative that sector's counts
are (:func:`trend_centring`): sparse panels get the non-centred walk, dense ones a
walk partly centred.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from talentflow import _dims as D
from talentflow._typing import FloatArray, TrendKind, TrendParameterization
from talentflow.data._time import month_numbers
from talentflow.exceptions import ConfigError
from talentflow.models import kernels
from talentflow.models.likelihood import count_arrays, masked_nb_logp
from talentflow.models.shocks import (
    Shock,
    check_shocks_in_data,
    fitted_shocks,
    shock_profile,
    shock_timing,
)
from talentflow.priors import Beta, HalfNormal, Normal

#: Internal dim of the trend innovations (months after the first); never in outputs.
_STEP = "trend_step"
#: Floor of the trend's non-centring weight (see :func:`trend_centring`).
_SMALLEST_WEIGHT = 0.1


@dataclass(frozen=True, kw_only=True)
class OutflowPriors:
    """Priors of the outflow model (all on the log monthly rate scale unless noted).

    Examples
    --------
    >>> OutflowPriors().baseline_mean
    Normal(mu=-6.0, sigma=2.0)
    """

    #: Pooled mean of the sector baselines: log monthly outflow per worker at the
    #: first month. -6 is about 0.25% a month; sigma 2 spans 0.005%..13%.
    baseline_mean: Normal = field(default_factory=lambda: Normal(mu=-6.0, sigma=2.0))
    #: Spread of sector baselines around the pooled mean.
    baseline_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=1.0))
    #: Typical month-to-month innovation of the log-rate trend (pooled across sectors).
    trend_scale: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.1))
    #: Log-scale spread of the sectors' trend innovation scales around ``trend_scale``
    #: (fixed, not sampled: with a handful of sectors a sampled spread makes a funnel).
    trend_spread: float = 0.3
    #: Innovation scale of the slope (local linear trend only).
    slope_sigma: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.02))
    #: Mean full-size effect of each shock across sectors (log rate multiplier).
    shock_mean: Normal = field(default_factory=lambda: Normal(mu=0.0, sigma=1.5))
    #: Spread of a shock's sector effects around that shock's mean.
    shock_sector_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))
    #: Fraction of a shock's effect that fades each month (mean 2/7: half-life ~2 months).
    shock_decay: Beta = field(default_factory=lambda: Beta(alpha=2.0, beta=5.0))
    #: Scale of the global destination preference (zero-sum log shares).
    destination_preference: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=1.5))
    #: Spread of sector-specific destination preferences around the global one.
    destination_sector_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))
    #: Negative-binomial overdispersion phi (variance = mu + (phi mu)^2), a prior on
    #: 1/sqrt(alpha) as the Stan prior-choice guidance recommends.
    overdispersion: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))


@dataclass(frozen=True, kw_only=True)
class OutflowConfig:
    """Configuration of :class:`~talentflow.OutflowModel`.

    Parameters
    ----------
    shocks : tuple of Shock
        Named, dated shocks whose sector effects and decay are estimated.
    trend : {"random_walk", "local_linear"}
        The smooth trend per sector of the log rate.
    trend_parameterization : {"auto", "non_centred"}
        How the sampler sees the trend path. ``"auto"`` (default) samples it
        partially non-centred with per-sector weights set from the data's Fisher
        information (:func:`trend_centring`); ``"non_centred"`` samples the scaled
        innovations of the classic non-centred walk. The model, and so the posterior,
        is the same either way; only the sampler's efficiency differs.
    priors : OutflowPriors
        Prior distributions.

    Examples
    --------
    >>> from talentflow import Shock
    >>> cfg = OutflowConfig(shocks=(Shock(name="invasion", start="2022-03"),))
    >>> cfg.trend
    'random_walk'
    """

    shocks: tuple[Shock, ...] = ()
    trend: TrendKind = "random_walk"
    trend_parameterization: TrendParameterization = "auto"
    priors: OutflowPriors = field(default_factory=OutflowPriors)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shocks", fitted_shocks(self.shocks))
        if self.trend not in ("random_walk", "local_linear"):
            raise ConfigError(f"trend must be 'random_walk' or 'local_linear', got {self.trend!r}")
        if self.trend_parameterization not in ("auto", "non_centred"):
            raise ConfigError(
                "trend_parameterization must be 'auto' or 'non_centred', got "
                f"{self.trend_parameterization!r}"
            )


#: Posterior variables stored by a fit.
def stored_variables(config: OutflowConfig, n_destinations: int) -> list[str]:
    """Names of the posterior variables a fit keeps (the non-centred internals are dropped)."""
    names = [
        D.BASELINE_MEAN,
        D.BASELINE_SD,
        D.BASELINE,
        D.TREND_SCALE,
        D.TREND_SIGMA,
        D.TREND,
        D.OVERDISPERSION,
        D.OUTFLOW_RATE,
        D.DESTINATION_SHARE,
    ]
    if config.trend == "local_linear":
        names += [D.SLOPE_SIGMA, D.TREND_SLOPE]
    if config.shocks:
        names += [D.SHOCK_MEAN, D.SHOCK_SECTOR_SD, D.SHOCK_EFFECT, D.SHOCK_DECAY]
    if n_destinations > 1:
        names += [D.DESTINATION_PREFERENCE, D.DESTINATION_SECTOR_SD]
    return names


def log_workforce(data: xr.Dataset) -> FloatArray:
    """Return log workforce on the ``(time, sector)`` grid of ``data``."""
    wf = data[D.WORKFORCE].broadcast_like(data[D.OUTFLOW].isel({D.DESTINATION: 0}, drop=True))
    return np.log(wf.transpose(D.TIME, D.SECTOR).values.astype(np.float64))


def model_arrays(data: xr.Dataset, config: OutflowConfig) -> dict[str, np.ndarray]:
    """Return the values of the model's data containers for validated ``data`` (pure).

    Raises
    ------
    DataError
        If a configured shock peaks outside the data's months.
    """
    months = month_numbers(data[D.TIME].values)
    check_shocks_in_data(config.shocks, months)
    y = data[D.OUTFLOW].transpose(D.TIME, D.SECTOR, D.DESTINATION).values.astype(np.float64)
    if D.OUTFLOW_TOTAL in data:
        total = data[D.OUTFLOW_TOTAL].transpose(D.TIME, D.SECTOR).values.astype(np.float64)
    else:
        total = np.full(y.shape[:2], np.nan)
    log_wf = log_workforce(data)
    arrays = {
        "log_workforce": log_wf,
        **count_arrays("outflow", y),
        **count_arrays("total", total),
        **trend_centring(y, total, log_wf, config),
    }
    if config.shocks:
        arrays["shock_timing"] = shock_timing(config.shocks, months)
    return arrays


def trend_centring(
    y: FloatArray, total: FloatArray, log_wf: FloatArray, config: OutflowConfig
) -> dict[str, FloatArray]:
    """Return the data containers of the trend's partially non-centred sampling (pure).

    The log rate ``r`` of a sector follows ``r_t ~ Normal(r_{t-1} + drift_t, sigma)``.
    The sampler draws ``z_t`` with
    ``r_t = w (r_{t-1} + drift_t) + (1 - w) c_t + sigma**w kappa_t**(1 - w) z_t``:
    ``w = 1`` is the non-centred walk (``z`` the scaled innovations), ``w = 0`` the
    centred one (``z`` the path itself around the centre ``c``, in units of
    ``kappa``). The weight of a sector is ``1 / (1 + s**2 I)`` (Papaspiliopoulos,
    Roberts and Skold 2003), ``I`` the median over months of the Fisher information
    that month's counts carry about the log rate, ``sum_d y / (1 + phi**2 y)``, and
    ``s`` and ``phi`` the prior medians of ``trend_scale`` and ``overdispersion``.
    ``c`` is the observed log rate and ``kappa`` its posterior scale,
    ``(I_t + 1 / s**2) ** -0.5``. With ``trend_parameterization="non_centred"`` every
    weight is 1.

    ``y`` is ``(time, sector, destination)``, ``total`` ``(time, sector)``, both NaN
    where unobserved; ``log_wf`` is ``(time, sector)``. The weights are data, not
    structure: a refit recomputes them without recompiling.

    Examples
    --------
    Two sectors, 3 months, 8 destinations; about 2 and 200 departures a cell:

    >>> y = np.ones((3, 2, 8)) * np.array([2.0, 200.0])[:, None]
    >>> arrays = trend_centring(y, np.full((3, 2), np.nan), np.full((3, 2), 10.0),
    ...                         OutflowConfig())
    >>> np.round(arrays["trend_weight"], 2).tolist()
    [0.94, 0.77]
    """
    n_time, n_sector = log_wf.shape
    scale = config.priors.trend_scale.median()
    phi2 = config.priors.overdispersion.median() ** 2
    seen = np.isfinite(y).any(axis=-1) | np.isfinite(total)
    known_total = np.where(np.isfinite(total), total, 0.0)
    counts = np.fmax(np.nansum(y, axis=-1), known_total)
    information = np.fmax(
        np.nansum(y / (1.0 + phi2 * y), axis=-1), known_total / (1.0 + phi2 * known_total)
    )
    centre = np.where(seen, np.log(counts + 0.5) - log_wf, np.nan)
    centre = np.where(seen, centre, np.nanmedian(centre, axis=0))
    if config.trend_parameterization == "non_centred":
        weight = np.ones(n_sector)
    else:
        # The path is rebuilt as w**t * cumsum(w**-t ...): keep w**-(n_time - 1) finite.
        smallest = max(_SMALLEST_WEIGHT, float(np.exp(-500.0 / max(n_time - 1, 1))))
        typical = np.median(np.where(seen, information, 0.0), axis=0)
        weight = np.clip(1.0 / (1.0 + scale**2 * typical), smallest, 1.0)
    months = np.arange(n_time, dtype=np.float64)[:, None]
    return {
        "trend_weight": weight,
        "trend_centre": centre[1:],
        "trend_log_kappa": -0.5 * np.log(information[1:] + 1.0 / scale**2),
        "trend_weight_power": weight**months,
        "trend_weight_inverse_power": weight**-months,
    }


def model_coords(data: xr.Dataset, config: OutflowConfig) -> dict[str, np.ndarray]:
    """Coordinates of the model: the data's labels, the shock names and the trend steps."""
    return {
        D.TIME: data[D.TIME].values,
        D.SECTOR: data[D.SECTOR].values,
        D.DESTINATION: data[D.DESTINATION].values,
        D.SHOCK: np.array([s.name for s in config.shocks], dtype=object),
        _STEP: data[D.TIME].values[1:],
    }


def build_outflow_model(data: xr.Dataset, config: OutflowConfig) -> pm.Model:
    """Build the PyMC model of outflow counts for validated ``data`` (a pure function).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=3, n_months=12,
    ...                                        random_seed=0)
    >>> model = build_outflow_model(data, OutflowConfig())
    >>> sorted(model.coords)
    ['destination', 'sector', 'shock', 'time', 'trend_step']
    """
    arrays = model_arrays(data, config)
    coords = model_coords(data, config)
    p = config.priors
    n_time, n_sector, n_dest = arrays["outflow_observed"].shape
    with pm.Model(coords=coords) as model:
        box = {k: pm.Data(k, v) for k, v in arrays.items()}

        mean = p.baseline_mean.create(D.BASELINE_MEAN)
        sd = p.baseline_sd.create(D.BASELINE_SD)
        baseline = pm.Normal(D.BASELINE, mean, sd, dims=D.SECTOR)

        shock = pt.zeros((n_time, n_sector))
        if config.shocks:
            shock_mean = p.shock_mean.create(D.SHOCK_MEAN, dims=D.SHOCK)
            sector_sd = p.shock_sector_sd.create(D.SHOCK_SECTOR_SD)
            effect = pm.Normal(
                D.SHOCK_EFFECT, shock_mean[:, None], sector_sd, dims=(D.SHOCK, D.SECTOR)
            )
            decay = p.shock_decay.create(D.SHOCK_DECAY, dims=D.SHOCK)
            shock = kernels.shock_term(effect, shock_profile(box["shock_timing"], decay))

        scale = p.trend_scale.create(D.TREND_SCALE)
        z_sigma = pm.Normal("trend_sigma_z", 0.0, 1.0, dims=D.SECTOR)
        log_sigma = pt.log(scale) + p.trend_spread * z_sigma
        pm.Deterministic(D.TREND_SIGMA, pt.exp(log_sigma), dims=D.SECTOR)
        drift = shock[1:] - shock[:-1]
        if config.trend == "local_linear":
            zeros = pt.zeros((1, n_sector))
            slope_sigma = p.slope_sigma.create(D.SLOPE_SIGMA)
            z_slope = pm.Normal("trend_slope_z", 0.0, 1.0, dims=(_STEP, D.SECTOR))
            slopes = pt.concatenate([zeros, pt.cumsum(slope_sigma * z_slope, axis=0)], axis=0)
            pm.Deterministic(D.TREND_SLOPE, slopes, dims=(D.TIME, D.SECTOR))
            drift = drift + slopes[:-1]
        z_level = pm.Normal("trend_z", 0.0, 1.0, dims=(_STEP, D.SECTOR))
        rate, correction = _walk(baseline + shock[0], drift, log_sigma, z_level, box)
        pm.Potential("trend_centring", correction)
        pm.Deterministic(D.TREND, rate - shock - baseline, dims=(D.TIME, D.SECTOR))
        pm.Deterministic(D.OUTFLOW_RATE, pt.exp(rate), dims=(D.TIME, D.SECTOR))

        if n_dest > 1:
            pref_sd = p.destination_preference.sigma
            preference = pm.ZeroSumNormal(
                D.DESTINATION_PREFERENCE, sigma=pref_sd, dims=D.DESTINATION
            )
            dest_sd = p.destination_sector_sd.create(D.DESTINATION_SECTOR_SD)
            deviation = pm.ZeroSumNormal(
                "destination_deviation",
                sigma=dest_sd,
                dims=(D.SECTOR, D.DESTINATION),
                n_zerosum_axes=2,
            )
            log_share = pt.special.log_softmax(preference + deviation, axis=-1)
        else:
            log_share = pt.zeros((n_sector, 1))
        pm.Deterministic(D.DESTINATION_SHARE, pt.exp(log_share), dims=(D.SECTOR, D.DESTINATION))

        phi = p.overdispersion.create(D.OVERDISPERSION)
        alpha = 1.0 / phi**2
        log_mu = kernels.log_expected_outflow(box["log_workforce"], rate, log_share)
        pm.Potential(
            "outflow_loglik",
            masked_nb_logp(box, "outflow", log_mu, alpha),
        )
        log_mu_total = box["log_workforce"] + rate
        pm.Potential(
            "total_loglik",
            masked_nb_logp(box, "total", log_mu_total, alpha),
        )
    return model


def _walk(start: Any, drift: Any, log_sigma: Any, z: Any, box: Mapping[str, Any]) -> Any:
    """Return the log-rate path from ``z`` and the log-density correction of ``z``.

    The path is ``r_0 = start``, ``r_t ~ Normal(r_{t-1} + drift_t, exp(log_sigma))``,
    rebuilt from the partially non-centred ``z`` of :func:`trend_centring` (``z`` is
    ``(time - 1, sector)``). ``z`` carries a standard normal prior in the model; the
    correction turns that into the walk's density, Jacobian included. It is zero (up
    to rounding) where the weight is 1, so the non-centred model is this one with unit weights.
    """
    w = box["trend_weight"]
    centre = box["trend_centre"]
    log_kappa = box["trend_log_kappa"]
    log_step = w * log_sigma + (1.0 - w) * log_kappa
    increments = w * (drift - centre) + centre + pt.exp(log_step) * z
    # r_t = w r_{t-1} + increment_t, unrolled: w**t * cumsum(w**-t * increment).
    path = box["trend_weight_power"] * pt.cumsum(
        box["trend_weight_inverse_power"] * pt.concatenate([start[None, :], increments], axis=0),
        axis=0,
    )
    # The walk's standardised innovations, and log |d innovation / d z| = -log_sd.
    innovations = (path[1:] - path[:-1] - drift) * pt.exp(-log_sigma)
    log_sd = (1.0 - w) * (log_sigma - log_kappa)
    return path, (0.5 * (z**2 - innovations**2) - log_sd).sum()
