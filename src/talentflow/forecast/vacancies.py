"""Posterior prediction of vacancies, job seekers, tightness and hires, with scenarios."""

from __future__ import annotations

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import FloatArray, RandomSeed
from talentflow.data._time import continue_monthly, horizon_months
from talentflow.exceptions import DataError
from talentflow.forecast._draws import sample_draws
from talentflow.forecast.scenario import Scenario, shock_draws, shock_problems
from talentflow.models.vacancies_graph import (
    SERIES,
    VacancyConfig,
    effect_terms,
    log_hires,
    model_arrays,
    stationary_increment,
    walk_levels,
)
from talentflow.models.vacancies_paths import effect_draws

_CELL = (D.SERIES, D.SECTOR)


def forecast_vacancies(
    fit: xr.DataTree,
    config: VacancyConfig,
    horizon: int,
    *,
    scenario: Scenario | None = None,
    random_seed: RandomSeed | None = None,
) -> xr.DataTree:
    """Predict the series ``horizon`` months after the data, draw by draw.

    The latent levels keep evolving with their correlated innovations (driving
    increments with momentum under the integrated AR(1)), the seasonal pattern repeats,
    fitted shocks keep decaying, scenario shocks add their effects and observation noise
    is drawn, so the fan covers parameter, state and measurement uncertainty. With hires
    in the fit, matching efficiency keeps walking and hires follow the matching
    function.

    Parameters
    ----------
    fit : xarray.DataTree
        A fitted vacancy model's tree.
    config : VacancyConfig
        The configuration it was fitted with.
    horizon : int
        Number of future months.
    scenario : Scenario, optional
        Hypothetical shocks (``Shock.variables`` picks the series, ``Shock.sectors``
        the sectors).
    random_seed : int or numpy.random.Generator, optional
        Seed of the predictive draws.

    Returns
    -------
    xarray.DataTree
        ``predictions`` with ``vacancies``, ``job_seekers`` (observed-scale draws),
        ``level`` (latent, without noise) and ``tightness`` (and ``hires`` and
        ``matching_efficiency``) over the future months.

    Raises
    ------
    DataError
        If the scenario names unknown sectors, series or shocks, or sets what this
        model does not use.
    """
    h = horizon_months(horizon)
    scenario = scenario or Scenario()
    rng = as_generator(random_seed)
    post = fit[D.POSTERIOR].to_dataset()
    future = continue_monthly(post[D.TIME].values, h)
    _check(scenario, post, future, config)

    n_chain, n_draw = post.sizes[D.CHAIN], post.sizes[D.DRAW]
    n_sec = post.sizes[D.SECTOR]
    last = sample_draws(post, D.TREND, D.TIME, *_CELL)[:, :, -1:].reshape(n_chain, n_draw, 1, -1)
    slope = persistence = None
    if config.trend == "integrated_ar1":
        # The increments carry on from the last one, fading at the AR(1) coefficient.
        slope = sample_draws(post, D.TREND_SLOPE, D.TIME, *_CELL)[:, :, -1:].reshape(last.shape)
        persistence = np.repeat(
            sample_draws(post, D.INCREMENT_PERSISTENCE, D.SERIES), n_sec, axis=-1
        )
    levels, _ = walk_levels(
        last, *_innovation_draws(post), h, rng, slope=slope, persistence=persistence
    )
    all_shocks = (*config.shocks, *scenario.shocks)
    effect = decay = np.zeros(0)
    slowing = None
    if all_shocks:
        effect, decay, slowing = shock_draws(
            post, config.shocks, scenario, _CELL, config.priors.shock_decay, rng
        )
    seasonal = sample_draws(post, D.SEASONAL, *_CELL, D.MONTH_OF_YEAR) if config.seasonal else None
    log_level = levels.reshape(n_chain, n_draw, h, 2, n_sec) + effect_terms(
        future, seasonal, all_shocks, effect, decay, slowing
    )
    sample = {D.CHAIN: post[D.CHAIN].values, D.DRAW: post[D.DRAW].values}
    coords = {**sample, D.TIME: future, D.SERIES: list(SERIES), D.SECTOR: post[D.SECTOR].values}
    cell2 = (*D.SAMPLE_DIMS, D.TIME, D.SECTOR)
    predictions = xr.Dataset(
        {
            **replicate_series(post, log_level, rng),
            D.LEVEL: ((*cell2[:-1], *_CELL), np.exp(log_level)),
            D.TIGHTNESS: (cell2, np.exp(log_level[..., 0, :] - log_level[..., 1, :])),
        },
        coords=coords,
    )
    if D.MATCHING_ELASTICITY in post:
        predictions = predictions.assign(_hires(post, config, log_level, rng))
    tree = xr.DataTree.from_dict({f"/{D.PREDICTIONS}": predictions})
    tree.attrs.update(horizon=h, scenario=scenario.describe())
    return tree


def _innovation_draws(post: xr.Dataset) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draws of the innovation sds, common shares and factor correlation, sample axes first."""
    return (
        sample_draws(post, D.INNOVATION_SD, *_CELL),
        sample_draws(post, D.COMMON_SHARE, D.SERIES),
        sample_draws(post, D.FACTOR_CORRELATION),
    )


def _check(scenario: Scenario, post: xr.Dataset, future: np.ndarray, config: VacancyConfig) -> None:
    problems = shock_problems(
        scenario,
        sectors=post[D.SECTOR].values,
        future=future,
        fitted_shocks=tuple(s.name for s in config.shocks),
        variables=SERIES,
    )
    if scenario.workforce is not None or scenario.destination_weights:
        problems.append(
            "scenario: workforce and destination_weights are outflow-model settings "
            "(rule: a vacancy scenario has shocks only)"
        )
    if problems:
        raise DataError(problems)


def _hires(
    post: xr.Dataset, config: VacancyConfig, log_level: FloatArray, rng: np.random.Generator
) -> dict[str, tuple[tuple[str, ...], FloatArray]]:
    """Hires and matching efficiency over the horizon, efficiency walking on."""
    last = np.log(sample_draws(post, D.MATCHING_EFFICIENCY, D.TIME, D.SECTOR)[:, :, -1:])
    log_eff = _walk_efficiency(post, last, log_level.shape[2], rng)
    return {
        **replicate_hires(post, config, log_level, log_eff, rng),
        D.MATCHING_EFFICIENCY: ((*D.SAMPLE_DIMS, D.TIME, D.SECTOR), np.exp(log_eff)),
    }


def _walk_efficiency(
    post: xr.Dataset, last: FloatArray, n_steps: int, rng: np.random.Generator
) -> FloatArray:
    """Walk log matching efficiency ``n_steps`` months on from ``last`` ``(chain, draw, 1, J)``.

    The steps are each draw's ``efficiency_sigma`` times standard normals; returns
    ``(chain, draw, n_steps, J)``.
    """
    sigma = sample_draws(post, D.EFFICIENCY_SIGMA)[..., None, None]
    steps = sigma * rng.normal(size=(*last.shape[:2], n_steps, last.shape[-1]))
    walked: FloatArray = last + np.cumsum(steps, axis=-2)
    return walked


def replicate_vacancies(
    fit: xr.DataTree, config: VacancyConfig, *, random_seed: RandomSeed
) -> xr.DataTree:
    """Replicate the observed series from the posterior, for posterior predictive checks.

    Each draw's latent levels (and, with hires, its matching efficiency) get fresh
    observation noise on the fitted months.

    Returns
    -------
    xarray.DataTree
        ``posterior_predictive`` (``vacancies``, ``job_seekers`` and, with hires,
        ``hires``) and ``observed_data``.
    """
    post = fit[D.POSTERIOR].to_dataset()
    rng = as_generator(random_seed)
    log_level = np.log(sample_draws(post, D.LEVEL, D.TIME, *_CELL))
    arrays = model_arrays(fit[D.OBSERVED_DATA].to_dataset(), config)
    replicas = replicate_series(post, log_level, rng, arrays.get("observation_weight"))
    if D.MATCHING_ELASTICITY in post:
        log_eff = np.log(sample_draws(post, D.MATCHING_EFFICIENCY, D.TIME, D.SECTOR))
        replicas |= replicate_hires(post, config, log_level, log_eff, rng)
    coords = {d: post[d].values for d in (*D.SAMPLE_DIMS, D.TIME, D.SECTOR)}
    return xr.DataTree.from_dict(
        {
            f"/{D.POSTERIOR_PREDICTIVE}": xr.Dataset(replicas, coords=coords),
            f"/{D.OBSERVED_DATA}": fit[D.OBSERVED_DATA].to_dataset(),
        }
    )


def prior_paths(
    prior: xr.Dataset,
    data: xr.Dataset,
    config: VacancyConfig,
    arrays: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> xr.DataTree:
    """Walk latent paths from prior parameter draws and replicate the data from them.

    ``prior`` holds ``(chain, draw, ...)`` prior draws of the parameters (not the
    paths); ``arrays`` are the model's data arrays, whose ``log_start`` ``(series,
    sector)`` is where the model centres the first month's log levels. The levels start
    within ``priors.start_sd`` of it (under the integrated AR(1) with an increment from
    its stationary law) and walk with the correlated innovations, scaled month by month
    when ``arrays`` has ``innovation_weight``; seasonal and shock terms and observation
    noise follow, and hires through the matching function when ``prior`` has its
    parameters (log matching efficiency starting from the prior ``efficiency_start``
    and walking).

    Returns
    -------
    xarray.DataTree
        ``prior`` (the parameters plus ``trend``, ``level`` and ``tightness``,
        ``trend_slope`` under the integrated AR(1) and ``matching_efficiency`` with
        matching) and ``prior_predictive``
        (``vacancies``, ``job_seekers`` and, with matching, ``hires``).
    """
    n_chain, n_draw = prior.sizes[D.CHAIN], prior.sizes[D.DRAW]
    times = data[D.TIME].values
    n_time, n_sec = len(times), data.sizes[D.SECTOR]
    shape = (n_chain, n_draw, 1, 2 * n_sec)
    start = arrays["log_start"].reshape(1, -1) + config.priors.start_sd * rng.normal(size=shape)
    sd, share, rho = _innovation_draws(prior)
    first = persistence = None
    if config.trend == "integrated_ar1":
        persistence = np.repeat(
            sample_draws(prior, D.INCREMENT_PERSISTENCE, D.SERIES), n_sec, axis=-1
        )
        first = stationary_increment(sd, share, rho, persistence, rng)
    weights = arrays.get("innovation_weight")
    levels, steps = walk_levels(
        start,
        sd,
        share,
        rho,
        n_time - 1,
        rng,
        slope=first,
        persistence=persistence,
        scale=None if weights is None else weights[:-1],
    )
    cells = (n_chain, n_draw, n_time, 2, n_sec)
    trend = np.concatenate([start, levels], axis=-2).reshape(cells)
    log_level = trend + effect_draws(prior, config, times)
    path_dims = (*D.SAMPLE_DIMS, D.TIME, *_CELL)
    paths = {
        D.TREND: (path_dims, trend),
        D.LEVEL: (path_dims, np.exp(log_level)),
        D.TIGHTNESS: (
            (*D.SAMPLE_DIMS, D.TIME, D.SECTOR),
            np.exp(log_level[..., 0, :] - log_level[..., 1, :]),
        ),
    }
    if first is not None:
        paths[D.TREND_SLOPE] = (path_dims, np.concatenate([first, steps], axis=-2).reshape(cells))
    if D.MATCHING_ELASTICITY in prior:
        eff = config.priors.efficiency_start
        first_eff = eff.mu + eff.sigma * rng.normal(size=(n_chain, n_draw, 1, n_sec))
        log_eff = np.concatenate(
            [first_eff, _walk_efficiency(prior, first_eff, n_time - 1, rng)], axis=-2
        )
        paths[D.MATCHING_EFFICIENCY] = ((*D.SAMPLE_DIMS, D.TIME, D.SECTOR), np.exp(log_eff))
    coords = {D.TIME: times, D.SERIES: list(SERIES), D.SECTOR: data[D.SECTOR].values}
    prior = prior.assign_coords(coords).assign(paths)
    replicas = replicate_series(prior, log_level, rng, arrays.get("observation_weight"))
    if D.MATCHING_ELASTICITY in prior:
        replicas |= replicate_hires(prior, config, log_level, log_eff, rng)
    sample = {d: prior[d].values for d in D.SAMPLE_DIMS}
    return xr.DataTree.from_dict(
        {
            f"/{D.PRIOR}": prior,
            f"/{D.PRIOR_PREDICTIVE}": xr.Dataset(
                replicas, coords={**sample, D.TIME: times, D.SECTOR: coords[D.SECTOR]}
            ),
        }
    )


def replicate_series(
    post: xr.Dataset,
    log_level: FloatArray,
    rng: np.random.Generator,
    weights: FloatArray | None = None,
) -> dict[str, tuple[tuple[str, ...], FloatArray]]:
    """Draw what the data would show: ``vacancies`` and ``job_seekers`` with noise.

    ``log_level`` holds the latent log levels ``(chain, draw, time, series, sector)``
    and ``post`` the draws of ``observation_sd``, which ``weights`` ``(time, 2 J)``
    scale month by month when given (the model arrays' ``observation_weight``);
    returns the two series as ``(dims, values)`` pairs over ``(chain, draw, time,
    sector)``.
    """
    noise = sample_draws(post, D.OBSERVATION_SD, *_CELL)[:, :, None]
    if weights is not None:
        noise = noise * weights.reshape(log_level.shape[2:])
    observed = np.exp(log_level + noise * rng.normal(size=log_level.shape))
    cell2 = (*D.SAMPLE_DIMS, D.TIME, D.SECTOR)
    return {D.VACANCIES: (cell2, observed[..., 0, :]), D.JOB_SEEKERS: (cell2, observed[..., 1, :])}


def replicate_hires(
    post: xr.Dataset,
    config: VacancyConfig,
    log_level: FloatArray,
    log_efficiency: FloatArray,
    rng: np.random.Generator,
) -> dict[str, tuple[tuple[str, ...], FloatArray]]:
    """Draw ``hires`` from the matching function, with noise, as the data would show them.

    ``log_efficiency`` is ``(chain, draw, time, sector)``, on the months of ``log_level``.
    """
    n_chain, n_draw = log_level.shape[:2]
    scale = (
        sample_draws(post, D.RETURNS_TO_SCALE)
        if config.returns_to_scale == "free"
        else np.ones((n_chain, n_draw))
    )
    elasticity = sample_draws(post, D.MATCHING_ELASTICITY, D.SECTOR)
    mu = log_hires(log_efficiency, log_level, elasticity, scale)
    noise = sample_draws(post, D.HIRES_SD)[..., None, None]
    return {
        D.HIRES: (
            (*D.SAMPLE_DIMS, D.TIME, D.SECTOR),
            np.exp(mu + noise * rng.normal(size=mu.shape)),
        )
    }
