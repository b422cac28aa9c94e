"""Named, dated shocks and the kernel of their profile over time."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from talentflow._typing import Tensor
from talentflow.exceptions import ConfigError, DataError


@dataclass(frozen=True, kw_only=True)
class Shock:
    """A named, dated shock on a model's log rates or levels, decaying afterwards.

    In a model's configuration a shock is *estimated*: its size per sector
    (``shock_effect``, the log multiplier at full size) and its ``shock_decay``
    come from the data. In a forecast :class:`~talentflow.Scenario` a shock is
    *hypothetical*: its size is fixed by ``effect``, copied from a fitted shock
    named by ``like``, or drawn from the pooled distribution of shock sizes.

    Parameters
    ----------
    name : str
        Label of the shock (the ``shock`` coordinate).
    start : str
        Month of impact, anything :class:`pandas.Timestamp` parses (``"2022-09"``);
        stored as ``"YYYY-MM"``. The month containing the date is the impact month.
        A fitted shock may start before the data if it peaks within them.
    peak : str, optional
        Month the shock reaches its full size (default: ``start``, an impulse). From
        ``start`` to ``peak`` the effect builds up linearly, a fraction ``1 / ramp`` more
        each month; it decays only after ``peak``. For a shock that unfolds over
        months, e.g. a recession from its first month to its trough.
    effect : float, optional
        Scenarios only: the log rate multiplier at full size, for every affected sector.
    decay : float, optional
        Scenarios only: the fraction of the effect that fades each month, in ``[0, 1)``.
    like : str, optional
        Scenarios only: name of a fitted shock whose sector effects and decay the new
        shock repeats (draw by draw, so its uncertainty carries over), and its build-up
        unless ``peak`` is given.
    sectors : tuple of str, optional
        Scenarios only: the sectors the shock hits (default: all).
    variables : tuple of str, optional
        Scenarios of :class:`~talentflow.VacancyModel` only: the series the shock hits
        (``"vacancies"``, ``"job_seekers"``; default: both).

    Examples
    --------
    >>> Shock(name="mobilization", start="2022-09-21").start
    '2022-09'
    >>> Shock(name="recession", start="2007-12", peak="2009-06").ramp
    19
    """

    name: str
    start: str
    peak: str | None = None
    effect: float | None = None
    decay: float | None = None
    like: str | None = None
    sectors: tuple[str, ...] | None = None
    variables: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"Shock.name must be a non-empty string, got {self.name!r}")
        month = self._month("start")
        object.__setattr__(self, "start", month)
        if self.peak is not None:
            peak = self._month("peak")
            if peak < month:
                raise ConfigError(
                    f"Shock {self.name!r}: peak {peak} is before start {month} "
                    "(rule: a shock peaks at or after its start)"
                )
            object.__setattr__(self, "peak", peak)
        if self.effect is not None and not math.isfinite(self.effect):
            raise ConfigError(f"Shock {self.name!r}: effect must be finite, got {self.effect!r}")
        if self.decay is not None and not 0.0 <= self.decay < 1.0:
            raise ConfigError(f"Shock {self.name!r}: decay must be in [0, 1), got {self.decay!r}")
        if self.effect is not None and self.like is not None:
            raise ConfigError(f"Shock {self.name!r}: give either effect or like, not both")
        for name in ("sectors", "variables"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))

    def _month(self, field: str) -> str:
        """Return the date in ``field`` as ``"YYYY-MM"``; raise ConfigError if it is not one."""
        value = getattr(self, field)
        try:
            return pd.Timestamp(value).strftime("%Y-%m")
        except (ValueError, TypeError) as err:
            raise ConfigError(f"Shock {self.name!r}: {field} {value!r} is not a date") from err

    @property
    def is_hypothetical(self) -> bool:
        """Whether any scenario-only field is set."""
        scenario_only = (self.effect, self.decay, self.like, self.sectors, self.variables)
        return any(v is not None for v in scenario_only)

    @property
    def month(self) -> np.datetime64:
        """The impact month as ``datetime64[M]``."""
        return np.datetime64(self.start, "M")

    @property
    def ramp(self) -> int:
        """Months from ``start`` to ``peak``, both included (1 for an impulse)."""
        if self.peak is None:
            return 1
        return int((np.datetime64(self.peak, "M") - self.month).astype(np.int64)) + 1


def fitted_shocks(shocks: Iterable[object]) -> tuple[Shock, ...]:
    """Return ``shocks`` as a tuple, checked as a config's shocks to estimate.

    Raises
    ------
    ConfigError
        If an item is not a :class:`Shock`, sets a scenario-only field, or names repeat.
    """
    out = []
    for s in shocks:
        if not isinstance(s, Shock):
            raise ConfigError(f"shocks must be Shock objects, got {s!r}")
        out.append(s)
        if s.is_hypothetical:
            raise ConfigError(
                f"Shock {s.name!r}: effect, decay, like, sectors and variables are for "
                "forecast scenarios; a fitted shock's size and decay are estimated"
            )
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"shock names must be unique, got {names}")
    return tuple(out)


def check_shocks_in_data(shocks: tuple[Shock, ...], months: np.ndarray) -> None:
    """Check that every fitted shock peaks within ``months`` (the data's month numbers).

    A shock may start before the data as long as it peaks within them: its build-up
    is fitted from where the data begin. Of a shock that peaked earlier only a
    fading tail is seen, on which its size at the peak and its decay trade off
    without bound; the error says to start it in the data's first month instead.

    Raises
    ------
    DataError
        Listing every shock whose peak (its start, for an impulse) is outside the data.

    Examples
    --------
    >>> check_shocks_in_data((Shock(name="a", start="1969-06", peak="1970-02"),),
    ...                      np.array([0, 1, 2]))
    >>> check_shocks_in_data((Shock(name="a", start="1970-04"),), np.array([0, 1, 2]))
    Traceback (most recent call last):
    ...
    talentflow.exceptions.DataError: ...outside the data's months 1970-01..1970-03...
    """
    first, last = (np.datetime64(int(m), "M") for m in np.asarray(months)[[0, -1]])
    problems = []
    for s in shocks:
        peak = np.datetime64(s.peak or s.start, "M")
        if first <= peak <= last:
            continue
        problem = (
            f"shock {s.name!r}: peaks {peak}, outside the data's months {first}..{last} "
            "(rule: a fitted shock peaks within the data; it may start before them)"
        )
        if peak < first:
            problem += (
                f"; for the fading tail alone, start it at {first} without a peak: "
                "its shock_effect is then the size in that month"
            )
        problems.append(problem)
    if problems:
        raise DataError(problems)


def shock_timing(shocks: tuple[Shock, ...], months: np.ndarray) -> np.ndarray:
    """Return each shock's build-up and months since its peak, shape ``(2, shock, time)``.

    Row 0 is the fraction of the full size reached (0 before ``start``, rising by
    ``1 / ramp`` a month to 1 at ``peak``); row 1 counts the months after ``peak``
    (0 until then). A shock ``like`` an earlier one in ``shocks`` and without a
    ``peak`` of its own builds up over that shock's ramp.

    Examples
    --------
    >>> shock_timing((Shock(name="a", start="1970-02", peak="1970-03"),),
    ...              np.array([0, 1, 2, 3]))
    array([[[0. , 0.5, 1. , 1. ]],
    <BLANKLINE>
           [[0. , 0. , 0. , 1. ]]])
    """
    ramps = {s.name: s.ramp for s in shocks}
    ramp = np.array(
        [ramps[s.like] if s.peak is None and s.like in ramps else s.ramp for s in shocks],
        dtype=np.float64,
    )[:, None]
    starts = np.array([s.month.astype(np.int64) for s in shocks], dtype=np.int64)
    age = (np.asarray(months)[None, :] - starts[:, None]).astype(np.float64)
    build = np.clip((age + 1.0) / ramp, 0.0, 1.0)
    since_peak = np.maximum(age + 1.0 - ramp, 0.0)
    return np.stack([build, since_peak])


def shock_profile(timing: Tensor, decay: Tensor, slowing: Tensor | None = None) -> Tensor:
    """Multiplier of each shock's full-size effect over time, shape ``(..., shock, time)``.

    The build-up times the share of the effect left ``a`` months after the peak:
    ``(1 - decay) ** a`` (geometric), or with ``slowing`` ``s > 0``
    ``(1 + ((1 - decay) ** -s - 1) a) ** (-1 / s)``, whose monthly rate starts at
    ``decay`` and falls with age (the tail of a mix of effects that fade at
    gamma-distributed rates of shape ``1 / s``; ``s -> 0`` is geometric). ``timing``
    is from :func:`shock_timing`; NumPy arrays and PyTensor tensors alike, ``decay``
    and ``slowing`` with the shock axis last.

    Examples
    --------
    >>> timing = shock_timing((Shock(name="a", start="1970-02"),), np.array([0, 1, 3]))
    >>> shock_profile(timing, np.array([0.5]))
    array([[0.  , 1.  , 0.25]])
    >>> shock_profile(timing, np.array([0.5]), np.array([1.0]))
    array([[0.        , 1.        , 0.33333333]])
    """
    retained = (1.0 - decay)[..., :, None]
    if slowing is None:
        return timing[0] * retained ** timing[1]
    xp: Any = pt if isinstance(decay, Variable) or isinstance(slowing, Variable) else np
    # In log1p / expm1 form, exact to rounding as s -> 0 (s = 0: geometric).
    s = xp.maximum(slowing, 1e-12)[..., :, None]
    step = xp.expm1(-s * xp.log(retained))
    return timing[0] * xp.exp(-xp.log1p(step * timing[1]) / s)
