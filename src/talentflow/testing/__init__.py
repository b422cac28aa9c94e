"""Public hypothesis strategies and a model-contract checker."""

from talentflow.testing.contract import check_model_contract
from talentflow.testing.strategies import (
    CORRUPTIONS,
    Corruption,
    corrupted_outflow_datasets,
    outflow_datasets,
    returns_datasets,
)

__all__ = [
    "CORRUPTIONS",
    "Corruption",
    "check_model_contract",
    "corrupted_outflow_datasets",
    "outflow_datasets",
    "returns_datasets",
]
