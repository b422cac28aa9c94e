"""Parameter recovery: simulate with known parameters, fit, check the 90% intervals."""

import numpy as np
import xarray as xr


def inside_90(post: xr.Dataset, truth: xr.Dataset, *names: str, **sel: object) -> np.ndarray:
    """Whether each true value of ``names`` lies in its central 90% posterior interval.

    One flat array: the values of each name in turn.
    """
    return np.concatenate([_inside_90(post[n].sel(**sel), truth[n].sel(**sel)) for n in names])


def _inside_90(draws: xr.DataArray, true: xr.DataArray) -> np.ndarray:
    lo = draws.quantile(0.05, dim=("chain", "draw"), method="linear")
    hi = draws.quantile(0.95, dim=("chain", "draw"), method="linear")
    return ((true >= lo) & (true <= hi)).values.ravel()
