"""Model families: pure graph builders plus thin classes following one contract."""

from talentflow.models.outflow import OutflowModel
from talentflow.models.outflow_graph import OutflowConfig, OutflowPriors, build_outflow_model
from talentflow.models.returns import ReturnModel
from talentflow.models.returns_graph import ReturnConfig, ReturnPriors, build_return_model
from talentflow.models.shocks import Shock

__all__ = [
    "OutflowConfig",
    "OutflowModel",
    "OutflowPriors",
    "ReturnConfig",
    "ReturnModel",
    "ReturnPriors",
    "Shock",
    "build_outflow_model",
    "build_return_model",
]
