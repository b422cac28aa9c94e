"""The vacancy model's latent paths, drawn after sampling by the simulation smoother.

The sampler integrates the latent log levels out (the Kalman filter's likelihood); for
each posterior draw of the parameters, :func:`draw_paths` then draws the paths from
their conditional law given the data, so the posterior holds ``trend``, ``level`` and
``tightness`` (and ``trend_slope`` and ``matching_efficiency``) as if they had been
sampled jointly.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._typing import FloatArray
from talentflow.forecast._draws import sample_draws
from talentflow.models.kalman import StateSpace, simulate_states, stack_models
from talentflow.models.vacancies_graph import (
    Matching,
    VacancyConfig,
    effect_terms,
    innovation_covariance,
    observations,
    state_space,
)

_CELL = (D.SERIES, D.SECTOR)


def effect_draws(post: xr.Dataset, config: VacancyConfig, times: np.ndarray) -> FloatArray:
    """Seasonal and shock terms of each draw on the months ``times``.

    Returns ``(chain, draw, time, series, sector)`` (zeros without either term).
    """
    seasonal = sample_draws(post, D.SEASONAL, *_CELL, D.MONTH_OF_YEAR) if config.seasonal else None
    effect = decay = np.zeros(0)
    slowing = None
    if config.shocks:
        effect = sample_draws(post, D.SHOCK_EFFECT, D.SHOCK, *_CELL)
        decay = sample_draws(post, D.SHOCK_DECAY, D.SHOCK)
        if config.shock_fading == "slowing":
            slowing = sample_draws(post, D.SHOCK_SLOWING, D.SHOCK)
    terms = effect_terms(times, seasonal, config.shocks, effect, decay, slowing)
    shape = (post.sizes[D.CHAIN], post.sizes[D.DRAW], len(times), 2, post.sizes[D.SECTOR])
    out: FloatArray = np.broadcast_to(terms, shape)
    return out


def draw_models(
    post: xr.Dataset, arrays: dict[str, np.ndarray], config: VacancyConfig, effects: FloatArray
) -> StateSpace:
    """Build the state space of every posterior draw, stacked ``(chain x draw, ...)``.

    ``effects`` are the draws' seasonal and shock terms (:func:`effect_draws`).
    """
    n_sample = effects.shape[0] * effects.shape[1]
    flat = {
        name: _flat_draws(sample_draws(post, name, *dims))
        for name, dims in _parameters(post).items()
    }
    effects = _flat_draws(effects)
    log_start = arrays["log_start"].reshape(-1)
    models = []
    for i in range(n_sample):
        matching = None
        if D.MATCHING_ELASTICITY in flat:
            matching = Matching(
                flat[D.MATCHING_ELASTICITY][i],
                flat[D.RETURNS_TO_SCALE][i] if D.RETURNS_TO_SCALE in flat else np.float64(1.0),
                flat[D.HIRES_SD][i],
                flat[D.EFFICIENCY_SIGMA][i],
                config.priors.efficiency_start,
            )
        models.append(
            state_space(
                effects=effects[i],
                log_start=log_start,
                cov=innovation_covariance(
                    flat[D.INNOVATION_SD][i],
                    flat[D.COMMON_SHARE][i],
                    flat[D.FACTOR_CORRELATION][i],
                    np,
                ),
                obs_sd=flat[D.OBSERVATION_SD][i],
                start_sd=config.priors.start_sd,
                persistence=flat.get(D.INCREMENT_PERSISTENCE, [None] * n_sample)[i],
                matching=matching,
                weights=arrays.get("innovation_weight"),
                obs_weights=arrays.get("observation_weight"),
                xp=np,
            )
        )
    return stack_models(models)


def _flat_draws(values: FloatArray) -> FloatArray:
    return values.reshape(-1, *values.shape[2:])


def _parameters(post: xr.Dataset) -> dict[str, tuple[str, ...]]:
    """List the posterior parameters that shape the state space, with their dims."""
    dims = {
        D.INNOVATION_SD: _CELL,
        D.COMMON_SHARE: (D.SERIES,),
        D.FACTOR_CORRELATION: (),
        D.OBSERVATION_SD: _CELL,
        D.INCREMENT_PERSISTENCE: (D.SERIES,),
        D.MATCHING_ELASTICITY: (D.SECTOR,),
        D.EFFICIENCY_SIGMA: (),
        D.RETURNS_TO_SCALE: (),
        D.HIRES_SD: (),
    }
    return {name: d for name, d in dims.items() if name in post}


def draw_paths(
    post: xr.Dataset,
    arrays: dict[str, np.ndarray],
    config: VacancyConfig,
    times: np.ndarray,
    rng: np.random.Generator,
) -> xr.Dataset:
    """Draw the latent paths of each posterior draw given the data.

    Parameters
    ----------
    post : xarray.Dataset
        The posterior's parameters ``(chain, draw, ...)``.
    arrays : dict
        The model's data arrays (:func:`~talentflow.models.vacancies_graph.model_arrays`).
    config : VacancyConfig
        The fitted configuration.
    times : numpy.ndarray
        The data's months.
    rng : numpy.random.Generator
        Source of the paths' randomness.

    Returns
    -------
    xarray.Dataset
        ``trend`` and ``level`` ``(chain, draw, time, series, sector)``, ``tightness``
        ``(chain, draw, time, sector)``, under the integrated AR(1) ``trend_slope`` and,
        with hires, ``matching_efficiency`` ``(chain, draw, time, sector)``.
    """
    y, mask = observations(arrays, np)
    effects = effect_draws(post, config, times)
    states = simulate_states(y, mask, draw_models(post, arrays, config, effects), rng)
    shape = effects.shape
    n = 2 * shape[-1]
    trend = states[..., :n].reshape(shape)
    log_level = trend + effects
    cell = (*D.SAMPLE_DIMS, D.TIME, *_CELL)
    out = xr.Dataset(
        {
            D.TREND: (cell, trend),
            D.LEVEL: (cell, np.exp(log_level)),
            D.TIGHTNESS: (
                (*D.SAMPLE_DIMS, D.TIME, D.SECTOR),
                np.exp(log_level[..., 0, :] - log_level[..., 1, :]),
            ),
        },
        coords={
            **{d: post[d].values for d in (*D.SAMPLE_DIMS, *_CELL)},
            D.TIME: times,
        },
    )
    if config.trend == "integrated_ar1":
        out[D.TREND_SLOPE] = (cell, states[..., n : 2 * n].reshape(shape))
    if D.MATCHING_ELASTICITY in post:
        out[D.MATCHING_EFFICIENCY] = (
            (*D.SAMPLE_DIMS, D.TIME, D.SECTOR),
            np.exp(states[..., -shape[-1] :].reshape(*shape[:3], shape[-1])),
        )
    return out
