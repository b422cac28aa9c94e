"""Shared fixtures: small simulated panels and one fitted model per session."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pymc as pm
import pytest
import xarray as xr
from hypothesis import HealthCheck, settings

import talentflow as tf

matplotlib.use("Agg")

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: Small, quick settings for fits whose statistics are not under test.
QUICK = {"draws": 150, "tune": 200, "chains": 2, "check": False}
SHOCK = tf.Shock(name="wave", start="2021-07")


def small_panel(seed: int) -> xr.Dataset:
    data, _ = tf.datasets.simulate_outflow(
        sectors=["IT", "Finance", "Media"],
        destinations=["Georgia", "Serbia", "EU"],
        n_months=18,
        start="2021-01",
        shocks=(SHOCK,),
        shock_mean=1.5,
        workforce=[200_000.0, 150_000.0, 50_000.0],
        missing_fraction=0.05,
        random_seed=seed,
    )
    return data


@pytest.fixture(scope="session")
def panel() -> xr.Dataset:
    return small_panel(1)


@pytest.fixture(scope="session")
def config() -> tf.OutflowConfig:
    return tf.OutflowConfig(shocks=(SHOCK,))


@pytest.fixture(scope="session")
def fitted(panel: xr.Dataset, config: tf.OutflowConfig) -> tf.OutflowModel:
    return tf.OutflowModel(config).fit(panel, random_seed=5, **QUICK)


WAVE = tf.Shock(name="wave", start="2021-07")


def returns_panel(seed: int, *, by_destination: bool = False) -> xr.Dataset:
    data, _ = tf.datasets.simulate_returns(
        departures=small_panel(seed).outflow.fillna(0.0),
        waves=(WAVE,),
        hazard_level=-1.0,
        by_destination=by_destination,
        missing_fraction=0.05,
        random_seed=seed,
    )
    return data


@pytest.fixture(scope="session")
def return_config() -> tf.ReturnConfig:
    return tf.ReturnConfig(waves=(WAVE,), months_abroad=24)


@pytest.fixture(scope="session")
def return_fitted(return_config: tf.ReturnConfig) -> tf.ReturnModel:
    return tf.ReturnModel(return_config).fit(returns_panel(1), random_seed=6, **QUICK)


@pytest.fixture(scope="session")
def coupled(
    fitted: tf.OutflowModel, return_config: tf.ReturnConfig, panel: xr.Dataset
) -> tf.ReturnModel:
    """A return model whose departures come from the fitted outflow model."""
    data, _ = tf.datasets.simulate_returns(
        departures=panel.outflow.fillna(0.0), waves=(WAVE,), hazard_level=-1.0, random_seed=3
    )
    model = tf.ReturnModel(return_config)
    return model.fit(data.drop_vars("outflow"), outflow_model=fitted, random_seed=7, **QUICK)


SLUMP = tf.Shock(name="slump", start="2018-01", peak="2018-03")


def vacancy_panel(seed: int, *, missing_fraction: float = 0.03, n_months: int = 48) -> xr.Dataset:
    """Four sectors, four years, a slump building up over a quarter half-way, hires; a few gaps."""
    data, _ = tf.datasets.simulate_vacancies(
        sectors=["IT", "Finance", "Retail", "Health"],
        n_months=n_months,
        start="2016-01",
        shocks=(SLUMP,),
        missing_fraction=missing_fraction,
        random_seed=seed,
    )
    return data


@pytest.fixture(scope="session")
def vacancy_config() -> tf.VacancyConfig:
    return tf.VacancyConfig(shocks=(SLUMP,))


@pytest.fixture(scope="session")
def vacancy_fitted(vacancy_config: tf.VacancyConfig) -> tf.VacancyModel:
    return tf.VacancyModel(vacancy_config).fit(vacancy_panel(1), random_seed=8, **QUICK)


def one_draw(model: pm.Model, values: dict[str, np.ndarray]) -> xr.Dataset:
    """The model's variables ``values`` as a posterior of one chain and one draw."""
    return xr.Dataset(
        {
            n: (("chain", "draw", *model.named_vars_to_dims.get(n, ())), np.asarray(v)[None, None])
            for n, v in values.items()
        },
        coords={k: np.asarray(v) for k, v in model.coords.items() if k != "time"},
    )
