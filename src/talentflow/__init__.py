"""talentflow: Bayesian hierarchical models of skilled-worker migration and labour markets."""

from talentflow import data, datasets, forecast, models, plot, sampling
from talentflow._version import __version__
from talentflow.exceptions import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    ModelFileError,
    NotFittedError,
)
from talentflow.forecast.scenario import Scenario
from talentflow.models import OutflowConfig, OutflowModel, OutflowPriors, Shock
from talentflow.priors import Beta, HalfNormal, Normal

__all__ = [
    "Beta",
    "ConfigError",
    "ConvergenceWarning",
    "DataError",
    "HalfNormal",
    "ModelFileError",
    "Normal",
    "NotFittedError",
    "OutflowConfig",
    "OutflowModel",
    "OutflowPriors",
    "Scenario",
    "Shock",
    "__version__",
    "data",
    "datasets",
    "forecast",
    "models",
    "plot",
    "sampling",
]
