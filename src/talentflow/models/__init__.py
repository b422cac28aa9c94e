"""Model families: pure graph builders plus thin classes following one contract."""

from talentflow.models.outflow import OutflowModel
from talentflow.models.outflow_graph import OutflowConfig, OutflowPriors, build_outflow_model
from talentflow.models.shocks import Shock

__all__ = ["OutflowConfig", "OutflowModel", "OutflowPriors", "Shock", "build_outflow_model"]
