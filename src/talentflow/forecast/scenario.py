"""Forecast scenarios: hypothetical shocks, changed workforce, diverted destinations."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import to_dict
from talentflow._typing import FloatArray
from talentflow.data import checks
from talentflow.forecast._draws import sample_draws
from talentflow.models.shocks import Shock
from talentflow.priors import Beta


# eq=False: a DataArray field has no boolean equality.
@dataclass(frozen=True, kw_only=True, eq=False)
class Scenario:
    """A what-if for :meth:`OutflowModel.forecast`.

    Parameters
    ----------
    shocks : tuple of Shock
        Hypothetical shocks within the horizon. Each shock's size is ``effect`` if
        given, else copied draw by draw from the fitted shock named by ``like``, else
        drawn from the fitted pooled distribution of shock sizes.
    workforce : xarray.DataArray, optional
        Workforce over the horizon, dims ``(sector,)`` or ``(time, sector)`` (the
        forecast months); sectors it leaves out keep their last observed workforce.
    destination_weights : mapping of str to float, optional
        Multipliers of destination shares (renormalised over destinations): ``0``
        closes a destination and diverts its flow to the others.

    Examples
    --------
    >>> s = Scenario(shocks=(Shock(name="wave2", start="2024-06", like="mobilization"),))
    >>> s.shocks[0].like
    'mobilization'
    """

    shocks: tuple[Shock, ...] = ()
    workforce: xr.DataArray | None = None
    destination_weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shocks", tuple(self.shocks))
        object.__setattr__(self, "destination_weights", dict(self.destination_weights))

    def describe(self) -> str:
        """Return a JSON description (for the forecast's attrs)."""
        wf = (
            None
            if self.workforce is None
            else {
                "dims": list(map(str, self.workforce.dims)),
                "mean": float(self.workforce.mean()),
            }
        )
        return json.dumps(
            {
                "shocks": to_dict(self.shocks),
                "workforce": wf,
                "destination_weights": self.destination_weights,
            }
        )


def shock_problems(
    scenario: Scenario,
    *,
    sectors: np.ndarray,
    future: np.ndarray,
    fitted_shocks: tuple[str, ...],
    variables: tuple[str, ...] = (),
) -> list[str]:
    """List every problem of a scenario's shocks against a fitted model and forecast months.

    ``variables`` are the series a shock may name in ``Shock.variables`` (none for
    models of one series).
    """
    problems: list[str] = []
    known_sectors = {str(s) for s in sectors}
    first, last = np.datetime64(future[0], "M"), np.datetime64(future[-1], "M")
    names = [s.name for s in scenario.shocks]
    for shock in scenario.shocks:
        where = f"scenario shock {shock.name!r}"
        if shock.name in fitted_shocks or names.count(shock.name) > 1:
            problems.append(f"{where}: name already used (rule: unique shock names)")
        if not first <= shock.month <= last:
            problems.append(
                f"{where}: starts {shock.start}, outside the forecast months {first}..{last} "
                "(rule: a scenario shock starts within the horizon)"
            )
        unknown = sorted(set(shock.sectors or ()) - known_sectors)
        if unknown:
            problems.append(f"{where}: unknown sector(s) {unknown} (rule: sectors of the fit)")
        wrong = sorted(set(shock.variables or ()) - set(variables))
        if wrong:
            problems.append(
                f"{where}: variables {wrong} are not series of this model {list(variables)} "
                "(rule: variables names modelled series)"
            )
        if shock.like is not None and shock.like not in fitted_shocks:
            problems.append(
                f"{where}: like={shock.like!r} is not a fitted shock {list(fitted_shocks)} "
                "(rule: like names a fitted shock)"
            )
        if shock.effect is None and shock.like is None and not fitted_shocks:
            problems.append(
                f"{where}: the model has no fitted shocks to draw a size from "
                "(rule: give effect= or fit a model with shocks)"
            )
    return problems


def scenario_problems(
    scenario: Scenario,
    *,
    sectors: np.ndarray,
    destinations: np.ndarray,
    future: np.ndarray,
    fitted_shocks: tuple[str, ...],
) -> list[str]:
    """List every problem of an outflow ``scenario`` against a fit and forecast months."""
    problems = shock_problems(scenario, sectors=sectors, future=future, fitted_shocks=fitted_shocks)
    known_sectors = {str(s) for s in sectors}
    problems += _workforce_problems(scenario.workforce, known_sectors, future)
    unknown_d = sorted(set(scenario.destination_weights) - {str(d) for d in destinations})
    if unknown_d:
        problems.append(
            f"scenario destination_weights: unknown destination(s) {unknown_d} "
            "(rule: destinations of the fit)"
        )
    weights = list(scenario.destination_weights.values())
    if any(not (isinstance(w, int | float) and math.isfinite(w) and w >= 0) for w in weights):
        problems.append("scenario destination_weights: weights must be finite and >= 0")
    return problems


def _workforce_problems(
    workforce: xr.DataArray | None, known_sectors: set[str], future: np.ndarray
) -> list[str]:
    if workforce is None:
        return []
    name = "scenario workforce"
    if not isinstance(workforce, xr.DataArray):
        return [f"{name}: expected an xarray.DataArray, got {type(workforce).__name__}"]
    problems = checks.dims_problems(name, workforce, [(D.SECTOR,), (D.TIME, D.SECTOR)])
    if problems:
        return problems
    if D.SECTOR not in workforce.coords:
        problems.append(f"{name}: sector has no labels (rule: labelled coordinates)")
    else:
        unknown = sorted({str(s) for s in workforce[D.SECTOR].values} - known_sectors)
        if unknown:
            problems.append(f"{name}: unknown sector(s) {unknown} (rule: sectors of the fit)")
    if D.TIME in workforce.dims and (
        D.TIME not in workforce.coords
        or workforce.sizes[D.TIME] != len(future)
        or not np.array_equal(
            workforce[D.TIME].values.astype("datetime64[M]"), future.astype("datetime64[M]")
        )
    ):
        problems.append(f"{name}: time must be exactly the forecast months (rule: horizon)")
    return problems + checks.positive_problems(name, workforce)


def shock_draws(
    post: xr.Dataset,
    fitted: tuple[Shock, ...],
    scenario: Scenario,
    cell: tuple[str, ...],
    decay_prior: Beta,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Effects ``(chain, draw, shock, *cell)``, decays and slowings of the fitted + scenario shocks.

    ``cell`` names the dims of a shock's effects (``sector`` last); a scenario shock's
    size is its ``effect``, a fitted shock's draws (``like``), or a draw from the
    pooled distribution of a randomly chosen fitted shock, whose fading it takes too.
    ``sectors`` and ``variables`` (over a ``series`` dim) limit where it hits. The
    slowings are ``None`` when the posterior has none (geometric fading); a scenario
    shock with its own ``decay`` fades geometrically.
    """
    n_chain, n_draw = post.sizes[D.CHAIN], post.sizes[D.DRAW]
    sample = (n_chain, n_draw)
    shape = tuple(post.sizes[d] for d in cell)
    rates = [D.SHOCK_DECAY, *([D.SHOCK_SLOWING] if D.SHOCK_SLOWING in post else [])]
    effects = [np.zeros((*sample, 0, *shape))]
    # Each shock's fading, (chain, draw, shock, rate): its decay and, if fitted, slowing.
    fades = [np.zeros((*sample, 0, len(rates)))]
    if fitted:
        effects = [sample_draws(post, D.SHOCK_EFFECT, D.SHOCK, *cell)]
        fades = [np.stack([sample_draws(post, r, D.SHOCK) for r in rates], axis=-1)]
    names = [s.name for s in fitted]
    for shock in scenario.shocks:
        own = shock.effect is not None and shock.decay is not None
        pick = np.zeros(sample, dtype=int)
        if shock.like is not None:
            pick = np.full(sample, names.index(shock.like))
        elif names and not own:
            pick = rng.integers(len(names), size=sample)
        if shock.like is not None:
            effect = np.take_along_axis(effects[0], _expand(pick, len(cell) + 1), axis=2)[:, :, 0]
        elif shock.effect is not None:
            effect = np.full((*sample, *shape), shock.effect)
        else:
            means = sample_draws(post, D.SHOCK_MEAN, D.SHOCK, *cell[:-1])
            mean = np.take_along_axis(means, _expand(pick, len(cell)), axis=2)[:, :, 0]
            spread = sample_draws(post, D.SHOCK_SECTOR_SD)
            effect = rng.normal(
                mean[..., None],
                spread.reshape(spread.shape + (1,) * len(cell)),
                (*sample, *shape),
            )
        if shock.decay is not None:
            fade = np.zeros((*sample, len(rates)))
            fade[..., 0] = shock.decay
        elif names:
            fade = np.take_along_axis(fades[0], _expand(pick, 2), axis=2)[:, :, 0]
        else:  # a sized shock on a model without fitted shocks
            fade = _prior_fade(decay_prior, rng, sample, len(rates))
        effect = effect * _hit(post, cell, D.SECTOR, shock.sectors)
        effect = effect * _hit(post, cell, D.SERIES, shock.variables)
        effects.append(effect[:, :, None])
        fades.append(fade[:, :, None])
    fade_all = np.concatenate(fades, axis=2)
    slowing = fade_all[..., 1] if len(rates) > 1 else None
    return np.concatenate(effects, axis=2), fade_all[..., 0], slowing


def _expand(pick: np.ndarray, n: int) -> np.ndarray:
    """``pick`` ``(chain, draw)`` as an index along axis 2 of an array with ``n`` more axes."""
    return pick.reshape(pick.shape + (1,) * n)


def _hit(
    post: xr.Dataset, cell: tuple[str, ...], dim: str, labels: tuple[str, ...] | None
) -> FloatArray:
    """1 where a shock limited to ``labels`` along ``dim`` hits, broadcast over ``cell``."""
    if labels is None or dim not in cell:
        return np.ones(())
    hit = np.isin(post[dim].values.astype(str), np.array(labels, dtype=str)).astype(np.float64)
    return hit.reshape([-1 if d == dim else 1 for d in cell])


def _prior_fade(
    prior: Beta, rng: np.random.Generator, shape: tuple[int, int], n_rates: int
) -> FloatArray:
    """Fading of a new shock when no shock was fitted: decays from ``prior``, geometric."""
    import pymc as pm

    draws = pm.draw(prior.dist(), draws=shape[0] * shape[1], random_seed=rng)
    fade = np.zeros((*shape, n_rates))
    fade[..., 0] = np.asarray(draws, dtype=np.float64).reshape(shape)
    return fade
