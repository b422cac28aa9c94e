"""Vacancy-model benchmark: talentflow's compiled core against the model in plain PyMC.

Panel: 6 sectors x 60 months of vacancies, job seekers and hires, one shock. The plain
version is what a PyMC user would first write: centred random walks whose innovations
get a full LKJ covariance (``MvGaussianRandomWalk``), the same seasonal, shock and
matching terms, ``pm.sample()`` defaults. Both run in this process on this machine, so
every speed figure is a ratio.
"""

from __future__ import annotations

from typing import Any

import common
import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

import talentflow as tf
from talentflow.models import build_vacancy_model
from talentflow.models.vacancies_graph import month_of_year

SHOCK = tf.Shock(name="slump", start="2018-01")
SIZES = {"sectors": 6, "n_months": 60}
TITLE = "Vacancy model, 6 sectors x 60 months, vacancies, job seekers and hires, one shock"
TARGETS: dict[str, str] = {}
#: Compared between the two implementations: same meaning in both.
COMPARED = ["observation_sd", "matching_elasticity", "shock_effect", "shock_decay", "tightness"]


def panel(seed: int) -> xr.Dataset:
    data, _ = tf.datasets.simulate_vacancies(
        **SIZES, start="2016-01", trend="local_level", shocks=(SHOCK,), random_seed=seed
    )
    return data


def _config() -> tf.VacancyConfig:
    return tf.VacancyConfig(trend="local_level", shocks=(SHOCK,))


def run_talentflow(draws: int, tune: int, chains: int, seed: int) -> dict[str, Any]:
    return common.run_talentflow(
        tf.VacancyModel(_config()),
        panel,
        lambda data: build_vacancy_model(data, _config()),
        COMPARED,
        "vacancies",
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
    )


def straightforward_model(data: xr.Dataset) -> pm.Model:
    """The model as a PyMC user would first write it: centred walks, LKJ covariance."""
    y = np.log(np.stack([data.vacancies.values, data.job_seekers.values], axis=1))
    hires = np.log(data.hires.values)
    n_time, _, n_sector = y.shape
    months = (data.time.values.astype("datetime64[M]").astype(int)) - SHOCK.month.astype(int)
    onehot = month_of_year(data.time.values)
    coords = {
        "series": ["vacancies", "job_seekers"],
        "sector": data.sector.values,
        "shock": ["slump"],
        "month_of_year": np.arange(1, 13),
        "time": data.time.values,
    }
    with pm.Model(coords=coords) as model:
        chol, _, _ = pm.LKJCholeskyCov(
            "innovation_cov", n=2 * n_sector, eta=2.0, sd_dist=pm.HalfNormal.dist(0.1)
        )
        walk = pm.MvGaussianRandomWalk(
            "walk",
            mu=np.zeros(2 * n_sector),
            chol=chol,
            init_dist=pm.MvNormal.dist(y[:12].mean(axis=0).ravel(), 0.25 * np.eye(2 * n_sector)),
            shape=(n_time, 2 * n_sector),
        ).reshape((n_time, 2, n_sector))
        seasonal_scale = pm.HalfNormal("seasonal_scale", 0.1)
        seasonal = pm.ZeroSumNormal(
            "seasonal", sigma=seasonal_scale, dims=("series", "sector", "month_of_year")
        )
        mean = pm.Normal("shock_mean", 0.0, 1.0, dims=("shock", "series"))
        sd = pm.HalfNormal("shock_sector_sd", 0.3)
        effect = pm.Normal("shock_effect", mean[:, :, None], sd, dims=("shock", "series", "sector"))
        decay = pm.Beta("shock_decay", 2.0, 5.0, dims="shock")
        profile = pt.where(months >= 0, (1 - decay[0]) ** np.maximum(months, 0), 0.0)
        level = (
            walk
            + pt.tensordot(onehot, seasonal, axes=[[1], [2]])
            + effect[0][None] * profile[:, None, None]
        )
        pm.Deterministic("tightness", pt.exp(level[:, 0] - level[:, 1]), dims=("time", "sector"))
        obs_sd = pm.LogNormal("observation_sd", np.log(0.05), 1.0, dims=("series", "sector"))
        pm.Normal("y", level, obs_sd, observed=y)
        a = pm.Beta("matching_elasticity", 2.0, 2.0, dims="sector")
        eff_sigma = pm.HalfNormal("efficiency_sigma", 0.05)
        log_eff = pm.GaussianRandomWalk(
            "log_efficiency",
            sigma=eff_sigma,
            init_dist=pm.Normal.dist(0.0, 2.0),
            shape=(n_time, n_sector),
        )
        mu = log_eff + a * level[:, 0] + (1 - a) * level[:, 1]
        pm.Normal("hires", mu, pm.HalfNormal("hires_sd", 0.2), observed=hires)
    return model


def run_reference(draws: int, tune: int, seed: int) -> dict[str, Any]:
    return common.run_reference(
        straightforward_model,
        panel(seed),
        COMPARED,
        lambda post: post,
        draws=draws,
        tune=tune,
        seed=seed,
    )
