"""Plots of fits and forecasts (functions of DataTrees; they never import models)."""

from talentflow.plot.outflow import (
    plot_destination_shares,
    plot_outflow_fan,
    plot_scenario_totals,
    plot_shock_effects,
)
from talentflow.plot.returns import plot_return_hazard, plot_stock_abroad
from talentflow.plot.vacancies import plot_beveridge, plot_tightness

__all__ = [
    "plot_beveridge",
    "plot_destination_shares",
    "plot_outflow_fan",
    "plot_return_hazard",
    "plot_scenario_totals",
    "plot_shock_effects",
    "plot_stock_abroad",
    "plot_tightness",
]
