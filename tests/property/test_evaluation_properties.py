"""Properties of the cutoff bootstrap: a weight is a count of copies of a whole cutoff.

Summarising with weights ``w`` must equal summarising the scores with each cutoff
repeated ``w`` times, whatever the weights and whichever cells are unobserved; and a
paired CRPS ratio must be the ratio on those copies.
"""

import numpy as np
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from talentflow.evaluation import relative_crps, summarize

N_CUTOFF, N_HORIZON, N_SECTOR = 4, 3, 2
DIMS = ("cutoff", "variable", "horizon", "sector")
SHAPE = (N_CUTOFF, 1, N_HORIZON, N_SECTOR)
N_CELLS = N_CUTOFF * N_HORIZON * N_SECTOR


def _scores(values: np.ndarray, unobserved: np.ndarray) -> xr.Dataset:
    crps = np.where(unobserved, np.nan, values)
    return xr.Dataset(
        {"crps": (DIMS, crps), "covered": (DIMS, np.where(unobserved, np.nan, values > 1.0))},
        coords={"cutoff": np.arange(N_CUTOFF), "variable": ["job_seekers"]},
    )


cells = st.lists(st.floats(0.01, 10.0), min_size=N_CELLS, max_size=N_CELLS).map(
    lambda v: np.reshape(v, SHAPE)
)
# Each cutoff keeps at least one observed cell, so every resample has a mean.
gaps = st.lists(st.booleans(), min_size=N_CELLS, max_size=N_CELLS).map(
    lambda v: np.reshape(v, SHAPE) & (np.arange(N_SECTOR) > 0)
)
counts = st.lists(st.integers(0, 3), min_size=N_CUTOFF, max_size=N_CUTOFF).filter(any)


@given(values=cells, unobserved=gaps, weight=counts)
def test_a_weight_counts_copies_of_a_cutoff(values, unobserved, weight):
    scores = _scores(values, unobserved)
    weights = xr.DataArray(
        [weight], dims=("resample", "cutoff"), coords={"cutoff": np.arange(N_CUTOFF)}
    )
    copies = scores.isel(cutoff=np.repeat(np.arange(N_CUTOFF), weight))
    for over in (["cutoff"], ["cutoff", "horizon", "sector"]):
        weighted = summarize(scores, over=over, weights=weights).isel(resample=0)
        xr.testing.assert_allclose(weighted, summarize(copies, over=over))
    ratio = relative_crps(scores.assign(crps=scores.crps**2), scores, weights=weights)
    plain = relative_crps(copies.assign(crps=copies.crps**2), copies)
    np.testing.assert_allclose(ratio.isel(resample=0).values, plain.values)
