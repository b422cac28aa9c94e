"""Parameter recovery: simulate with known parameters, fit, check the 90% intervals."""

import numpy as np
import xarray as xr


def inside_90(post: xr.Dataset, truth: xr.Dataset, name: str, **sel: object) -> np.ndarray:
    """Whether each true value of ``name`` lies in its central 90% posterior interval."""
    draws, true = post[name].sel(**sel), truth[name].sel(**sel)
    lo = draws.quantile(0.05, dim=("chain", "draw"), method="linear")
    hi = draws.quantile(0.95, dim=("chain", "draw"), method="linear")
    return ((true >= lo) & (true <= hi)).values.ravel()
