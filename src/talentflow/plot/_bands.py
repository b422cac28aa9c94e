"""Quantile bands shared by the plots."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from talentflow import _dims as D


def band(
    ax: Axes,
    time: np.ndarray,
    draws: xr.DataArray,
    probs: Sequence[float],
    color: str,
    label: str,
) -> None:
    """Median line and nested central intervals of ``draws`` (sample dims reduced)."""
    for p in sorted(probs, reverse=True):
        lo, hi = draws.quantile([(1 - p) / 2, (1 + p) / 2], dim=list(D.SAMPLE_DIMS)).values
        ax.fill_between(
            time, lo, hi, color=color, alpha=0.18, linewidth=0, label=f"{label} {p:.0%}"
        )
    ax.plot(
        time, draws.median(list(D.SAMPLE_DIMS)).values, color=color, lw=1.6, label=f"{label} median"
    )


def median_and_interval(draws: xr.DataArray, prob: float) -> xr.DataArray:
    """Lower bound, median and upper bound of the central ``prob`` interval (``quantile`` dim)."""
    return draws.quantile([(1 - prob) / 2, 0.5, (1 + prob) / 2], dim=list(D.SAMPLE_DIMS))
