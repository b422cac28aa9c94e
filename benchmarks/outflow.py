"""Outflow-model benchmark: talentflow's compiled core against the same model in plain PyMC.

Panel: 12 sectors x 8 destinations x 48 months with one shock. Both fits run in this
process on this machine, so every speed figure is reported as a ratio.
"""

from __future__ import annotations

from typing import Any

import common
import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

import talentflow as tf
from talentflow.models import build_outflow_model

SHOCK = tf.Shock(name="shock", start="2022-03")
SIZES = {"sectors": 12, "destinations": 8, "n_months": 48}
TITLE = "Outflow model, 12 sectors x 8 destinations x 48 months, one shock"
TARGETS = {"min_bulk_ess_per_second_vs_reference": ">= 3", "warm_refit_vs_cold_fit": "<= 0.25"}


def panel(seed: int) -> xr.Dataset:
    data, _ = tf.datasets.simulate_outflow(
        **SIZES,
        start="2020-01",
        shocks=(SHOCK,),
        shock_mean=1.5,
        workforce=150_000.0,
        random_seed=seed,
    )
    return data


#: Parameters compared between the two implementations (same meaning in both).
COMPARED = ["baseline", "shock_effect", "shock_decay", "destination_share", "overdispersion"]


def run_talentflow(draws: int, tune: int, chains: int, seed: int) -> dict[str, Any]:
    config = tf.OutflowConfig(shocks=(SHOCK,))
    return common.run_talentflow(
        tf.OutflowModel(config),
        panel,
        lambda data: build_outflow_model(data, config),
        COMPARED,
        "outflow",
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
    )


def straightforward_model(data: xr.Dataset) -> pm.Model:
    """The same model as a PyMC user would first write it: centred, GaussianRandomWalk."""
    y = data.outflow.transpose("sector", "time", "destination").values
    months = data.time.values.astype("datetime64[M]").astype(int)
    age = months - SHOCK.month.astype(int)
    log_wf = np.log(data.workforce.values)
    coords = {
        "sector": data.sector.values,
        "time": data.time.values,
        "destination": data.destination.values,
    }
    with pm.Model(coords=coords) as model:
        mean = pm.Normal("baseline_mean", -6.0, 2.0)
        sd = pm.HalfNormal("baseline_sd", 1.0)
        baseline = pm.Normal("baseline", mean, sd, dims="sector")
        scale = pm.HalfNormal("trend_scale", 0.1)
        sigma = pm.HalfNormal("trend_sigma", scale, dims="sector")
        trend = pm.GaussianRandomWalk(
            "trend", sigma=sigma, init_dist=pm.Normal.dist(0.0, 0.01), dims=("sector", "time")
        )
        shock_mean = pm.Normal("shock_mean", 0.0, 1.5)
        shock_sd = pm.HalfNormal("shock_sector_sd", 0.5)
        effect = pm.Normal("shock_effect", shock_mean, shock_sd, dims="sector")
        decay = pm.Beta("shock_decay", 2.0, 5.0)
        profile = pt.switch(age >= 0, (1 - decay) ** np.maximum(age, 0), 0.0)
        log_rate = baseline[:, None] + trend + effect[:, None] * profile[None, :]
        pref = pm.Normal("destination_preference", 0.0, 1.5, dims="destination")
        dest_sd = pm.HalfNormal("destination_sector_sd", 0.5)
        dev = pm.Normal("destination_deviation", 0.0, dest_sd, dims=("sector", "destination"))
        share = pm.Deterministic(
            "destination_share",
            pt.special.softmax(pref + dev, axis=-1),
            dims=("sector", "destination"),
        )
        mu = pt.exp(log_wf[:, None] + log_rate)[:, :, None] * share[:, None, :]
        phi = pm.HalfNormal("overdispersion", 0.5)
        pm.NegativeBinomial(
            "outflow", mu=mu, alpha=1 / phi**2, observed=y, dims=("sector", "time", "destination")
        )
    return model


def run_reference(draws: int, tune: int, seed: int) -> dict[str, Any]:
    def align(post: xr.Dataset) -> xr.Dataset:
        return post.assign(
            shock_effect=post.shock_effect.expand_dims(shock=["shock"], axis=2),
            shock_decay=post.shock_decay.expand_dims(shock=["shock"], axis=2),
        )

    return common.run_reference(
        straightforward_model, panel(seed), COMPARED, align, draws=draws, tune=tune, seed=seed
    )
