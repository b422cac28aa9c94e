"""Data contracts: validation (every problem in one error) and pandas <-> xarray."""

from talentflow.data.outflow import (
    OutflowFrames,
    outflow_from_frames,
    outflow_problems,
    outflow_to_frames,
    validate_outflow,
)

__all__ = [
    "OutflowFrames",
    "outflow_from_frames",
    "outflow_problems",
    "outflow_to_frames",
    "validate_outflow",
]
