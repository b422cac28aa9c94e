"""Baseline forecasters (statsmodels) behind the same fit/forecast contract as the models."""

from talentflow.baselines.statsmodels import BaselineConfig, StatsmodelsBaseline

__all__ = ["BaselineConfig", "StatsmodelsBaseline"]
