"""Model families: pure graph builders plus thin classes following one contract."""

from talentflow.models.outflow import OutflowModel
from talentflow.models.outflow_graph import OutflowConfig, OutflowPriors, build_outflow_model
from talentflow.models.returns import ReturnModel
from talentflow.models.returns_graph import ReturnConfig, ReturnPriors, build_return_model
from talentflow.models.shocks import Shock
from talentflow.models.vacancies import VacancyModel
from talentflow.models.vacancies_graph import VacancyConfig, VacancyPriors, build_vacancy_model

__all__ = [
    "OutflowConfig",
    "OutflowModel",
    "OutflowPriors",
    "ReturnConfig",
    "ReturnModel",
    "ReturnPriors",
    "Shock",
    "VacancyConfig",
    "VacancyModel",
    "VacancyPriors",
    "build_outflow_model",
    "build_return_model",
    "build_vacancy_model",
]
