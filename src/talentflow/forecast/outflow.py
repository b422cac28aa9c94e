"""Posterior prediction of outflow into the future months, with scenarios."""

from __future__ import annotations

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._typing import FloatArray, RandomSeed
from talentflow.data._time import continue_monthly, horizon_months, month_numbers
from talentflow.exceptions import DataError
from talentflow.forecast._draws import sample_draws
from talentflow.forecast.scenario import Scenario, scenario_problems
from talentflow.models import kernels
from talentflow.models.outflow_graph import OutflowConfig
from talentflow.models.shocks import shock_ages, shock_profile


def forecast_outflow(
    fit: xr.DataTree,
    config: OutflowConfig,
    horizon: int,
    *,
    scenario: Scenario | None = None,
    random_seed: RandomSeed | None = None,
) -> xr.DataTree:
    """Predict outflow for ``horizon`` months after the data, draw by draw.

    The trend keeps evolving with its posterior innovation scale, fitted shocks keep
    decaying, scenario shocks add their effects, and counts are drawn from the
    negative binomial, so the fan covers parameter, trend and count uncertainty.

    Parameters
    ----------
    fit : xarray.DataTree
        A fitted outflow model's tree (``posterior`` and ``constant_data``).
    config : OutflowConfig
        The configuration it was fitted with.
    horizon : int
        Number of future months.
    scenario : Scenario, optional
        What-if changes; see :class:`~talentflow.Scenario`.
    random_seed : int or numpy.random.Generator, optional
        Seed of the predictive draws.

    Returns
    -------
    xarray.DataTree
        ``predictions`` with ``outflow``, ``outflow_total``, ``expected_outflow`` and
        ``outflow_rate``; ``predictions_constant_data`` with the workforce used.

    Raises
    ------
    DataError
        If the scenario names unknown sectors, destinations or shocks.
    """
    horizon = horizon_months(horizon)
    scenario = scenario or Scenario()
    rng = np.random.default_rng(random_seed)
    post = fit[D.POSTERIOR].to_dataset()
    sectors, destinations = post[D.SECTOR].values, post[D.DESTINATION].values
    future = continue_monthly(post[D.TIME].values, horizon)
    fitted = tuple(s.name for s in config.shocks)
    problems = scenario_problems(
        scenario, sectors=sectors, destinations=destinations, future=future, fitted_shocks=fitted
    )
    if problems:
        raise DataError(problems)

    n_chain, n_draw = post.sizes[D.CHAIN], post.sizes[D.DRAW]
    n_s, h = len(sectors), horizon
    trend = sample_draws(post, D.TREND, D.TIME, D.SECTOR)
    sigma = sample_draws(post, D.TREND_SIGMA, D.SECTOR)
    level_steps = sigma[..., None, :] * rng.normal(size=(n_chain, n_draw, h, n_s))
    slope0 = np.zeros_like(trend[..., -1:, :])
    slope_steps = None
    if config.trend == "local_linear":
        slope0 = sample_draws(post, D.TREND_SLOPE, D.TIME, D.SECTOR)[..., -1:, :]
        slope_sigma = sample_draws(post, D.SLOPE_SIGMA)
        slope_steps = slope_sigma[..., None, None] * rng.normal(size=(n_chain, n_draw, h, n_s))
    future_trend, _ = kernels.trend_paths(trend[..., -1:, :], slope0, level_steps, slope_steps, np)

    effect, decay = _shock_draws(post, config, scenario, sectors, rng)
    all_shocks = (*config.shocks, *scenario.shocks)
    profile = shock_profile(shock_ages(all_shocks, month_numbers(future)), decay, np)
    rate = kernels.log_rate(
        sample_draws(post, D.BASELINE, D.SECTOR),
        future_trend,
        effect if all_shocks else None,
        profile if all_shocks else None,
    )

    workforce = _future_workforce(fit, scenario, future)
    share = sample_draws(post, D.DESTINATION_SHARE, D.SECTOR, D.DESTINATION)
    weights = np.array([scenario.destination_weights.get(str(d), 1.0) for d in destinations])
    share = share * weights
    total_share = share.sum(axis=-1, keepdims=True)
    if np.any(total_share <= 0):
        raise DataError(["scenario destination_weights: every destination is closed"])
    with np.errstate(divide="ignore"):
        log_share = np.log(share / total_share)
    mu = np.exp(kernels.log_expected_outflow(np.log(workforce.values), rate, log_share))
    counts = kernels.draw_negative_binomial(rng, mu, sample_draws(post, D.OVERDISPERSION))

    sample = {D.CHAIN: post[D.CHAIN].values, D.DRAW: post[D.DRAW].values}
    coords = {**sample, D.TIME: future, D.SECTOR: sectors, D.DESTINATION: destinations}
    cell = (*D.SAMPLE_DIMS, D.TIME, D.SECTOR, D.DESTINATION)
    predictions = xr.Dataset(
        {
            D.OUTFLOW: (cell, counts),
            D.OUTFLOW_TOTAL: (cell[:-1], counts.sum(axis=-1)),
            D.EXPECTED_OUTFLOW: (cell, mu),
            D.OUTFLOW_RATE: (cell[:-1], np.exp(rate)),
        },
        coords=coords,
    )
    tree = xr.DataTree.from_dict(
        {
            f"/{D.PREDICTIONS}": predictions,
            f"/{D.PREDICTIONS_CONSTANT_DATA}": xr.Dataset({D.WORKFORCE: workforce}),
        }
    )
    tree.attrs.update(horizon=h, scenario=scenario.describe())
    return tree


def _shock_draws(
    post: xr.Dataset,
    config: OutflowConfig,
    scenario: Scenario,
    sectors: np.ndarray,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Sector effects ``(chain, draw, shock, sector)`` and decays of fitted + scenario shocks."""
    n_chain, n_draw = post.sizes[D.CHAIN], post.sizes[D.DRAW]
    n_s = len(sectors)
    fitted_effect = np.zeros((n_chain, n_draw, 0, n_s))
    fitted_decay = np.zeros((n_chain, n_draw, 0))
    if config.shocks:
        fitted_effect = sample_draws(post, D.SHOCK_EFFECT, D.SHOCK, D.SECTOR)
        fitted_decay = sample_draws(post, D.SHOCK_DECAY, D.SHOCK)
    effects = [fitted_effect]
    decays = [fitted_decay]
    names = [s.name for s in config.shocks]
    for shock in scenario.shocks:
        if shock.like is not None:
            k = names.index(shock.like)
            effect = fitted_effect[..., k, :]
            decay = fitted_decay[..., k]
        elif shock.effect is not None:
            effect = np.full((n_chain, n_draw, n_s), shock.effect)
            decay = _pick_decay(fitted_decay, config, rng, (n_chain, n_draw))
        else:
            pick = rng.integers(len(names), size=(n_chain, n_draw, 1))
            mean = np.take_along_axis(sample_draws(post, D.SHOCK_MEAN, D.SHOCK), pick, axis=-1)
            effect = rng.normal(
                mean, sample_draws(post, D.SHOCK_SECTOR_SD)[..., None], (n_chain, n_draw, n_s)
            )
            decay = np.take_along_axis(fitted_decay, pick, axis=-1)[..., 0]
        if shock.decay is not None:
            decay = np.full((n_chain, n_draw), shock.decay)
        if shock.sectors is not None:
            hit = np.isin(sectors.astype(str), np.array(shock.sectors, dtype=str))
            effect = effect * hit
        effects.append(effect[..., None, :])
        decays.append(decay[..., None])
    return np.concatenate(effects, axis=-2), np.concatenate(decays, axis=-1)


def _pick_decay(
    fitted_decay: FloatArray,
    config: OutflowConfig,
    rng: np.random.Generator,
    shape: tuple[int, int],
) -> FloatArray:
    """Decay of a new shock: per draw, one of the fitted shocks' decays, else the prior's."""
    if fitted_decay.shape[-1] == 0:
        import pymc as pm

        draws = pm.draw(
            config.priors.shock_decay.dist(), draws=shape[0] * shape[1], random_seed=rng
        )
        return np.asarray(draws, dtype=np.float64).reshape(shape)
    pick = rng.integers(fitted_decay.shape[-1], size=(*shape, 1))
    return np.take_along_axis(fitted_decay, pick, axis=-1)[..., 0]


def _future_workforce(fit: xr.DataTree, scenario: Scenario, future: np.ndarray) -> xr.DataArray:
    """Workforce ``(time, sector)`` over the horizon: last observed, overridden by the scenario."""
    observed = fit[D.CONSTANT_DATA].to_dataset()[D.WORKFORCE]
    last = observed.isel({D.TIME: -1}, drop=True) if D.TIME in observed.dims else observed
    base = last.expand_dims({D.TIME: future}).transpose(D.TIME, D.SECTOR).astype(np.float64)
    if scenario.workforce is None:
        return base
    change = scenario.workforce
    if D.TIME in change.dims:
        change = change.assign_coords({D.TIME: future})
    change = change.reindex({D.SECTOR: base[D.SECTOR].values}).broadcast_like(base)
    return change.fillna(base).transpose(D.TIME, D.SECTOR)
