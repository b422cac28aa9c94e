"""Plots of return-model fits and forecasts: hazard curves and stock abroad by cohort."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from talentflow import _dims as D
from talentflow.plot._bands import band


def plot_return_hazard(
    fit: xr.DataTree, *, probs: Sequence[float] = (0.5, 0.9), ncols: int = 3
) -> Figure:
    """Monthly return hazard by months abroad, one panel per sector.

    When returns were observed by destination, each panel has a curve per destination.

    Parameters
    ----------
    fit : xarray.DataTree
        A return model's ``posterior_``.
    probs : sequence of float
        Central interval probabilities of the bands.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
    ...                                        random_seed=0)
    >>> model = tf.ReturnModel().fit(data, draws=50, tune=50, chains=2, random_seed=1,
    ...                              check=False)
    >>> len(plot_return_hazard(model.posterior_).axes)
    2
    """
    hazard = fit[D.POSTERIOR].to_dataset()[D.RETURN_HAZARD]
    sectors = hazard[D.SECTOR].values
    nrows = int(np.ceil(len(sectors) / ncols))
    width = min(ncols, len(sectors))
    fig, axes = plt.subplots(
        nrows,
        width,
        figsize=(3.6 * width, 2.7 * nrows),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    months = hazard[D.MONTHS_ABROAD].values
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, sector in zip(axes.flat, sectors, strict=False):
        curves = hazard.sel({D.SECTOR: sector})
        if D.DESTINATION in curves.dims:
            for i, dest in enumerate(curves[D.DESTINATION].values):
                color = colors[i % len(colors)]
                band(ax, months, curves.sel({D.DESTINATION: dest}), probs[:1], color, str(dest))
        else:
            band(ax, months, curves, probs, colors[0], "hazard")
        ax.set_title(str(sector))
        ax.set_xlabel("months abroad")
    for ax in axes.flat[len(sectors) :]:
        ax.set_visible(False)
    axes.flat[0].set_ylabel("monthly return probability")
    axes.flat[0].legend(fontsize=7)
    return fig


def plot_stock_abroad(
    fit: xr.DataTree,
    *,
    forecast: xr.DataTree | None = None,
    sectors: Sequence[str] | None = None,
    probs: Sequence[float] = (0.5, 0.9),
) -> Figure:
    """Stock abroad over time: median by departure-cohort group, and the total's fan.

    Parameters
    ----------
    fit : xarray.DataTree
        A return model's ``posterior_`` (the fitted months).
    forecast : xarray.DataTree, optional
        A return model's forecast, drawn after the fitted months.
    sectors : sequence of str, optional
        Sectors to sum over (default: all).
    probs : sequence of float
        Central interval probabilities of the total's bands.

    Returns
    -------
    matplotlib.figure.Figure
    """
    parts = [fit[D.POSTERIOR].to_dataset()]
    if forecast is not None:
        parts.append(forecast[D.PREDICTIONS].to_dataset())
    pick = {D.SECTOR: list(sectors)} if sectors is not None else {}
    by_group = xr.concat([p[D.STOCK_BY_COHORT].sel(pick).sum(D.SECTOR) for p in parts], dim=D.TIME)
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    time = by_group[D.TIME].values
    medians = by_group.median(list(D.SAMPLE_DIMS)).transpose(D.COHORT_GROUP, D.TIME)
    ax.stackplot(
        time,
        medians.values,
        labels=[f"left in: {g}" for g in medians[D.COHORT_GROUP].values],
        alpha=0.55,
    )
    band(ax, time, by_group.sum(D.COHORT_GROUP), probs, "black", "total")
    if forecast is not None:
        ax.axvline(parts[1][D.TIME].values[0], color="grey", ls=":", lw=1)
    ax.set_ylabel("people abroad (expected)")
    ax.legend(fontsize=8, loc="upper left")
    return fig
