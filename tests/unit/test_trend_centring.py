"""The outflow trend's partially non-centred sampling: same model, other coordinates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pymc as pm
import pytest

import talentflow as tf
from talentflow.models import build_outflow_model, kernels
from talentflow.models.outflow_graph import model_arrays, trend_centring

from ..conftest import SHOCK, small_panel


def _values(model: pm.Model, names: list[str]) -> Callable[[dict[str, np.ndarray]], list[Any]]:
    """Compile the named variables as functions of the model's value variables."""
    outputs = model.replace_rvs_by_values([model[n] for n in names])
    return model.compile_fn(outputs, inputs=model.value_vars, on_unused_input="ignore")


def _densities(trend: str) -> tuple[dict[str, np.ndarray], float, float, dict[str, np.ndarray]]:
    """Log densities of one parameter point under both parameterisations.

    The point is random in the non-centred coordinates; its trend innovations are
    mapped to the partially non-centred ``trend_z`` that gives the same log-rate path.
    """
    data = small_panel(2)
    auto = tf.OutflowConfig(shocks=(SHOCK,), trend=trend)  # type: ignore[arg-type]
    plain = dataclasses.replace(auto, trend_parameterization="non_centred")
    m_auto, m_plain = build_outflow_model(data, auto), build_outflow_model(data, plain)
    rng = np.random.default_rng(3)
    point = {k: v + 0.3 * rng.normal(size=np.shape(v)) for k, v in m_plain.initial_point().items()}
    names = ["outflow_rate", "baseline", "trend", "trend_sigma"]
    if trend == "local_linear":
        names.append("trend_slope")
    rate, baseline, level, sigma, *slope = _values(m_plain, names)(point)
    # With unit weights the sampled walk is the forecast's kernel rolled forward.
    zeros = np.zeros((1, level.shape[1]))
    slope_steps = None
    if slope:
        slope_steps = np.exp(point["slope_sigma_log__"]) * point["trend_slope_z"]
    levels, slopes = kernels.trend_paths(zeros, zeros, sigma * point["trend_z"], slope_steps, np)
    np.testing.assert_allclose(level[1:], levels, rtol=1e-9, atol=1e-12)
    if slope:
        np.testing.assert_allclose(slope[0][1:], slopes, rtol=1e-9, atol=1e-12)
    log_rate = np.log(rate)
    drift = np.diff(log_rate - baseline - level, axis=0)
    if slope:
        drift = drift + slope[0][:-1]
    arrays = model_arrays(data, auto)
    w, centre = arrays["trend_weight"], arrays["trend_centre"]
    log_kappa = arrays["trend_log_kappa"]
    step = np.exp(w * np.log(sigma) + (1 - w) * log_kappa)
    z = (log_rate[1:] - w * (log_rate[:-1] + drift) - (1 - w) * centre) / step
    moved = {**point, "trend_z": z}
    logp_auto = float(m_auto.compile_logp()(moved))
    logp_plain = float(m_plain.compile_logp()(point))
    (rate_auto,) = _values(m_auto, ["outflow_rate"])(moved)
    jacobian = float(-((1 - w) * (np.log(sigma) - log_kappa)).sum())
    return arrays, logp_auto - logp_plain, jacobian, {"plain": rate, "auto": rate_auto}


@pytest.mark.parametrize("trend", ["random_walk", "local_linear"])
def test_partial_noncentring_is_the_same_model_up_to_the_jacobian(trend: str) -> None:
    arrays, difference, jacobian, rates = _densities(trend)
    # The panel is informative enough for some centring in every sector.
    assert np.all(arrays["trend_weight"] < 0.95)
    np.testing.assert_allclose(rates["auto"], rates["plain"], rtol=1e-9)
    # log p(z_auto) = log p(z_plain) + log |dz_plain / dz_auto|, the last term exact.
    assert abs(jacobian) > 1.0
    np.testing.assert_allclose(difference, jacobian, rtol=1e-8, atol=1e-8)


def test_weights_follow_the_information_in_the_counts() -> None:
    log_wf = np.full((4, 3), np.log(1e5))
    y = np.array([2.0, 50.0, 5000.0])[None, :, None] * np.ones((4, 3, 2))
    config = tf.OutflowConfig()
    w = trend_centring(y, np.full((4, 3), np.nan), log_wf, config)["trend_weight"]
    assert 0.95 < w[0] <= 1.0
    assert w[0] > w[1] > w[2] >= 0.1
    plain = dataclasses.replace(config, trend_parameterization="non_centred")
    np.testing.assert_array_equal(
        trend_centring(y, np.full((4, 3), np.nan), log_wf, plain)["trend_weight"], 1.0
    )


def test_centring_uses_sector_totals_and_fills_unobserved_months() -> None:
    log_wf = np.zeros((3, 1))
    y = np.full((3, 1, 2), np.nan)
    y[0] = 40.0
    total = np.array([[np.nan], [900.0], [np.nan]])
    arrays = trend_centring(y, total, log_wf, tf.OutflowConfig())
    # Month 1 is known only by its total; month 2 not at all: it takes the sector median.
    median = (np.log(80.5) + np.log(900.5)) / 2
    np.testing.assert_allclose(arrays["trend_centre"][:, 0], [np.log(900.5), median])
    assert np.all(np.isfinite(arrays["trend_log_kappa"]))
    assert arrays["trend_log_kappa"][0, 0] < arrays["trend_log_kappa"][1, 0]


def test_long_panels_keep_the_unrolled_powers_finite() -> None:
    n = 600
    y = np.full((n, 1, 1), 1e6)
    arrays = trend_centring(y, np.full((n, 1), np.nan), np.zeros((n, 1)), tf.OutflowConfig())
    assert np.isfinite(arrays["trend_weight_inverse_power"]).all()
    assert arrays["trend_weight"][0] > 0.1
