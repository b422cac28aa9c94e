"""What every model benchmark does: fit with talentflow and with plain PyMC, and measure.

Each benchmark module gives a panel maker, its model, the straightforward PyMC
version and the parameters to compare; these functions time and score both alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import arviz_stats
import numpy as np
import pymc as pm
import xarray as xr


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


def run_talentflow(
    model: Any,
    panel: Callable[[int], xr.Dataset],
    graph: Callable[[xr.Dataset], pm.Model],
    compared: list[str],
    prediction: str,
    *,
    draws: int,
    tune: int,
    chains: int,
    seed: int,
) -> dict[str, Any]:
    """Cold fit, warm refit on new data, ESS, gradient throughput, forecast and predictive speed."""
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
    bulk, tail = min_ess(fit.posterior.to_dataset(), compared)
    t0 = time.perf_counter()
    forecast = model.forecast(12, random_seed=seed)
    forecast_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.sample_posterior_predictive(random_seed=seed)
    replicate_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.sample_prior_predictive(panel(seed), draws=_draws(fit), random_seed=seed)
    prior_seconds = time.perf_counter() - t0
    return {
        "posterior_predictive_replicates_per_second": _draws(fit) / replicate_seconds,
        "prior_predictive_draws_per_second": _draws(fit) / prior_seconds,
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
        "gradient_evals_per_second": gradient_evals_per_second(graph(panel(seed))),
        "leapfrog_steps_per_draw": float(fit.sample_stats["n_steps"].mean()),
        "divergences": int(fit.sample_stats["diverging"].sum()),
        "forecast_draw_cells_per_second": forecast.predictions[prediction].size / forecast_seconds,
    }


def run_reference(
    build: Callable[[xr.Dataset], pm.Model],
    data: xr.Dataset,
    compared: list[str],
    align: Callable[[xr.Dataset], xr.Dataset],
    *,
    draws: int,
    tune: int,
    seed: int,
) -> dict[str, Any]:
    """Fit the plain-PyMC model with ``pm.sample()`` defaults; ``align`` names its output ours."""
    t0 = time.perf_counter()
    with build(data):
        tree = pm.sample(
            draws=draws,
            tune=tune,
            random_seed=seed,
            progressbar=False,
            compute_convergence_checks=False,
        )
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    with build(data):
        pm.sample_posterior_predictive(tree, random_seed=seed, progressbar=False)
    replicate_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    with build(data):
        pm.sample_prior_predictive(draws=_draws(tree), random_seed=seed)
    prior_seconds = time.perf_counter() - t0
    post = align(tree["posterior"].to_dataset())
    bulk, tail = min_ess(post, compared)
    stats = tree["sample_stats"].to_dataset()
    return {
        "fit_seconds": wall,
        "chains": int(post.sizes["chain"]),
        "min_ess_bulk": bulk,
        "min_ess_tail": tail,
        "min_ess_bulk_per_second": bulk / wall,
        "min_ess_tail_per_second": tail / wall,
        "gradient_evals_per_second": gradient_evals_per_second(build(data)),
        "leapfrog_steps_per_draw": float(stats["n_steps"].mean()),
        "divergences": int(stats["diverging"].sum()),
        "posterior_predictive_replicates_per_second": _draws(tree) / replicate_seconds,
        "prior_predictive_draws_per_second": _draws(tree) / prior_seconds,
    }


def _draws(tree: xr.DataTree) -> int:
    """Number of posterior draws over all chains: one replicate of the panel each."""
    post = tree["posterior"]
    return int(post.sizes["chain"] * post.sizes["draw"])
