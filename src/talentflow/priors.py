"""Typed prior distributions used in model configurations.

Each prior is a small frozen dataclass that knows how to become a PyMC random
variable (inside a model) or a free-standing distribution (for forward draws). They
replace dictionaries of prior parameters: a typo is an error, not a silent default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pymc as pm

from talentflow.exceptions import ConfigError

#: Median of the standard half-normal distribution (the normal's upper quartile).
_HALF_NORMAL_MEDIAN = 0.6744897501960817


def _positive(cls: str, **values: float) -> None:
    for name, value in values.items():
        if not (math.isfinite(value) and value > 0):
            raise ConfigError(f"{cls}.{name} must be a finite positive number, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class Normal:
    """Normal prior.

    Examples
    --------
    >>> Normal(mu=0.0, sigma=1.0)
    Normal(mu=0.0, sigma=1.0)
    """

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.mu):
            raise ConfigError(f"Normal.mu must be finite, got {self.mu!r}")
        _positive("Normal", sigma=self.sigma)

    def dist(self) -> Any:
        """Return a free-standing PyMC distribution (for forward draws)."""
        return pm.Normal.dist(mu=self.mu, sigma=self.sigma)

    def create(self, name: str, **kwargs: Any) -> Any:
        """Create the random variable ``name`` in the current PyMC model."""
        return pm.Normal(name, mu=self.mu, sigma=self.sigma, **kwargs)


@dataclass(frozen=True, kw_only=True)
class HalfNormal:
    """Half-normal prior on a positive scale.

    Examples
    --------
    >>> HalfNormal(sigma=0.5).sigma
    0.5
    """

    sigma: float = 1.0

    def __post_init__(self) -> None:
        _positive("HalfNormal", sigma=self.sigma)

    def median(self) -> float:
        """Return the prior median, ``sigma`` times the normal quartile 0.6745.

        Examples
        --------
        >>> round(HalfNormal(sigma=1.0).median(), 4)
        0.6745
        """
        return self.sigma * _HALF_NORMAL_MEDIAN

    def dist(self) -> Any:
        """Return a free-standing PyMC distribution (for forward draws)."""
        return pm.HalfNormal.dist(sigma=self.sigma)

    def create(self, name: str, **kwargs: Any) -> Any:
        """Create the random variable ``name`` in the current PyMC model."""
        return pm.HalfNormal(name, sigma=self.sigma, **kwargs)


@dataclass(frozen=True, kw_only=True)
class Beta:
    """Beta prior on a fraction.

    Examples
    --------
    >>> Beta(alpha=2.0, beta=5.0).alpha
    2.0
    """

    alpha: float = 1.0
    beta: float = 1.0

    def __post_init__(self) -> None:
        _positive("Beta", alpha=self.alpha, beta=self.beta)

    def dist(self) -> Any:
        """Return a free-standing PyMC distribution (for forward draws)."""
        return pm.Beta.dist(alpha=self.alpha, beta=self.beta)

    def create(self, name: str, **kwargs: Any) -> Any:
        """Create the random variable ``name`` in the current PyMC model."""
        return pm.Beta(name, alpha=self.alpha, beta=self.beta, **kwargs)


@dataclass(frozen=True, kw_only=True)
class LogNormal:
    """Log-normal prior on a positive quantity: ``log x ~ Normal(mu, sigma)``.

    Examples
    --------
    >>> LogNormal(mu=0.0, sigma=0.5).sigma
    0.5
    """

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.mu):
            raise ConfigError(f"LogNormal.mu must be finite, got {self.mu!r}")
        _positive("LogNormal", sigma=self.sigma)

    def dist(self) -> Any:
        """Return a free-standing PyMC distribution (for forward draws)."""
        return pm.LogNormal.dist(mu=self.mu, sigma=self.sigma)

    def create(self, name: str, **kwargs: Any) -> Any:
        """Create the random variable ``name`` in the current PyMC model."""
        return pm.LogNormal(name, mu=self.mu, sigma=self.sigma, **kwargs)
