"""Public hypothesis strategies and a model-contract checker."""

from talentflow.testing.contract import check_model_contract
from talentflow.testing.strategies import (
    CORRUPTIONS,
    VACANCY_CORRUPTIONS,
    Corruption,
    corrupted_outflow_datasets,
    corrupted_vacancy_datasets,
    outflow_datasets,
    returns_datasets,
    vacancy_datasets,
)

__all__ = [
    "CORRUPTIONS",
    "VACANCY_CORRUPTIONS",
    "Corruption",
    "check_model_contract",
    "corrupted_outflow_datasets",
    "corrupted_vacancy_datasets",
    "outflow_datasets",
    "returns_datasets",
    "vacancy_datasets",
]
