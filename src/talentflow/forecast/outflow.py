"""Posterior prediction of outflow into the future months, with scenarios."""

from __future__ import annotations

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import RandomSeed
from talentflow.data._time import continue_monthly, horizon_months, month_numbers
from talentflow.exceptions import DataError
from talentflow.forecast._draws import sample_draws
from talentflow.forecast.scenario import Scenario, scenario_problems, shock_draws
from talentflow.models import kernels
from talentflow.models.outflow_graph import OutflowConfig
from talentflow.models.shocks import shock_profile, shock_timing


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
    rng = as_generator(random_seed)
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

    effect, decay, _ = shock_draws(
        post, config.shocks, scenario, (D.SECTOR,), config.priors.shock_decay, rng
    )
    all_shocks = (*config.shocks, *scenario.shocks)
    profile = shock_profile(shock_timing(all_shocks, month_numbers(future)), decay)
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
