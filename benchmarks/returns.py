"""Return-model benchmark: talentflow's compiled core against the same model in plain PyMC.

Panel: 8 sectors x 6 destinations x 48 months, returns by destination, one wave. Both
fits run in this process on this machine, so every speed figure is a ratio.
"""

from __future__ import annotations

from typing import Any

import common
import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

import talentflow as tf
from talentflow.models import build_return_model

WAVE = tf.Shock(name="wave", start="2022-03")
SIZES = {"sectors": 8, "destinations": 6, "n_months": 48}
MONTHS_ABROAD = 36
TITLE = "Return model, 8 sectors x 6 destinations x 48 months, returns by destination, one wave"
#: The return-model issue sets no numeric targets; the outflow model's are the yardstick.
TARGETS: dict[str, str] = {}
#: Compared between the two implementations: same meaning in both.
COMPARED = ["hazard_scale", "hazard_shape", "wave_effect", "overdispersion", "return_hazard"]


def panel(seed: int) -> xr.Dataset:
    data, _ = tf.datasets.simulate_returns(
        **SIZES, start="2020-01", waves=(WAVE,), wave_effect=0.5, random_seed=seed
    )
    return data


def _config() -> tf.ReturnConfig:
    return tf.ReturnConfig(waves=(WAVE,), months_abroad=MONTHS_ABROAD)


def run_talentflow(draws: int, tune: int, chains: int, seed: int) -> dict[str, Any]:
    return common.run_talentflow(
        tf.ReturnModel(_config()),
        panel,
        lambda data: build_return_model(data, data.outflow, _config()),
        COMPARED,
        "returns",
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
    )


def straightforward_model(data: xr.Dataset) -> pm.Model:
    """The model as a PyMC user would first write it: centred effects, a loop over lags."""
    dep = data.outflow.transpose("time", "sector", "destination").values
    y = data.returns.transpose("time", "sector", "destination").values
    n_time = dep.shape[0]
    months = data.time.values.astype("datetime64[M]").astype(int)
    start = WAVE.month.astype(int)
    in_wave = ((months >= start) & (months < start + 3)).astype(float)
    coords = {
        "sector": data.sector.values,
        "destination": data.destination.values,
        "months_abroad": np.arange(1, MONTHS_ABROAD + 1),
    }
    with pm.Model(coords=coords) as model:
        intercept = pm.Normal("log_multiplier", -1.5, 1.5)
        scale = pm.LogNormal("hazard_scale", np.log(12.0), 1.0)
        shape = pm.LogNormal("hazard_shape", np.log(1.5), 0.5)
        sector_sd = pm.HalfNormal("sector_sd", 0.5)
        sector = pm.Normal("sector_effect", 0.0, sector_sd, dims="sector")
        dest_sd = pm.HalfNormal("destination_sd", 0.5)
        dest = pm.Normal("destination_effect", 0.0, dest_sd, dims="destination")
        wave = pm.Normal("wave_effect", 0.0, 1.0)
        cell = intercept + sector[:, None] + dest[None, :]
        m = pt.exp(cell[None, :, :] + wave * in_wave[:, None, None])  # (cohort, s, d)

        def still(a: float, mult: Any) -> Any:
            return (1.0 + (a / scale) ** shape) ** (-mult)

        expected = pt.zeros(dep.shape)
        for lag in range(1, n_time):
            back = dep[: n_time - lag] * (
                still(lag - 1, m[: n_time - lag]) - still(lag, m[: n_time - lag])
            )
            expected = expected + pt.concatenate([pt.zeros((lag, *dep.shape[1:])), back], axis=0)
        a = np.arange(MONTHS_ABROAD + 1, dtype=float)
        plain = pt.exp(cell)[:, :, None]
        surv = (1.0 + (a / scale) ** shape) ** (-plain)
        pm.Deterministic(
            "return_hazard",
            1.0 - surv[:, :, 1:] / surv[:, :, :-1],
            dims=("sector", "destination", "months_abroad"),
        )
        phi = pm.HalfNormal("overdispersion", 0.5)
        pm.NegativeBinomial("returns", mu=expected[1:] + 1e-9, alpha=1 / phi**2, observed=y[1:])
    return model


def run_reference(draws: int, tune: int, seed: int) -> dict[str, Any]:
    def align(post: xr.Dataset) -> xr.Dataset:
        return post.assign(wave_effect=post.wave_effect.expand_dims(shock=["wave"], axis=2))

    return common.run_reference(
        straightforward_model, panel(seed), COMPARED, align, draws=draws, tune=tune, seed=seed
    )
