"""Invariants of the cohort accounting, on random departures and hazards."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import talentflow as tf
from talentflow.data import validate_returns
from talentflow.models import cohorts
from talentflow.testing import returns_datasets


@st.composite
def cohort_inputs(draw):
    n_t = draw(st.integers(1, 14))
    n_s = draw(st.integers(1, 3))
    n_d = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    departures = rng.poisson(rng.gamma(1.0, 100.0), size=(n_t, n_s, n_d)).astype(float)
    n_waves = draw(st.integers(0, 2))
    log_mult = rng.normal(draw(st.floats(-4.0, 2.0)), 1.0, size=(n_waves + 1, n_s, n_d))
    wave_of = rng.integers(-1, n_waves, size=n_t)  # -1: no wave
    membership = (wave_of[:, None] == np.arange(n_waves)[None, :]).astype(float)
    groups = cohorts.group_matrix(membership)
    scale = np.array(draw(st.floats(0.5, 60.0)))
    shape = np.array(draw(st.floats(0.3, 4.0)))
    cum = cohorts.cumulative_hazard(np.arange(float(n_t)), scale, shape, np)
    return departures, log_mult, groups, cum


@given(cohort_inputs())
def test_stock_is_cumulative_departures_minus_cumulative_returns(inputs):
    departures, log_mult, groups, cum = inputs
    n = len(departures)
    back, abroad = cohorts.cohort_flows(departures, log_mult, groups, cum, np, n_time=n)
    returns, stock = back.sum(axis=1), abroad.sum(axis=1)
    expected = np.cumsum(departures, axis=0) - np.cumsum(returns, axis=0)
    np.testing.assert_allclose(stock, expected, rtol=1e-9, atol=1e-7 * departures.sum() + 1e-9)
    assert (stock >= -1e-9).all()
    assert (returns >= 0).all()


@given(cohort_inputs())
def test_no_cohort_returns_more_than_left_nor_before_leaving(inputs):
    departures, log_mult, groups, cum = inputs
    n = len(departures)
    back, abroad = cohorts.cohort_flows(departures, log_mult, groups, cum, np, n_time=n)
    assert (back.sum(axis=0) <= departures * (1 + 1e-12) + 1e-12).all()
    t, c = np.indices(back.shape[:2])
    assert (back[t <= c] == 0).all()
    assert (abroad[t < c] == 0).all()


@given(cohort_inputs(), st.randoms(use_true_random=False))
def test_the_order_of_sectors_and_destinations_does_not_matter(inputs, random):
    departures, log_mult, groups, cum = inputs
    ps = random.sample(range(departures.shape[1]), departures.shape[1])
    pd_ = random.sample(range(departures.shape[2]), departures.shape[2])
    n = len(departures)
    back, abroad = cohorts.cohort_flows(departures, log_mult, groups, cum, np, n_time=n)
    back_p, abroad_p = cohorts.cohort_flows(
        departures[:, ps][:, :, pd_], log_mult[:, ps][:, :, pd_], groups, cum, np, n_time=n
    )
    np.testing.assert_allclose(back_p, back[:, :, ps][:, :, :, pd_])
    np.testing.assert_allclose(abroad_p, abroad[:, :, ps][:, :, :, pd_])


@given(st.integers(0, 2**32 - 1), st.booleans(), st.integers(2, 15))
def test_simulated_returns_conserve_people_and_pass_validation(seed, per_destination, months):
    data, truth = tf.datasets.simulate_returns(
        sectors=2,
        destinations=2,
        n_months=months,
        hazard_level=0.5,
        by_destination=per_destination,
        random_seed=seed,
    )
    validate_returns(data)
    returns = data.returns if per_destination else None
    if returns is not None:
        stock = data.outflow.cumsum("time") - returns.cumsum("time")
        np.testing.assert_array_equal(stock.values, truth.stock_abroad.values)
    assert (truth.stock_abroad >= 0).all()


@given(st.integers(0, 2**32 - 1), st.booleans())
def test_returns_beyond_the_people_abroad_are_rejected(seed, per_destination):
    data, _ = tf.datasets.simulate_returns(
        sectors=2, destinations=2, n_months=8, by_destination=per_destination, random_seed=seed
    )
    rng = np.random.default_rng(seed)
    returns = data.returns.values.copy()
    cell = tuple(rng.integers(n) for n in returns.shape)
    returns[cell] = data.outflow.values.sum() + 1.0
    bad = data.assign(returns=(data.returns.dims, returns))
    with pytest.raises(tf.DataError) as err:
        validate_returns(bad)
    assert all(p.startswith("returns:") for p in err.value.problems)
    assert any(
        "returns before any departure" in p or "more returns" in p for p in err.value.problems
    )


@given(returns_datasets())
def test_the_validator_accepts_every_dataset_the_strategy_makes(data):
    before = data.copy(deep=True)
    assert validate_returns(data) is data
    assert data.identical(before)
