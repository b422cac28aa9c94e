"""Configuration and pure graph builder of the return-migration model.

The prior choices and their reasons are documented in ``docs/returns.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from talentflow import _dims as D
from talentflow._config import check_count
from talentflow.data._time import month_numbers
from talentflow.exceptions import ConfigError, DataError
from talentflow.models import cohorts
from talentflow.models.likelihood import count_arrays, masked_nb_logp
from talentflow.models.shocks import Shock
from talentflow.priors import HalfNormal, LogNormal, Normal

#: Label of the cohorts that left outside every wave (``cohort_group`` coordinate).
OTHER_COHORTS = "other"


@dataclass(frozen=True, kw_only=True)
class ReturnPriors:
    """Priors of the return model.

    Examples
    --------
    >>> ReturnPriors().hazard_level
    Normal(mu=-1.5, sigma=1.0)
    """

    #: Log cumulative hazard of an average cohort after 12 months abroad. -1.5 means
    #: about 20% back within a year; sigma 1 spans roughly 4% to 60%.
    hazard_level: Normal = field(default_factory=lambda: Normal(mu=-1.5, sigma=1.0))
    #: Scale of the log-logistic shape in months: where the hazard peaks (shape > 1).
    #: Median 12 months, 95% between about 2 and 85 months.
    hazard_scale: LogNormal = field(default_factory=lambda: LogNormal(mu=math.log(12.0), sigma=1.0))
    #: Shape of the log-logistic: above 1 the hazard rises for the first months and
    #: then falls; at or below 1 it only falls. Median 1.5.
    hazard_shape: LogNormal = field(default_factory=lambda: LogNormal(mu=math.log(1.5), sigma=0.5))
    #: Spread of the sector effects (log hazard multipliers, zero-sum across sectors).
    sector_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))
    #: Spread of the destination effects (zero-sum; only when returns are by destination).
    destination_sd: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))
    #: Log hazard multiplier of the cohorts that left in a wave.
    wave_effect: Normal = field(default_factory=lambda: Normal(mu=0.0, sigma=1.0))
    #: Negative-binomial overdispersion phi (variance = mu + (phi mu)^2).
    overdispersion: HalfNormal = field(default_factory=lambda: HalfNormal(sigma=0.5))


@dataclass(frozen=True, kw_only=True)
class ReturnConfig:
    """Configuration of :class:`~talentflow.ReturnModel`.

    Parameters
    ----------
    waves : tuple of Shock
        Shocks whose departure cohorts get a hazard effect of their own (a panicked
        departure may return sooner than a planned move). Only name and start are used.
    wave_months : int
        How many months from a wave's start its departures count as the wave's cohort.
        A month in two waves' windows belongs to the later wave.
    months_abroad : int
        Length of the ``months_abroad`` axis of the reported ``return_hazard``.
    priors : ReturnPriors
        Prior distributions.

    Examples
    --------
    >>> from talentflow import Shock
    >>> ReturnConfig(waves=(Shock(name="invasion", start="2022-03"),)).wave_months
    3
    """

    waves: tuple[Shock, ...] = ()
    wave_months: int = 3
    months_abroad: int = 36
    priors: ReturnPriors = field(default_factory=ReturnPriors)

    def __post_init__(self) -> None:
        object.__setattr__(self, "waves", tuple(self.waves))
        for s in self.waves:
            if not isinstance(s, Shock) or s.is_hypothetical or s.peak is not None:
                raise ConfigError(f"waves must be plain Shock(name=..., start=...), got {s!r}")
        names = [s.name for s in self.waves]
        if len(set(names)) != len(names) or OTHER_COHORTS in names:
            raise ConfigError(f"wave names must be unique and not {OTHER_COHORTS!r}, got {names}")
        for name in ("wave_months", "months_abroad"):
            object.__setattr__(self, name, check_count(name, getattr(self, name)))


def wave_membership(
    config: ReturnConfig, months: np.ndarray, *, also: Sequence[Shock] = ()
) -> np.ndarray:
    """``(time, wave)`` 0/1 matrix: which wave each departure month belongs to.

    ``months`` are month numbers (months since 1970-01). A month belongs to the last
    listed wave whose window ``[start, start + wave_months)`` contains it. ``also``
    lists further shocks (forecast scenarios) whose windows join the wave they are
    ``like``, after the configured waves.

    Examples
    --------
    >>> cfg = ReturnConfig(waves=(Shock(name="a", start="1970-02"),), wave_months=2)
    >>> wave_membership(cfg, np.arange(4)).ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    >>> again = Shock(name="b", start="1970-04", like="a")
    >>> wave_membership(cfg, np.arange(5), also=(again,)).ravel().tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0]
    """
    names = [wave.name for wave in config.waves]
    windows = [(wave, k) for k, wave in enumerate(config.waves)]
    windows += [(shock, names.index(str(shock.like))) for shock in also]
    months = np.asarray(months, dtype=np.int64)
    out = np.zeros((len(months), len(config.waves)))
    for wave, k in windows:
        start = int(wave.month.astype(np.int64))
        inside = (months >= start) & (months < start + config.wave_months)
        out[inside] = 0.0
        out[inside, k] = 1.0
    return out


def by_destination(data: xr.Dataset) -> bool:
    """Whether returns are observed by destination (so destination effects are estimated)."""
    return D.DESTINATION in data[D.RETURNS].dims


def stored_variables(config: ReturnConfig, destination_effects: bool) -> list[str]:
    """Names of the posterior variables a fit samples and keeps."""
    names = [
        D.HAZARD_LEVEL,
        D.HAZARD_SCALE,
        D.HAZARD_SHAPE,
        D.SECTOR_SD,
        D.SECTOR_EFFECT,
        D.OVERDISPERSION,
        D.RETURN_HAZARD,
    ]
    if destination_effects:
        names += [D.DESTINATION_SD, D.DESTINATION_EFFECT]
    if config.waves:
        names += [D.WAVE_EFFECT]
    return names


def model_arrays(
    data: xr.Dataset, departures: xr.DataArray, config: ReturnConfig
) -> dict[str, np.ndarray]:
    """Values of the model's data containers (pure).

    ``departures`` is ``(time, sector, destination)``: the data's outflow, or the mean
    departures of a fitted outflow model. Returns months with no earlier departure
    carry no information (their expected count is zero) and are masked out.

    Raises
    ------
    DataError
        If a wave has no departure month of its own in the data (its effect would be
        its prior alone).
    """
    cell = (D.TIME, D.SECTOR, D.DESTINATION)
    dep = departures.transpose(*cell).values.astype(np.float64)
    returns = data[D.RETURNS]
    order = [d for d in cell if d in returns.dims]
    y = returns.transpose(*order).values.astype(np.float64)
    earlier = np.cumsum(dep, axis=0) - dep
    if len(order) == 2:
        earlier = earlier.sum(axis=-1)
    membership = wave_membership(config, month_numbers(data[D.TIME].values))
    first, last = (str(t)[:7] for t in data[D.TIME].values[[0, -1]])
    problems = [
        f"wave {wave.name!r}: its {config.wave_months} months from {wave.start} hold no "
        f"month of the data ({first}..{last}) not taken by a later wave "
        "(rule: a wave's cohorts depart within the data)"
        for wave, months in zip(config.waves, membership.sum(axis=0), strict=True)
        if months == 0
    ]
    if problems:
        raise DataError(problems)
    return {
        D.DEPARTURES: dep,
        **count_arrays("returns", y, observed=earlier > 0),
        "cohort_groups": cohorts.group_matrix(membership),
    }


def model_coords(data: xr.Dataset, config: ReturnConfig) -> dict[str, np.ndarray]:
    """Coordinates of the model: the data's labels, the waves and the months abroad."""
    return {
        D.TIME: data[D.TIME].values,
        D.SECTOR: data[D.SECTOR].values,
        D.DESTINATION: data[D.DESTINATION].values,
        D.SHOCK: np.array([s.name for s in config.waves], dtype=object),
        D.MONTHS_ABROAD: np.arange(1, config.months_abroad + 1),
    }


def build_return_model(
    data: xr.Dataset, departures: xr.DataArray, config: ReturnConfig
) -> pm.Model:
    """Build the PyMC model of return counts for validated ``data`` (a pure function).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
    ...                                        random_seed=0)
    >>> model = build_return_model(data, data.outflow, ReturnConfig())
    >>> [name for name in model.named_vars if name.startswith("hazard")]
    ['hazard_level', 'hazard_scale', 'hazard_shape']
    """
    arrays = model_arrays(data, departures, config)
    p = config.priors
    n_time = data.sizes[D.TIME]
    per_destination = by_destination(data)
    with pm.Model(coords=model_coords(data, config)) as model:
        box = {k: pm.Data(k, v) for k, v in arrays.items()}
        level = p.hazard_level.create(D.HAZARD_LEVEL)
        scale = p.hazard_scale.create(D.HAZARD_SCALE)
        shape = p.hazard_shape.create(D.HAZARD_SHAPE)
        sector_sd = p.sector_sd.create(D.SECTOR_SD)
        sector = pm.ZeroSumNormal(D.SECTOR_EFFECT, sigma=sector_sd, dims=D.SECTOR)
        destination = None
        if per_destination:
            dest_sd = p.destination_sd.create(D.DESTINATION_SD)
            destination = pm.ZeroSumNormal(D.DESTINATION_EFFECT, sigma=dest_sd, dims=D.DESTINATION)
        wave = p.wave_effect.create(D.WAVE_EFFECT, dims=D.SHOCK) if config.waves else None

        log_mult = cohorts.group_log_multiplier(
            level, scale, shape, sector, destination, wave, pt
        )  # (group, sector, destination); the last group is "other"
        months = np.arange(max(n_time, config.months_abroad + 1), dtype=np.float64)
        cum = cohorts.cumulative_hazard(months, scale, shape, pt)
        plain = log_mult[-1] if per_destination else log_mult[-1, :, 0]
        hazard = cohorts.monthly_hazard(cum[: config.months_abroad + 1], plain[..., None], pt)
        hazard_dims = (D.SECTOR, D.DESTINATION) if per_destination else (D.SECTOR,)
        pm.Deterministic(D.RETURN_HAZARD, hazard, dims=(*hazard_dims, D.MONTHS_ABROAD))

        back, _ = cohorts.cohort_flows(
            box[D.DEPARTURES], log_mult, box["cohort_groups"], cum, pt, n_time=n_time
        )
        expected = back.sum(axis=1)
        if not per_destination:
            expected = expected.sum(axis=-1)
        phi = p.overdispersion.create(D.OVERDISPERSION)
        pm.Potential(
            "returns_loglik",
            masked_nb_logp(box, "returns", pt.log(expected + 1e-10), 1.0 / phi**2),
        )
    return model
