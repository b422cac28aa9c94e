"""Outflow-model benchmark: talentflow's compiled core against the same model in plain PyMC.

Panel: 12 sectors x 8 destinations x 48 months with one shock. Both fits run in this
process on this machine, so every speed figure is reported as a ratio.
"""

from __future__ import annotations

import time
from typing import Any

import arviz_stats
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


def min_ess(posterior: xr.Dataset, names: list[str]) -> tuple[float, float]:
    """Minimum bulk and tail ESS over every element of the named parameters."""
    ds = posterior[names]
    with np.errstate(invalid="ignore", divide="ignore"):
        bulk = arviz_stats.ess(ds, method="bulk")
        tail = arviz_stats.ess(ds, method="tail")

    def lowest(res: xr.Dataset) -> float:
        values = np.concatenate([np.ravel(v.values) for v in res.data_vars.values()])
        return float(np.nanmin(values))

    return lowest(bulk), lowest(tail)


#: Parameters compared between the two implementations (same meaning in both).
COMPARED = ["baseline", "shock_effect", "shock_decay", "destination_share", "overdispersion"]


def gradient_evals_per_second(model: pm.Model, seconds: float = 3.0) -> float:
    """Throughput of the model's compiled (numba) log density and gradient, on one core."""
    fn = model.logp_dlogp_function(ravel_inputs=True, mode="NUMBA")
    fn.set_extra_values({})
    x = np.concatenate([np.ravel(v) for v in model.initial_point().values()])
    fn(x)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(x)
        n += 1
    return n / (time.perf_counter() - start)


def run_talentflow(draws: int, tune: int, chains: int, seed: int) -> dict[str, Any]:
    model = tf.OutflowModel(tf.OutflowConfig(shocks=(SHOCK,)))
    t0 = time.perf_counter()
    model.fit(panel(seed), draws=draws, tune=tune, chains=chains, random_seed=seed, check=False)
    cold = time.perf_counter() - t0
    fit = model.posterior_
    t0 = time.perf_counter()
    model.fit(
        panel(seed + 1), draws=draws, tune=tune, chains=chains, random_seed=seed + 1, check=False
    )
    warm = time.perf_counter() - t0
    refit = model.posterior_
    bulk, tail = min_ess(fit.posterior.to_dataset(), COMPARED)
    steps = float(fit.sample_stats["n_steps"].mean())
    graph = build_outflow_model(panel(seed), model.config)
    t0 = time.perf_counter()
    forecast = model.forecast(12, random_seed=seed)
    forecast_seconds = time.perf_counter() - t0
    cells = forecast.predictions.outflow.size
    return {
        "cold_fit_seconds": cold,
        "compile_seconds": fit.attrs["compile_seconds"],
        "first_draw_seconds": fit.attrs["build_seconds"] + fit.attrs["compile_seconds"],
        "warm_first_draw_seconds": refit.attrs["build_seconds"] + refit.attrs["compile_seconds"],
        "sampling_seconds": fit.attrs["sampling_seconds"],
        "warm_refit_seconds": warm,
        "min_ess_bulk": bulk,
        "min_ess_tail": tail,
        "min_ess_bulk_per_second": bulk / cold,
        "min_ess_tail_per_second": tail / cold,
        "gradient_evals_per_second": gradient_evals_per_second(graph),
        "leapfrog_steps_per_draw": steps,
        "divergences": int(fit.sample_stats["diverging"].sum()),
        "forecast_draw_cells_per_second": cells / forecast_seconds,
    }


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
    data = panel(seed)
    t0 = time.perf_counter()
    with straightforward_model(data):
        tree = pm.sample(
            draws=draws,
            tune=tune,
            random_seed=seed,
            progressbar=False,
            compute_convergence_checks=False,
        )
    wall = time.perf_counter() - t0
    post = tree["posterior"].to_dataset()
    post = post.assign(
        shock_effect=post.shock_effect.expand_dims(shock=["shock"], axis=2),
        shock_decay=post.shock_decay.expand_dims(shock=["shock"], axis=2),
    )
    bulk, tail = min_ess(post, COMPARED)
    stats = tree["sample_stats"].to_dataset()
    steps = float(stats["n_steps"].mean())
    return {
        "fit_seconds": wall,
        "chains": int(post.sizes["chain"]),
        "min_ess_bulk": bulk,
        "min_ess_tail": tail,
        "min_ess_bulk_per_second": bulk / wall,
        "min_ess_tail_per_second": tail / wall,
        "gradient_evals_per_second": gradient_evals_per_second(straightforward_model(data)),
        "leapfrog_steps_per_draw": steps,
        "divergences": int(stats["diverging"].sum()),
    }
