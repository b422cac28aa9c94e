"""talentflow: Bayesian hierarchical models of skilled-worker migration and labour markets."""

from talentflow import baselines, data, datasets, evaluation, forecast, models, plot, sampling
from talentflow._version import __version__
from talentflow.exceptions import (
    ConfigError,
    ConvergenceWarning,
    DataError,
    ModelFileError,
    NotFittedError,
)
from talentflow.forecast.scenario import Scenario
from talentflow.models import (
    OutflowConfig,
    OutflowModel,
    OutflowPriors,
    ReturnConfig,
    ReturnModel,
    ReturnPriors,
    Shock,
    VacancyConfig,
    VacancyModel,
    VacancyPriors,
)
from talentflow.priors import Beta, HalfNormal, LogNormal, Normal

__all__ = [
    "Beta",
    "ConfigError",
    "ConvergenceWarning",
    "DataError",
    "HalfNormal",
    "LogNormal",
    "ModelFileError",
    "Normal",
    "NotFittedError",
    "OutflowConfig",
    "OutflowModel",
    "OutflowPriors",
    "ReturnConfig",
    "ReturnModel",
    "ReturnPriors",
    "Scenario",
    "Shock",
    "VacancyConfig",
    "VacancyModel",
    "VacancyPriors",
    "__version__",
    "baselines",
    "data",
    "datasets",
    "evaluation",
    "forecast",
    "models",
    "plot",
    "sampling",
]
