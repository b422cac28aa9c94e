"""Simulators with known truth, bundled examples and loaders of public data."""

from talentflow.datasets.fred import US_JOLTS_CPS, load_fred_series, load_us_jolts_cps
from talentflow.datasets.job_board import load_job_board_2022
from talentflow.datasets.relocation import load_relocation_2022, load_returns_2022
from talentflow.datasets.returns import simulate_returns
from talentflow.datasets.simulate import simulate_outflow
from talentflow.datasets.vacancies import simulate_vacancies

__all__ = [
    "US_JOLTS_CPS",
    "load_fred_series",
    "load_job_board_2022",
    "load_relocation_2022",
    "load_returns_2022",
    "load_us_jolts_cps",
    "simulate_outflow",
    "simulate_returns",
    "simulate_vacancies",
]
