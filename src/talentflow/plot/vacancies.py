"""Plots of the vacancy model: Beveridge curves and tightness fans."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from talentflow import _dims as D
from talentflow.plot._bands import band, median_and_interval


def _sectors(post: xr.Dataset, sectors: Sequence[str] | None) -> list[str]:
    return [str(s) for s in (sectors if sectors is not None else post[D.SECTOR].values)]


def _grid(n: int, width: float = 4.0) -> tuple[Figure, np.ndarray]:
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(width * cols, 3.4 * rows), layout="constrained", squeeze=False
    )
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def plot_beveridge(
    fit: xr.DataTree,
    *,
    forecast: xr.DataTree | None = None,
    sectors: Sequence[str] | None = None,
    prob: float = 0.8,
) -> Figure:
    """Beveridge curves per sector: job seekers (x) against vacancies (y).

    The observed months are dots (darker = later), the fitted latent path is the
    posterior median of ``level``; a forecast adds its median path and, at every
    future month, the central ``prob`` interval of both series as a cross.

    Parameters
    ----------
    fit : xarray.DataTree
        A vacancy model's ``posterior_``.
    forecast : xarray.DataTree, optional
        A vacancy model's forecast.
    sectors : sequence of str, optional
        Sectors to draw (default: all).
    prob : float
        Probability of the forecast intervals.

    Returns
    -------
    matplotlib.figure.Figure
    """
    post = fit[D.POSTERIOR].to_dataset()
    observed = fit[D.OBSERVED_DATA].to_dataset()
    names = _sectors(post, sectors)
    fig, axes = _grid(len(names))
    for ax, sector in zip(axes, names, strict=False):
        obs = observed.sel({D.SECTOR: sector})
        ax.scatter(
            obs[D.JOB_SEEKERS].values,
            obs[D.VACANCIES].values,
            c=np.arange(obs.sizes[D.TIME]),
            cmap="Greys",
            s=9,
            label="observed",
        )
        path = post[D.LEVEL].sel({D.SECTOR: sector}).median(list(D.SAMPLE_DIMS))
        ax.plot(
            path.sel({D.SERIES: D.JOB_SEEKERS}).values,
            path.sel({D.SERIES: D.VACANCIES}).values,
            color="C0",
            lw=1.2,
            label="fitted (median)",
        )
        if forecast is not None:
            _forecast_cross(ax, forecast[D.PREDICTIONS].to_dataset(), sector, prob)
        ax.set_title(sector, fontsize=10)
        ax.set_xlabel("job seekers")
        ax.set_ylabel("vacancies")
    axes[0].legend(fontsize=7)
    return fig


def _forecast_cross(ax: Axes, predictions: xr.Dataset, sector: str, prob: float) -> None:
    """Median forecast path with the central interval of each series at every month."""
    v = median_and_interval(predictions[D.VACANCIES].sel({D.SECTOR: sector}), prob).values
    u = median_and_interval(predictions[D.JOB_SEEKERS].sel({D.SECTOR: sector}), prob).values
    ax.errorbar(
        u[1],
        v[1],
        xerr=[u[1] - u[0], u[2] - u[1]],
        yerr=[v[1] - v[0], v[2] - v[1]],
        color="C1",
        lw=0.8,
        alpha=0.6,
        marker="o",
        ms=3,
        label=f"forecast (median, {prob:.0%})",
    )


def plot_tightness(
    fit: xr.DataTree,
    *,
    forecast: xr.DataTree | None = None,
    sectors: Sequence[str] | None = None,
    probs: Sequence[float] = (0.5, 0.9),
) -> Figure:
    """Tightness (vacancies per job seeker) over time per sector, with forecast fans.

    Parameters
    ----------
    fit : xarray.DataTree
        A vacancy model's ``posterior_``.
    forecast : xarray.DataTree, optional
        A vacancy model's forecast, drawn after the fitted months.
    sectors : sequence of str, optional
        Sectors to draw (default: all).
    probs : sequence of float
        Central interval probabilities of the bands.

    Returns
    -------
    matplotlib.figure.Figure
    """
    post = fit[D.POSTERIOR].to_dataset()
    names = _sectors(post, sectors)
    fig, axes = _grid(len(names), width=4.5)
    for ax, sector in zip(axes, names, strict=False):
        fitted = post[D.TIGHTNESS].sel({D.SECTOR: sector})
        band(ax, fitted[D.TIME].values, fitted, probs, "C0", "fitted")
        if forecast is not None:
            future = forecast[D.PREDICTIONS].to_dataset()[D.TIGHTNESS].sel({D.SECTOR: sector})
            band(ax, future[D.TIME].values, future, probs, "C1", "forecast")
        ax.set_title(sector, fontsize=10)
        ax.set_ylabel("vacancies per job seeker")
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    axes[0].legend(fontsize=7)
    return fig
