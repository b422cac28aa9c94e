"""Tidy pandas frames -> labelled xarray Datasets, shared by every data contract."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr


def require_columns(name: str, frame: object, columns: list[str]) -> list[str]:
    """Check ``frame`` is a DataFrame with ``columns`` (value last, numeric), one row a cell."""
    if not isinstance(frame, pd.DataFrame):
        return [f"{name}: expected a pandas.DataFrame, got {type(frame).__name__}"]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return [f"{name}: missing column(s) {missing} (rule: columns {columns})"]
    if not pd.api.types.is_numeric_dtype(frame[columns[-1]]):
        return [f"{name}: column {columns[-1]!r} must be numeric, got {frame[columns[-1]].dtype}"]
    dup = frame.duplicated(subset=columns[:-1])
    if dup.any():
        first = frame.loc[dup, columns[:-1]].iloc[0].to_dict()
        return [f"{name}: {int(dup.sum())} duplicate row(s), e.g. {first} (rule: one row per cell)"]
    return []


def _to_array(
    frame: pd.DataFrame, dims: list[str], name: str, labels: dict[str, np.ndarray]
) -> xr.DataArray:
    """Place a tidy column on the full grid, keeping labels in order of first appearance."""
    axes = [labels[d] for d in dims]
    values = np.full([len(a) for a in axes], np.nan)
    positions = tuple(pd.Index(a).get_indexer(frame[d]) for a, d in zip(axes, dims, strict=True))
    values[positions] = pd.to_numeric(frame[name], errors="coerce").to_numpy(np.float64)
    return xr.DataArray(values, dims=dims, coords=dict(zip(dims, axes, strict=True)), name=name)


def frames_to_dataset(frames: Mapping[str, tuple[pd.DataFrame, list[str]]]) -> xr.Dataset:
    """Place each frame's value column (named like the variable) on the full grid of labels.

    Labels of each dimension are the union over the frames that have it, in order of
    first appearance; cells absent from a frame are NaN.
    """
    dims_all = list(dict.fromkeys(d for _, dims in frames.values() for d in dims))
    labels = {
        dim: pd.unique(pd.concat([f[dim] for f, dims in frames.values() if dim in dims]))
        for dim in dims_all
    }
    return xr.Dataset(
        {name: _to_array(frame, dims, name, labels) for name, (frame, dims) in frames.items()}
    )
