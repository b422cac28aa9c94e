"""Array kernels of the outflow process, shared by the compiled model and NumPy code.

Each kernel takes ``xp`` (``numpy`` or ``pytensor.tensor``) and uses only operations
both libraries share, so the graph that is sampled and the code that simulates and
forecasts are the same arithmetic. No xarray here: leading axes are sample axes, then
``time``, ``sector`` (and ``destination``) in that order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from talentflow._typing import FloatArray, Tensor


def trend_paths(
    level0: Tensor, slope0: Tensor, level_steps: Tensor, slope_steps: Tensor | None, xp: Any
) -> tuple[Tensor, Tensor]:
    """Roll a local linear trend forward from ``(level0, slope0)``.

    ``level_steps`` and ``slope_steps`` are scaled innovations, shape ``(..., n, sector)``;
    ``level0`` and ``slope0`` have shape ``(..., 1, sector)``. With ``slope_steps=None``
    the slope stays at ``slope0`` (a random walk when that is zero). Returns the
    levels and slopes of steps ``1..n``.

    Examples
    --------
    >>> lvl, slp = trend_paths(np.zeros((1, 1)), np.ones((1, 1)), np.zeros((3, 1)), None, np)
    >>> lvl.ravel().tolist()
    [1.0, 2.0, 3.0]
    """
    if slope_steps is None:
        slopes = slope0 + 0.0 * level_steps
        previous = slopes
    else:
        slopes = slope0 + xp.cumsum(slope_steps, axis=-2)
        previous = xp.concatenate([slope0, slopes[..., :-1, :]], axis=-2)
    levels = level0 + xp.cumsum(previous + level_steps, axis=-2)
    return levels, slopes


def log_rate(
    baseline: Tensor, trend: Tensor, effect: Tensor | None, profile: Tensor | None
) -> Tensor:
    """Log monthly outflow rate per worker, shape ``(..., time, sector)``.

    ``baseline`` is ``(..., sector)``, ``trend`` ``(..., time, sector)``, ``effect``
    ``(..., shock, sector)`` and ``profile`` ``(..., shock, time)``.

    Examples
    --------
    >>> log_rate(np.array([-5.0]), np.zeros((2, 1)), np.array([[1.0]]),
    ...          np.array([[0.0, 1.0]])).ravel().tolist()
    [-5.0, -4.0]
    """
    out = baseline[..., None, :] + trend
    if effect is not None and profile is not None:
        out = out + shock_term(effect, profile)
    return out


def shock_term(effect: Tensor, profile: Tensor) -> Tensor:
    """Return the summed shock terms of the log rate, shape ``(..., time, sector)``.

    ``effect`` is ``(..., shock, sector)`` and ``profile`` ``(..., shock, time)``.

    Examples
    --------
    >>> shock_term(np.array([[1.0], [2.0]]), np.array([[0.0, 1.0], [0.5, 0.5]])).ravel().tolist()
    [1.0, 2.0]
    """
    return (effect[..., :, None, :] * profile[..., :, :, None]).sum(axis=-3)


def log_expected_outflow(log_workforce: Tensor, rate: Tensor, log_share: Tensor) -> Tensor:
    """Log expected counts ``(..., time, sector, destination)``.

    From log workforce ``(..., time, sector)``, log rate ``(..., time, sector)`` and log
    destination share ``(..., sector, destination)``.

    Examples
    --------
    >>> mu = np.exp(log_expected_outflow(np.log([[100.0]]), np.log([[0.1]]),
    ...                                  np.log([[0.25, 0.75]])))
    >>> np.round(mu, 6).tolist()
    [[[2.5, 7.5]]]
    """
    return (log_workforce + rate)[..., None] + log_share[..., None, :, :]


def draw_negative_binomial(
    rng: np.random.Generator, mu: FloatArray, overdispersion: FloatArray
) -> FloatArray:
    """Draw negative-binomial counts with mean ``mu`` and variance ``mu + (phi * mu) ** 2``.

    ``overdispersion`` (``phi``) broadcasts against ``mu`` from the left; the PyMC
    parameter is ``alpha = 1 / phi ** 2``.

    Examples
    --------
    >>> draws = draw_negative_binomial(np.random.default_rng(0), np.full(20000, 50.0),
    ...                                np.array(0.2))
    >>> bool(abs(draws.mean() - 50) < 1), bool(abs(draws.var() / (50 + 100) - 1) < 0.1)
    (True, True)
    """
    phi = np.asarray(overdispersion, dtype=np.float64)
    phi = phi.reshape(phi.shape + (1,) * (mu.ndim - phi.ndim))
    alpha = 1.0 / np.maximum(phi, 1e-8) ** 2
    gamma = rng.gamma(shape=alpha, scale=mu / alpha)
    return rng.poisson(gamma).astype(np.float64)
