"""Plots of fits and forecasts (functions of DataTrees; they never import models)."""

from talentflow.plot.outflow import (
    plot_destination_shares,
    plot_outflow_fan,
    plot_scenario_totals,
    plot_shock_effects,
)

__all__ = [
    "plot_destination_shares",
    "plot_outflow_fan",
    "plot_scenario_totals",
    "plot_shock_effects",
]
