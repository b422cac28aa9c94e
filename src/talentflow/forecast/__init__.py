"""Horizons, scenarios and posterior prediction into the future."""

from talentflow.forecast.outflow import forecast_outflow
from talentflow.forecast.scenario import Scenario, scenario_problems

__all__ = ["Scenario", "forecast_outflow", "scenario_problems"]
