"""Properties of a shock's profile over time, for any start, peak and decay."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from talentflow.models.shocks import Shock, shock_profile, shock_timing

MONTHS = np.arange(72) + np.datetime64("2000-01", "M").astype(np.int64)  # month numbers


@given(
    start=st.integers(0, 40),
    ramp=st.integers(1, 24),
    decay=st.floats(0.0, 0.99),
)
def test_profile_builds_to_one_at_the_peak_then_decays(start, ramp, decay):
    first = np.datetime64("2000-01", "M") + np.timedelta64(start, "M")
    shock = Shock(name="s", start=str(first), peak=str(first + np.timedelta64(ramp - 1, "M")))
    assert shock.ramp == ramp
    profile = shock_profile(shock_timing((shock,), MONTHS), np.array([decay]))[0]
    before, rising, after = profile[:start], profile[start : start + ramp], profile[start + ramp :]
    assert (before == 0.0).all()
    np.testing.assert_allclose(rising, np.arange(1, ramp + 1) / ramp)
    np.testing.assert_allclose(after, (1.0 - decay) ** np.arange(1, after.size + 1))
    # Without a peak the profile is the impulse's: full size at the start, then decay.
    impulse = Shock(name="s", start=str(first))
    at_start = shock_profile(shock_timing((impulse,), MONTHS), np.array([decay]))[0, start:]
    np.testing.assert_allclose(at_start, (1.0 - decay) ** np.arange(at_start.size))


@given(
    start=st.integers(0, 40),
    ramp=st.integers(1, 24),
    first=st.integers(0, 60),
    decay=st.floats(0.0, 0.99),
)
def test_a_window_sees_the_profile_of_the_full_months(start, ramp, first, decay):
    # A shock that started before the data's first month is seen mid-way: the
    # profile over a window is the full months' profile cut to it.
    begin = np.datetime64("2000-01", "M") + np.timedelta64(start, "M")
    shock = Shock(name="s", start=str(begin), peak=str(begin + np.timedelta64(ramp - 1, "M")))
    full = shock_profile(shock_timing((shock,), MONTHS), np.array([decay]))
    window = shock_profile(shock_timing((shock,), MONTHS[first:]), np.array([decay]))
    np.testing.assert_array_equal(window, full[:, first:])


@given(
    decay=st.floats(0.01, 0.9),
    slowing=st.floats(0.0, 5.0),
    faster=st.floats(0.01, 5.0),
)
def test_a_slowing_decay_fades_by_decay_in_the_first_month_and_ever_more_slowly(
    decay, slowing, faster
):
    timing = shock_timing((Shock(name="s", start="2000-01"),), MONTHS)
    profile = shock_profile(timing, np.array([decay]), np.array([slowing]))[0]
    geometric = shock_profile(timing, np.array([decay]))[0]
    np.testing.assert_allclose(profile[:2], [1.0, 1.0 - decay])
    retained = profile[1:] / profile[:-1]  # the share kept from one month to the next
    assert (np.diff(retained) >= -1e-12).all()
    # Never below the geometric profile, and more slowing leaves more of the shock.
    assert (profile >= geometric * (1 - 1e-12)).all()
    more = shock_profile(timing, np.array([decay]), np.array([slowing + faster]))[0]
    assert (more >= profile * (1 - 1e-12)).all()
    assert more[-1] > profile[-1]
    # No slowing, or a vanishing one, is the geometric profile.
    for tiny in (0.0, 1e-12):
        flat = shock_profile(timing, np.array([decay]), np.array([tiny]))[0]
        np.testing.assert_allclose(flat, geometric, rtol=1e-6, atol=1e-300)
