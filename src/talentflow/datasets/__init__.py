"""Simulators with known truth and bundled examples."""

from talentflow.datasets.relocation import load_relocation_2022, load_returns_2022
from talentflow.datasets.returns import simulate_returns
from talentflow.datasets.simulate import simulate_outflow

__all__ = ["load_relocation_2022", "load_returns_2022", "simulate_outflow", "simulate_returns"]
