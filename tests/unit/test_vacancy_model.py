"""The vacancy model's configuration, kernels, simulator, plots and real-data fit."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytensor.tensor as pt
import pytest

import talentflow as tf
from talentflow.models.vacancies_graph import (
    count_weights,
    damped_paths,
    innovation_covariance,
    innovations,
    model_arrays,
)
from tests.conftest import QUICK, SHARED_DATA


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trend": "var2"}, "trend must be"),
        ({"shock_fading": "hyperbolic"}, "shock_fading must be one of"),
        ({"returns_to_scale": "increasing"}, "returns_to_scale must be"),
        ({"seasonal": "yes"}, "seasonal must be True or False"),
        ({"innovation_count_power": (0.5,)}, "innovation_count_power must be a pair"),
        ({"innovation_count_power": (0.0, 1.5)}, "innovation_count_power must be a pair"),
        ({"innovation_count_power": (0.0, float("nan"))}, "innovation_count_power must be"),
        ({"innovation_count_power": (True, 0.5)}, "innovation_count_power must be a pair"),
        ({"innovation_count_power": [0.0, 0.5]}, "innovation_count_power must be a pair"),
        ({"observation_count_power": (0.0, -0.5)}, "observation_count_power must be a pair"),
        ({"observation_count_power": (0.5, "1")}, "observation_count_power must be a pair"),
        ({"shocks": (tf.Shock(name="a", start="2020-01"),) * 2}, "unique"),
        ({"shocks": (tf.Shock(name="a", start="2020-01", variables=("vacancies",)),)}, "scenarios"),
    ],
)
def test_config_rejects_bad_settings(kwargs, message):
    with pytest.raises(tf.ConfigError, match=message):
        tf.VacancyConfig(**kwargs)


def test_config_round_trips_through_its_dict():
    from talentflow._config import from_dict, to_dict

    cfg = tf.VacancyConfig(
        shocks=(tf.Shock(name="covid", start="2020-04"),),
        trend="local_level",
        shock_fading="slowing",
        returns_to_scale="free",
        innovation_count_power=(0.0, 0.5),
        observation_count_power=(0.5, 0.5),
    )
    assert from_dict(tf.VacancyConfig, to_dict(cfg)) == cfg


def test_count_weights_scale_by_the_trailing_mean_and_never_look_ahead():
    data, _ = tf.datasets.simulate_vacancies(
        sectors=3, n_months=40, missing_fraction=0.2, random_seed=2
    )
    w = count_weights(data, (0.5, 1.0)).reshape(40, 2, 3)
    for i, (name, p) in enumerate([("vacancies", 0.5), ("job_seekers", 1.0)]):
        counts = data[name].transpose("time", "sector").values
        for j in range(3):
            seen = [counts[max(0, t - 11) : t + 1, j] for t in range(40)]
            mean = np.array([np.nanmean(x) if np.isfinite(x).any() else np.nan for x in seen])
            mean = pd.Series(mean).ffill().bfill().to_numpy()
            np.testing.assert_allclose(w[:, i, j], (mean[-1] / mean) ** p, rtol=1e-12)
    np.testing.assert_array_equal(w[-1], 1.0)
    np.testing.assert_array_equal(count_weights(data, (0.0, 0.0)), 1.0)
    # Months up to t, relative to month t, do not depend on later counts.
    later = data.copy(deep=True)
    later["job_seekers"][25:] *= 3.0
    moved = count_weights(later, (0.5, 1.0)).reshape(40, 2, 3)
    np.testing.assert_allclose(moved[:25] / moved[24], w[:25] / w[24], rtol=1e-12)
    assert not np.allclose(moved[:, 1], w[:, 1])


def test_a_fitted_shock_must_peak_in_the_data():
    data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=12, random_seed=0)
    config = tf.VacancyConfig(shocks=(tf.Shock(name="late", start="2030-01"),))
    with pytest.raises(tf.DataError, match="shock 'late': peaks 2030-01, outside"):
        model_arrays(data, config)
    first = str(data.time.values[0])[:7]
    tail = tf.Shock(name="tail", start="1990-01", peak="1990-06")
    with pytest.raises(tf.DataError, match=f"for the fading tail alone, start it at {first}"):
        model_arrays(data, tf.VacancyConfig(shocks=(tail,)))
    # Starting before the data is fine when the peak is in them: the build-up is
    # under way in the first month and complete at the peak.
    ramp = tf.Shock(name="ramp", start="1990-01", peak=str(data.time.values[3])[:7])
    timing = model_arrays(data, tf.VacancyConfig(shocks=(ramp,)))["shock_timing"]
    assert 0.0 < timing[0, 0, 0] < timing[0, 0, 3] == 1.0


def test_bad_data_fails_before_sampling_and_names_the_variable():
    data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=12, random_seed=0)
    bad = data.copy(deep=True)
    bad["job_seekers"][2, 1] = -1.0
    with pytest.raises(tf.DataError, match="job_seekers: zero, negative"):
        tf.VacancyModel().fit(bad, random_seed=0)
    assert float(bad.job_seekers[2, 1]) == -1.0


def test_innovations_mix_common_factors_with_the_stated_correlation():
    rng = np.random.default_rng(0)
    n = 200_000
    steps = innovations(
        np.array([[0.1, 0.2], [0.3, 0.4]]),
        np.array([0.6, 0.3]),
        np.array(-0.5),
        rng.normal(size=(n, 2)),
        rng.normal(size=(n, 2, 2)),
        np,
    ).reshape(n, 4)
    corr = np.corrcoef(steps.T)
    np.testing.assert_allclose(steps.std(axis=0), [0.1, 0.2, 0.3, 0.4], rtol=0.01)
    np.testing.assert_allclose(corr[0, 1], 0.6, atol=0.01)  # same series, two sectors
    np.testing.assert_allclose(corr[2, 3], 0.3, atol=0.01)
    np.testing.assert_allclose(corr[0, 2], -0.5 * np.sqrt(0.6 * 0.3), atol=0.01)


def test_the_filtered_innovation_covariance_matches_the_simulated_innovations():
    rng = np.random.default_rng(3)
    sd, share, rho = rng.uniform(0.05, 0.3, size=(2, 3)), np.array([0.4, 0.7]), np.array(0.35)
    cov = innovation_covariance(sd, share, rho, np)
    tensors = (pt.as_tensor(sd), pt.as_tensor(share), pt.as_tensor(rho))
    np.testing.assert_allclose(innovation_covariance(*tensors, pt).eval(), cov, rtol=1e-12)
    n = 200_000
    draws = innovations(sd, share, rho, rng.normal(size=(n, 2)), rng.normal(size=(n, 2, 3)), np)
    np.testing.assert_allclose(np.cov(draws.reshape(n, 6).T), cov, atol=2e-3)


def test_damped_paths_match_the_recursion_over_sample_axes():
    rng = np.random.default_rng(1)
    start, steps = rng.normal(size=(2, 1, 3)), rng.normal(size=(2, 6, 3))
    damping = np.array([0.0, 0.5, 0.9])
    paths = damped_paths(start, steps, damping)
    assert paths.shape == (2, 6, 3)
    x = start[:, 0].copy()
    for t in range(6):
        x = damping * x + steps[:, t]
        np.testing.assert_allclose(paths[:, t], x)


def test_simulator_keeps_the_truth_consistent():
    shock = tf.Shock(name="s", start="2015-06")
    data, truth = tf.datasets.simulate_vacancies(
        sectors=3, n_months=24, shocks=(shock,), missing_fraction=0.1, random_seed=2
    )
    assert truth.shock_effect.dims == ("shock", "series", "sector")
    np.testing.assert_allclose(truth.seasonal.sum("month_of_year"), 0.0, atol=1e-12)
    assert 0.0 < float(data.vacancies.isnull().mean()) < 0.3
    tf.data.validate_vacancies(data)


@pytest.mark.slow
def test_beveridge_and_tightness_plots(vacancy_fitted):
    fc = vacancy_fitted.forecast(6, random_seed=1)
    fig = tf.plot.plot_beveridge(vacancy_fitted.posterior_, forecast=fc)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["IT", "Finance", "Retail", "Health"]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert sorted(labels) == ["fitted (median)", "forecast (median, 80%)", "observed"]
    fig2 = tf.plot.plot_tightness(vacancy_fitted.posterior_, forecast=fc, sectors=["IT"])
    assert [ax.get_title() for ax in fig2.axes if ax.get_visible()] == ["IT"]
    plt.close("all")


JOLTS = SHARED_DATA / "us_jolts_cps" / "fred"


@pytest.mark.slow
@pytest.mark.skipif(not JOLTS.is_dir(), reason="shared JOLTS/CPS data folder not present")
def test_fits_and_forecasts_the_jolts_panel():
    data = tf.datasets.load_us_jolts_cps(JOLTS)
    # Two industries, the four years around the pandemic, hires included.
    data = data.sel(time=slice("2018-01", "2021-12")).isel(sector=[1, 8])
    config = tf.VacancyConfig(
        trend="local_level", shocks=(tf.Shock(name="covid", start="2020-04"),)
    )
    model = tf.VacancyModel(config).fit(data, random_seed=0, **QUICK)
    post = model.posterior_.posterior
    effect = post.shock_effect.sel(shock="covid").median(("chain", "draw"))
    # The pandemic raised unemployment and cut openings in leisure & hospitality.
    assert float(effect.sel(series="job_seekers", sector="Leisure & hospitality")) > 0.5
    assert float(effect.sel(series="vacancies", sector="Leisure & hospitality")) < 0.0
    fc = model.forecast(12, random_seed=1).predictions
    assert str(fc.time.values[0])[:7] == "2022-01"
    assert float(fc.hires.median()) > 0
