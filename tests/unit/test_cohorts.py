"""The cohort-accounting kernels: hand-checked values and numpy/pytensor agreement."""

import numpy as np
import pytensor
import pytensor.tensor as pt

from talentflow.models import cohorts


def _inputs(rng, n_time=7, n_s=2, n_d=3):
    departures = rng.poisson(50.0, size=(n_time, n_s, n_d)).astype(float)
    log_mult = rng.normal(-0.5, 0.5, size=(2, n_s, n_d))
    groups = cohorts.group_matrix((rng.random((n_time, 1)) < 0.4).astype(float))
    return departures, log_mult, groups


def test_cohort_flows_agree_between_numpy_and_pytensor():
    rng = np.random.default_rng(0)
    departures, log_mult, groups = _inputs(rng)
    scale, shape = pt.dscalar("scale"), pt.dscalar("shape")
    cum = cohorts.cumulative_hazard(np.arange(9.0), scale, shape, pt)
    back, abroad = cohorts.cohort_flows(departures, log_mult, groups, cum, pt, n_time=7)
    compiled = pytensor.function([scale, shape], [back, abroad])
    got = compiled(5.0, 1.7)
    cum_np = cohorts.cumulative_hazard(np.arange(9.0), np.array(5.0), np.array(1.7), np)
    want = cohorts.cohort_flows(departures, log_mult, groups, cum_np, np, n_time=7)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-10)


def test_one_cohort_follows_the_survival_curve():
    departures = np.zeros((5, 1, 1))
    departures[1] = 1000.0
    cum = cohorts.cumulative_hazard(np.arange(5.0), np.array(3.0), np.array(2.0), np)
    back, abroad = cohorts.cohort_flows(
        departures, np.zeros((1, 1, 1)), np.ones((5, 1)), cum, np, n_time=5
    )
    still = cohorts.survival(np.arange(4.0), np.array(0.0), np.array(3.0), np.array(2.0))
    np.testing.assert_allclose(abroad[1:, 1, 0, 0], 1000.0 * still)
    np.testing.assert_allclose(back[2:, 1, 0, 0], 1000.0 * -np.diff(still))
    assert np.all(back[:2] == 0.0)
    assert np.all(abroad[0] == 0.0)


def test_monthly_hazard_matches_survival_ratios():
    cum = cohorts.cumulative_hazard(np.arange(13.0), np.array(6.0), np.array(1.5), np)
    hazard = cohorts.monthly_hazard(cum, np.array(0.3), np)
    still = cohorts.survival(np.arange(13.0), np.array(0.3), np.array(6.0), np.array(1.5))
    np.testing.assert_allclose(hazard, 1.0 - still[1:] / still[:-1])
    # shape > 1: the hazard rises for the first months, then falls
    peak = int(np.argmax(hazard))
    assert 0 < peak < len(hazard) - 1


def test_hazard_level_is_the_cumulative_hazard_at_the_reference_month():
    level = -1.2
    log_mult = cohorts.group_log_multiplier(
        np.array(level), np.array(9.0), np.array(1.3), np.zeros(1), None, None, np
    )
    still = cohorts.survival(
        np.array([cohorts.REFERENCE_MONTHS]), log_mult[0, 0, 0], np.array(9.0), np.array(1.3)
    )
    np.testing.assert_allclose(-np.log(still), np.exp(level))


def test_a_cohort_returns_with_its_groups_multiplier():
    rng = np.random.default_rng(3)
    departures, log_mult, groups = _inputs(rng, n_time=6, n_s=1, n_d=1)
    cum = cohorts.cumulative_hazard(np.arange(6.0), np.array(4.0), np.array(1.2), np)
    back, _ = cohorts.cohort_flows(departures, log_mult, groups, cum, np, n_time=6)
    for c in range(6):
        g = int(np.argmax(groups[c]))
        still = cohorts.survival(
            np.arange(6.0 - c), log_mult[g, 0, 0], np.array(4.0), np.array(1.2)
        )
        np.testing.assert_allclose(back[c + 1 :, c, 0, 0], departures[c, 0, 0] * -np.diff(still))
