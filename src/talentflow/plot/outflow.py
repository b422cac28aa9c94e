"""Plots of outflow fits and forecasts: functions of DataTrees returning matplotlib figures."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from talentflow import _dims as D
from talentflow.plot._bands import band, median_and_interval


def plot_outflow_fan(
    forecast: xr.DataTree,
    *,
    fit: xr.DataTree | None = None,
    sectors: Sequence[str] | None = None,
    probs: Sequence[float] = (0.5, 0.9),
    ncols: int = 4,
) -> Figure:
    """Fan chart of forecast outflow, one panel per destination, summed over ``sectors``.

    Parameters
    ----------
    forecast : xarray.DataTree
        Output of ``forecast`` (its ``predictions`` group).
    fit : xarray.DataTree, optional
        The model's ``posterior_``; its ``observed_data`` is drawn as history.
    sectors : sequence of str, optional
        Sectors to sum over (default: all).
    probs : sequence of float
        Central interval probabilities of the bands.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pred = forecast[D.PREDICTIONS].to_dataset()[D.OUTFLOW]
    pick = {D.SECTOR: list(sectors)} if sectors is not None else {}
    pred = pred.sel(pick).sum(D.SECTOR)
    dests = pred[D.DESTINATION].values
    nrows = int(np.ceil(len(dests) / ncols))
    fig, axes = plt.subplots(
        nrows,
        min(ncols, len(dests)),
        figsize=(3.4 * min(ncols, len(dests)), 2.6 * nrows),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    history = None
    if fit is not None:
        history = fit[D.OBSERVED_DATA].to_dataset()[D.OUTFLOW].sel(pick).sum(D.SECTOR, min_count=1)
    for ax, dest in zip(axes.flat, dests, strict=False):
        if history is not None:
            h = history.sel({D.DESTINATION: dest})
            ax.plot(h[D.TIME].values, h.values, color="0.2", lw=1.0, label="observed")
        band(ax, pred[D.TIME].values, pred.sel({D.DESTINATION: dest}), probs, "C0", "forecast")
        ax.set_title(str(dest), fontsize=10)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    for ax in list(axes.flat)[len(dests) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, loc="upper left")
    who = "all sectors" if sectors is None else ", ".join(sectors)
    fig.suptitle(f"Outflow by destination ({who}), people per month")
    return fig


def plot_destination_shares(fit: xr.DataTree, *, prob: float = 0.9) -> Figure:
    """Posterior destination shares per sector: medians with ``prob`` intervals.

    Returns
    -------
    matplotlib.figure.Figure
    """
    share = fit[D.POSTERIOR].to_dataset()[D.DESTINATION_SHARE]
    sectors, dests = share[D.SECTOR].values, share[D.DESTINATION].values
    q = median_and_interval(share, prob)
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(dests), 3.6), layout="constrained")
    width = 0.8 / len(sectors)
    x = np.arange(len(dests))
    for i, sector in enumerate(sectors):
        lo, mid, hi = q.sel({D.SECTOR: sector}).transpose("quantile", D.DESTINATION).values
        pos = x + (i - (len(sectors) - 1) / 2) * width
        ax.bar(pos, mid, width=width, label=str(sector), color=f"C{i}", alpha=0.8)
        ax.errorbar(pos, mid, yerr=[mid - lo, hi - mid], fmt="none", ecolor="0.2", lw=0.8)
    ax.set_xticks(x, [str(d) for d in dests], rotation=30, ha="right")
    ax.set_ylabel("share of departures")
    ax.set_title(f"Destination shares by sector (median, {prob:.0%} interval)")
    ax.legend(fontsize=7, ncols=2)
    return fig


def plot_shock_effects(fit: xr.DataTree, *, prob: float = 0.9) -> Figure:
    """Forest plot of each shock's rate multiplier at full size (impact, or peak), by sector.

    Returns
    -------
    matplotlib.figure.Figure
    """
    post = fit[D.POSTERIOR].to_dataset()
    if D.SHOCK_EFFECT not in post:
        raise ValueError("the fit has no shocks: its config lists none")
    effect = post[D.SHOCK_EFFECT].copy(data=np.exp(post[D.SHOCK_EFFECT].values))
    shocks, sectors = effect[D.SHOCK].values, effect[D.SECTOR].values
    q = median_and_interval(effect, prob)
    fig, axes = plt.subplots(
        1,
        len(shocks),
        figsize=(4.2 * len(shocks), 0.5 + 0.45 * len(sectors)),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, shock in zip(axes.flat, shocks, strict=True):
        lo, mid, hi = q.sel({D.SHOCK: shock}).transpose("quantile", D.SECTOR).values
        y = np.arange(len(sectors))
        ax.hlines(y, lo, hi, color="C1", lw=2)
        ax.plot(mid, y, "o", color="C1")
        ax.set_xscale("log")
        ax.set_yticks(y, [str(s) for s in sectors])
        ax.set_title(f"{shock}", fontsize=10)
        ax.set_xlabel("rate multiplier at full size")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Shock effects (median, {prob:.0%} interval)")
    return fig


def plot_scenario_totals(
    forecasts: dict[str, xr.DataTree],
    *,
    fit: xr.DataTree | None = None,
    probs: Sequence[float] = (0.5, 0.9),
) -> Figure:
    """Total outflow (all sectors and destinations) under several forecasts, on one axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    if fit is not None:
        h = fit[D.OBSERVED_DATA].to_dataset()[D.OUTFLOW].sum((D.SECTOR, D.DESTINATION))
        ax.plot(h[D.TIME].values, h.values, color="0.2", lw=1.0, label="observed")
    for i, (name, fc) in enumerate(forecasts.items()):
        total = fc[D.PREDICTIONS].to_dataset()[D.OUTFLOW_TOTAL].sum(D.SECTOR)
        band(ax, total[D.TIME].values, total, probs, f"C{i}", name)
    ax.set_yscale("log")
    ax.set_ylabel("people per month")
    ax.set_title("Total outflow: history and forecasts")
    ax.legend(fontsize=7, ncols=2)
    return fig
