"""Posterior draws as plain arrays, sample axes first: what the NumPy kernels take."""

from __future__ import annotations

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._typing import FloatArray


def sample_draws(post: xr.Dataset, name: str, *dims: str) -> FloatArray:
    """Return ``post[name]`` as a float array ordered ``(chain, draw, *dims)``."""
    return post[name].transpose(*D.SAMPLE_DIMS, *dims).values.astype(np.float64)
