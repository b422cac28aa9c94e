"""Data contracts: validation (every problem in one error) and pandas <-> xarray."""

from talentflow.data.outflow import (
    OutflowFrames,
    outflow_from_frames,
    outflow_problems,
    outflow_to_frames,
    validate_outflow,
)
from talentflow.data.returns import returns_from_frames, returns_problems, validate_returns
from talentflow.data.vacancies import vacancies_problems, validate_vacancies

__all__ = [
    "OutflowFrames",
    "outflow_from_frames",
    "outflow_problems",
    "outflow_to_frames",
    "returns_from_frames",
    "returns_problems",
    "vacancies_problems",
    "validate_outflow",
    "validate_returns",
    "validate_vacancies",
]
