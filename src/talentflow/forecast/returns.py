"""Return-model quantities computed from posterior draws: flows, forecasts, share back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import FloatArray, RandomSeed
from talentflow.data._time import continue_monthly, horizon_months, month_numbers
from talentflow.exceptions import ConfigError, DataError
from talentflow.forecast._draws import sample_draws
from talentflow.forecast.scenario import Scenario
from talentflow.models import cohorts, kernels
from talentflow.models.returns_graph import OTHER_COHORTS, ReturnConfig, wave_membership

_CELL = (D.TIME, D.SECTOR, D.DESTINATION)
#: Posterior draws handled at once: the cohort grid is (time x cohort x cells) per draw.
_CHUNK = 32


@dataclass(frozen=True)
class Flows:
    """Expected returns, stock abroad and stock by cohort group, per draw."""

    returns: FloatArray  # (chain, draw, time, sector, destination)
    stock: FloatArray  # (chain, draw, time, sector, destination)
    stock_by_group: FloatArray  # (chain, draw, time, sector, cohort_group)


def cohort_groups(config: ReturnConfig) -> np.ndarray:
    """Labels of the ``cohort_group`` axis: the waves, then everyone else."""
    return np.array([*(s.name for s in config.waves), OTHER_COHORTS], dtype=object)


def flows(post: xr.Dataset, departures: FloatArray, membership: np.ndarray) -> Flows:
    """Run the cohort kernel for every posterior draw of the return model.

    ``departures`` is ``(chain, draw, time, sector, destination)`` and may extend past
    the fitted months (forecasts); ``membership`` is the ``(time, wave)`` wave matrix
    on the same months.
    """
    n_chain, n_draw, n_time = departures.shape[:3]
    flat = departures.reshape(n_chain * n_draw, *departures.shape[2:])
    params = {k: v.reshape(-1, *v.shape[2:]) for k, v in _hazard_draws(post).items()}
    groups = cohorts.group_matrix(membership)
    out_returns = np.empty_like(flat)
    out_stock = np.empty_like(flat)
    out_groups = np.empty((*flat.shape[:-1], groups.shape[1]))
    months = np.arange(float(n_time))
    for lo in range(0, flat.shape[0], _CHUNK):
        part = slice(lo, lo + _CHUNK)
        p = {k: v[part] for k, v in params.items()}
        cum = cohorts.cumulative_hazard(months, p[D.HAZARD_SCALE], p[D.HAZARD_SHAPE], np)
        back, abroad = cohorts.cohort_flows(
            flat[part], _log_multipliers(p), groups, cum, np, n_time=n_time
        )
        out_returns[part] = back.sum(axis=-3)
        out_stock[part] = abroad.sum(axis=-3)
        out_groups[part] = np.einsum("ntcsd,cg->ntsg", abroad, groups)
    shape = (n_chain, n_draw)
    return Flows(
        out_returns.reshape(*shape, *flat.shape[1:]),
        out_stock.reshape(*shape, *flat.shape[1:]),
        out_groups.reshape(*shape, *out_groups.shape[1:]),
    )


def _hazard_draws(post: xr.Dataset) -> dict[str, FloatArray]:
    """Return the draws ``(chain, draw, ...)`` of the hazard parameters the fit has."""
    names = (
        (D.HAZARD_LEVEL, ()),
        (D.HAZARD_SCALE, ()),
        (D.HAZARD_SHAPE, ()),
        (D.SECTOR_EFFECT, (D.SECTOR,)),
        (D.DESTINATION_EFFECT, (D.DESTINATION,)),
        (D.WAVE_EFFECT, (D.SHOCK,)),
    )
    return {name: sample_draws(post, name, *dims) for name, dims in names if name in post}


def _log_multipliers(p: dict[str, FloatArray]) -> FloatArray:
    """Group log multipliers ``(..., group, sector, destination)`` from hazard draws."""
    return np.asarray(
        cohorts.group_log_multiplier(
            p[D.HAZARD_LEVEL],
            p[D.HAZARD_SCALE],
            p[D.HAZARD_SHAPE],
            p[D.SECTOR_EFFECT],
            p.get(D.DESTINATION_EFFECT),
            p.get(D.WAVE_EFFECT),
            np,
        ),
        dtype=np.float64,
    )


def departure_draws(fit: xr.DataTree) -> FloatArray:
    """Departures ``(chain, draw, time, sector, destination)`` behind each posterior draw."""
    post = fit[D.POSTERIOR].to_dataset()
    if D.DEPARTURES in post:
        return sample_draws(post, D.DEPARTURES, *_CELL)
    fixed = fit[D.CONSTANT_DATA].to_dataset()[D.DEPARTURES].transpose(*_CELL).values
    shape = (post.sizes[D.CHAIN], post.sizes[D.DRAW], *fixed.shape)
    return np.broadcast_to(fixed.astype(np.float64), shape)


def returns_dims(fit: xr.DataTree) -> tuple[str, ...]:
    """Dims of the observed returns: ``(time, sector)`` or ``(time, sector, destination)``."""
    return tuple(str(d) for d in fit[D.OBSERVED_DATA].to_dataset()[D.RETURNS].dims)


def flows_dataset(
    post: xr.Dataset,
    config: ReturnConfig,
    flows_: Flows,
    returns_dims: tuple[str, ...],
    coords: dict[str, np.ndarray],
    window: slice,
) -> xr.Dataset:
    """Label the flows of months ``window`` (expected returns on the returns' dims)."""
    sample = {D.CHAIN: post[D.CHAIN].values, D.DRAW: post[D.DRAW].values}
    expected = flows_.returns[:, :, window]
    if D.DESTINATION not in returns_dims:
        expected = expected.sum(axis=-1)
    return xr.Dataset(
        {
            D.EXPECTED_RETURNS: ((*D.SAMPLE_DIMS, *returns_dims), expected),
            D.STOCK_ABROAD: ((*D.SAMPLE_DIMS, *_CELL), flows_.stock[:, :, window]),
            D.STOCK_BY_COHORT: (
                (*D.SAMPLE_DIMS, D.TIME, D.SECTOR, D.COHORT_GROUP),
                flows_.stock_by_group[:, :, window],
            ),
        },
        coords={**sample, **coords, D.COHORT_GROUP: cohort_groups(config)},
    )


def _future_departures(
    fit: xr.DataTree,
    past: FloatArray,
    future: np.ndarray,
    *,
    outflow_model: Any,
    departures: xr.DataArray | None,
    scenario: Scenario,
    rng: np.random.Generator,
) -> FloatArray:
    """Departures over the horizon per draw: an outflow model's forecast, a path, or held."""
    post = fit[D.POSTERIOR].to_dataset()
    sectors, destinations = post[D.SECTOR].values, post[D.DESTINATION].values
    n_chain, n_draw = past.shape[:2]
    if outflow_model is not None:
        fc = outflow_model.forecast(len(future), scenario=scenario, random_seed=rng)
        pred = fc[D.PREDICTIONS].to_dataset()[D.OUTFLOW]
        if not np.array_equal(pred[D.TIME].values, future):
            raise DataError(
                [
                    "outflow_model: its data end in a different month than the returns' "
                    "(rule: both models fitted on the same months)"
                ]
            )
        differ = [
            f"outflow_model: its {dim} labels differ from the return model's (rule: same labels)"
            for dim, labels in ((D.SECTOR, sectors), (D.DESTINATION, destinations))
            if set(pred[dim].values) != set(labels)
        ]
        if differ:
            raise DataError(differ)
        pred = pred.sel({D.SECTOR: sectors, D.DESTINATION: destinations})
        values = pred.transpose(*D.SAMPLE_DIMS, *_CELL).values
        flat = values.reshape(-1, *values.shape[2:])
        if D.DEPARTURES in post and flat.shape[0] == int(post.attrs.get("outflow_draws", -1)):
            pick = post["departures_draw"].values
        else:
            pick = rng.integers(flat.shape[0], size=(n_chain, n_draw))
        return np.asarray(flat[pick], dtype=np.float64)
    if departures is None:
        held = past[:, :, -12:].mean(axis=2, keepdims=True)
        return np.asarray(np.repeat(held, len(future), axis=2), dtype=np.float64)
    return _given_path(departures, sectors, destinations, future, (n_chain, n_draw))


def _given_path(
    departures: xr.DataArray,
    sectors: np.ndarray,
    destinations: np.ndarray,
    future: np.ndarray,
    sample: tuple[int, int],
) -> FloatArray:
    problems = []
    if not isinstance(departures, xr.DataArray):
        raise DataError([f"departures: expected an xarray.DataArray, got {type(departures)}"])
    if set(departures.dims) - {D.TIME, D.SECTOR, D.DESTINATION}:
        problems.append(f"departures: dims {departures.dims} (rule: time, sector, destination)")
    if D.TIME in departures.dims and departures.sizes[D.TIME] != len(future):
        problems.append(
            f"departures: {departures.sizes[D.TIME]} months for a horizon of {len(future)} "
            "(rule: one value per future month)"
        )
    for dim, labels in ((D.SECTOR, sectors), (D.DESTINATION, destinations)):
        if dim in departures.dims and set(departures[dim].values) != set(labels):
            problems.append(f"departures: {dim} labels differ from the model's (rule: same)")
    values = np.asarray(departures.values, dtype=np.float64)
    if not (np.isfinite(values) & (values >= 0)).all():
        problems.append("departures: values must be finite and >= 0 (rule: counts >= 0)")
    if problems:
        raise DataError(problems)
    path = departures.drop_vars(D.TIME, errors="ignore")
    path = path.sel(
        {
            d: lab
            for d, lab in ((D.SECTOR, sectors), (D.DESTINATION, destinations))
            if d in path.dims
        }
    )
    grid = xr.DataArray(
        np.zeros((len(future), len(sectors), len(destinations))),
        dims=_CELL,
        coords={D.SECTOR: sectors, D.DESTINATION: destinations},
    )
    full = (grid + path).transpose(*_CELL).values
    return np.asarray(np.broadcast_to(full, (*sample, *full.shape)), dtype=np.float64)


def forecast_returns(
    fit: xr.DataTree,
    config: ReturnConfig,
    horizon: int,
    *,
    outflow_model: Any = None,
    departures: xr.DataArray | None = None,
    scenario: Scenario | None = None,
    random_seed: RandomSeed | None = None,
) -> xr.DataTree:
    """Forecast returns, stock abroad and net outflow for ``horizon`` months.

    Future departures come from ``outflow_model``'s forecast (with ``scenario``),
    from the path ``departures``, or, when neither is given, are held at each
    draw's mean of the last 12 months. Returns of every cohort, past and future,
    follow each draw's hazard; scenario shocks ``like`` a wave make their cohorts
    return as that wave's did. Return counts are negative-binomial around the
    expected returns; stock abroad is the expected stock.

    Returns
    -------
    xarray.DataTree
        ``predictions``: ``returns`` and ``expected_returns`` (on the returns' dims),
        ``departures``, ``net_outflow`` (departures - returns), ``stock_abroad`` and
        ``stock_abroad_by_cohort``.
    """
    horizon = horizon_months(horizon)
    scenario = scenario or Scenario()
    changes = scenario.shocks or scenario.workforce is not None or scenario.destination_weights
    if changes and outflow_model is None:
        raise ConfigError(
            "a scenario changes departures, so it needs outflow_model= (a fitted "
            "OutflowModel that forecasts them)"
        )
    if outflow_model is not None and departures is not None:
        raise ConfigError("give outflow_model or departures for the future, not both")
    rng = as_generator(random_seed)
    post = fit[D.POSTERIOR].to_dataset()
    past = departure_draws(fit)
    times = post[D.TIME].values
    future = continue_monthly(times, horizon)
    ahead = _future_departures(
        fit,
        past,
        future,
        outflow_model=outflow_model,
        departures=departures,
        scenario=scenario,
        rng=rng,
    )
    all_months = month_numbers(np.concatenate([times, future]))
    names = [s.name for s in config.waves]
    also = [s for s in scenario.shocks if s.like in names]
    membership = wave_membership(config, all_months, also=also)
    result = flows(post, np.concatenate([past, ahead], axis=2), membership)
    window = slice(len(times), None)
    coords = {d: post[d].values for d in _CELL[1:]} | {D.TIME: future}
    dims = returns_dims(fit)
    predictions = flows_dataset(post, config, result, dims, coords, window)
    drawn = _draw_returns(post, predictions[D.EXPECTED_RETURNS], dims, rng)
    future_departures = xr.DataArray(ahead, dims=(*D.SAMPLE_DIMS, *_CELL))
    net = future_departures.sum([d for d in _CELL if d not in dims]) - drawn
    predictions = predictions.assign(
        {
            D.RETURNS: drawn,
            D.DEPARTURES: future_departures,
            D.NET_OUTFLOW: net.transpose(*D.SAMPLE_DIMS, *dims),
        }
    )
    tree = xr.DataTree.from_dict({f"/{D.PREDICTIONS}": predictions})
    source = (
        "outflow_model"
        if outflow_model is not None
        else ("given path" if departures is not None else "held at the last 12 months' mean")
    )
    tree.attrs.update(horizon=horizon, scenario=scenario.describe(), departures=source)
    return tree


def _draw_returns(
    post: xr.Dataset, expected: xr.DataArray, dims: tuple[str, ...], rng: np.random.Generator
) -> xr.DataArray:
    """Negative-binomial return counts around ``expected``, draw by draw."""
    mean = expected.transpose(*D.SAMPLE_DIMS, *dims)
    counts = kernels.draw_negative_binomial(rng, mean.values, post[D.OVERDISPERSION].values)
    return mean.copy(data=counts)


def replicate_returns(fit: xr.DataTree, *, random_seed: RandomSeed) -> xr.DataTree:
    """Replicate the observed returns from the posterior, for posterior predictive checks.

    Return counts are drawn (negative binomial, each draw's overdispersion) around each
    draw's expected returns on the fitted months, on the observed returns' dims.

    Returns
    -------
    xarray.DataTree
        ``posterior_predictive`` (``returns``) and ``observed_data``.
    """
    post = fit[D.POSTERIOR].to_dataset()
    rng = as_generator(random_seed)
    replicas = _draw_returns(post, post[D.EXPECTED_RETURNS], returns_dims(fit), rng)
    return xr.DataTree.from_dict(
        {
            f"/{D.POSTERIOR_PREDICTIVE}": xr.Dataset({D.RETURNS: replicas}),
            f"/{D.OBSERVED_DATA}": fit[D.OBSERVED_DATA].to_dataset(),
        }
    )


def share_back(
    fit: xr.DataTree,
    config: ReturnConfig,
    wave: str,
    *,
    months: Sequence[int] = (6, 12, 24),
    ci_prob: float = 0.9,
) -> xr.Dataset:
    """Share of a wave's departures back after ``months`` abroad, with intervals.

    Weighted by each draw's departures over the wave's cohort months, per sector and
    over all sectors; the model's hazard carries it past the data's last month.
    """
    names = [s.name for s in config.waves]
    if wave not in names:
        raise ConfigError(f"wave {wave!r} is not one of the model's waves {names}")
    if not 0.0 < ci_prob < 1.0:
        raise ConfigError(f"ci_prob must be in (0, 1), got {ci_prob!r}")
    steps = np.asarray(list(months), dtype=np.float64)
    if steps.size == 0 or not (np.isfinite(steps) & (steps >= 1)).all():
        raise ConfigError(f"months must be positive numbers of months, got {list(months)!r}")
    post = fit[D.POSTERIOR].to_dataset()
    membership = wave_membership(config, month_numbers(post[D.TIME].values))
    in_wave = membership[:, names.index(wave)] > 0
    if not in_wave.any():
        raise DataError([f"wave {wave!r}: none of its months are in the data (rule: overlap)"])
    p = _hazard_draws(post)
    log_mult = _log_multipliers(p)[:, :, names.index(wave)]  # (chain, draw, sector, dest)
    still = cohorts.survival(steps, log_mult, p[D.HAZARD_SCALE], p[D.HAZARD_SHAPE])
    weight = departure_draws(fit)[:, :, in_wave].sum(axis=2)[..., None]
    back_people = ((1.0 - still) * weight).sum(axis=3)  # (chain, draw, sector, months)
    left = weight.sum(axis=3)
    per_sector = back_people / np.where(left > 0, left, np.nan)
    total = back_people.sum(axis=2) / left.sum(axis=2)
    q = [0.5, (1.0 - ci_prob) / 2.0, (1.0 + ci_prob) / 2.0]
    stat = np.array(["median", "lower", "upper"], dtype=object)
    return xr.Dataset(
        {
            D.SHARE_BACK: (
                (D.SECTOR, D.MONTHS_ABROAD, "summary"),
                np.moveaxis(np.nanquantile(per_sector, q, axis=(0, 1)), 0, -1),
            ),
            D.SHARE_BACK_TOTAL: (
                (D.MONTHS_ABROAD, "summary"),
                np.moveaxis(np.quantile(total, q, axis=(0, 1)), 0, -1),
            ),
        },
        coords={
            D.SECTOR: post[D.SECTOR].values,
            D.MONTHS_ABROAD: np.asarray(list(months)),
            "summary": stat,
        },
        attrs={"wave": wave, "ci_prob": ci_prob},
    )
