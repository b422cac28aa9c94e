"""Named, dated shocks and the kernel of their profile over time."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from talentflow._typing import Tensor
from talentflow.exceptions import ConfigError, DataError


@dataclass(frozen=True, kw_only=True)
class Shock:
    """A named, dated impulse on the outflow rate of every sector, decaying afterwards.

    In a model's configuration a shock is *estimated*: its size per sector
    (``shock_effect``, the log rate multiplier at impact) and its ``shock_decay``
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
    effect : float, optional
        Scenarios only: the log rate multiplier at impact, for every affected sector.
    decay : float, optional
        Scenarios only: the fraction of the effect that fades each month, in ``[0, 1)``.
    like : str, optional
        Scenarios only: name of a fitted shock whose sector effects and decay the new
        shock repeats (draw by draw, so its uncertainty carries over).
    sectors : tuple of str, optional
        Scenarios only: the sectors the shock hits (default: all).
    variables : tuple of str, optional
        Scenarios of :class:`~talentflow.VacancyModel` only: the series the shock hits
        (``"vacancies"``, ``"job_seekers"``; default: both).

    Examples
    --------
    >>> Shock(name="mobilization", start="2022-09-21").start
    '2022-09'
    """

    name: str
    start: str
    effect: float | None = None
    decay: float | None = None
    like: str | None = None
    sectors: tuple[str, ...] | None = None
    variables: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"Shock.name must be a non-empty string, got {self.name!r}")
        try:
            month = pd.Timestamp(self.start).strftime("%Y-%m")
        except (ValueError, TypeError) as err:
            raise ConfigError(f"Shock {self.name!r}: start {self.start!r} is not a date") from err
        object.__setattr__(self, "start", month)
        if self.effect is not None and not math.isfinite(self.effect):
            raise ConfigError(f"Shock {self.name!r}: effect must be finite, got {self.effect!r}")
        if self.decay is not None and not 0.0 <= self.decay < 1.0:
            raise ConfigError(f"Shock {self.name!r}: decay must be in [0, 1), got {self.decay!r}")
        if self.effect is not None and self.like is not None:
            raise ConfigError(f"Shock {self.name!r}: give either effect or like, not both")
        for name in ("sectors", "variables"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def is_hypothetical(self) -> bool:
        """Whether any scenario-only field is set."""
        scenario_only = (self.effect, self.decay, self.like, self.sectors, self.variables)
        return any(v is not None for v in scenario_only)

    @property
    def month(self) -> np.datetime64:
        """The impact month as ``datetime64[M]``."""
        return np.datetime64(self.start, "M")


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
    """Check that every fitted shock starts within ``months`` (month numbers of the data).

    Raises
    ------
    DataError
        Listing every shock that starts before the first or after the last month.

    Examples
    --------
    >>> check_shocks_in_data((Shock(name="a", start="1970-02"),), np.array([0, 1, 2]))
    >>> check_shocks_in_data((Shock(name="a", start="1971-01"),), np.array([0, 1, 2]))
    Traceback (most recent call last):
    ...
    talentflow.exceptions.DataError: ...outside the data's months 1970-01..1970-03...
    """
    first, last = np.asarray(months)[[0, -1]].astype("datetime64[M]")
    problems = [
        f"shock {s.name!r}: starts {s.start}, outside the data's months {first}..{last} "
        "(rule: a fitted shock starts within the data)"
        for s in shocks
        if not months[0] <= s.month.astype(np.int64) <= months[-1]
    ]
    if problems:
        raise DataError(problems)


def shock_ages(shocks: tuple[Shock, ...], months: np.ndarray) -> np.ndarray:
    """Return months since each shock's impact, shape ``(shock, time)`` (negative before).

    Examples
    --------
    >>> shock_ages((Shock(name="a", start="1970-02"),), np.array([0, 1, 2]))
    array([[-1.,  0.,  1.]])
    """
    starts = np.array([s.month.astype(np.int64) for s in shocks], dtype=np.int64)
    return (np.asarray(months)[None, :] - starts[:, None]).astype(np.float64)


def shock_profile(age: Tensor, decay: Tensor, xp: Any) -> Tensor:
    """Multiplier of each shock's impact effect over time: ``(1 - decay) ** age`` after impact.

    Works on NumPy arrays (``xp=numpy``) and PyTensor tensors (``xp=pytensor.tensor``);
    ``decay`` has the shock axis last, ``age`` has shape ``(shock, time)``.

    Examples
    --------
    >>> shock_profile(np.array([[-1.0, 0.0, 2.0]]), np.array([0.5]), np)
    array([[0.  , 1.  , 0.25]])
    """
    retained = (1.0 - decay)[..., :, None]
    return xp.where(age >= 0, retained ** xp.maximum(age, 0.0), 0.0)
