"""Reusable checks on labelled arrays; each returns a list of problem sentences.

Validators of every model family compose these, collect all problems and raise one
:class:`~talentflow.DataError`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
import xarray as xr

from talentflow import _dims as D

_MAX_LISTED = 3


def _where(da: xr.DataArray, mask: np.ndarray) -> str:
    """Describe up to three coordinates where ``mask`` is true."""
    idx = np.argwhere(mask)
    parts = []
    for row in idx[:_MAX_LISTED]:
        labels = []
        for dim, i in zip(da.dims, row, strict=True):
            value = da[dim].values[i] if dim in da.coords else i
            if np.issubdtype(np.asarray(value).dtype, np.datetime64):
                labels.append(f"{dim}={np.datetime64(value, 'M')}")
            else:
                # str(): numpy 2 string scalars would print as np.str_('...')
                text = repr(str(value)) if isinstance(value, str) else str(value)
                labels.append(f"{dim}={text}")
        parts.append("(" + ", ".join(labels) + ")")
    more = f" and {len(idx) - _MAX_LISTED} more" if len(idx) > _MAX_LISTED else ""
    return ", ".join(parts) + more


def dims_problems(name: str, da: xr.DataArray, allowed: Iterable[tuple[str, ...]]) -> list[str]:
    """Check that ``da`` has one of the ``allowed`` sets of dims (any order)."""
    options = list(allowed)
    if any(set(da.dims) == set(opt) and len(da.dims) == len(opt) for opt in options):
        return []
    wanted = " or ".join(str(opt) for opt in options)
    return [f"{name}: dims are {da.dims}, expected {wanted} (rule: dims)"]


def numeric_problems(name: str, da: xr.DataArray) -> list[str]:
    """Check that values are real numbers."""
    if np.issubdtype(da.dtype, np.number) and not np.issubdtype(da.dtype, np.complexfloating):
        return []
    return [f"{name}: values must be numeric, got dtype {da.dtype} (rule: numeric)"]


def _flag(name: str, da: xr.DataArray, mask: np.ndarray, what: str, rule: str) -> list[str]:
    """One problem sentence if ``mask`` is true anywhere, else none."""
    return [f"{name}: {what} at {_where(da, mask)} (rule: {rule})"] if mask.any() else []


def count_problems(name: str, da: xr.DataArray) -> list[str]:
    """Check non-negative, finite, integer-valued counts (NaN allowed: not observed)."""
    if numeric_problems(name, da):
        return numeric_problems(name, da)
    values = np.asarray(da.values, dtype=np.float64)
    finite = np.isfinite(values)
    return [
        *_flag(name, da, np.isinf(values), "infinite count", "finite"),
        *_flag(name, da, finite & (values < 0), "negative count", "counts >= 0"),
        *_flag(
            name, da, finite & (values != np.round(values)), "fractional count", "whole numbers"
        ),
    ]


def positive_problems(name: str, da: xr.DataArray) -> list[str]:
    """Check strictly positive, finite values with nothing missing."""
    if numeric_problems(name, da):
        return numeric_problems(name, da)
    values = np.asarray(da.values, dtype=np.float64)
    missing = np.isnan(values)
    bad = ~missing & ~(np.isfinite(values) & (values > 0))
    return [
        *_flag(name, da, missing, "missing value", "no NaN"),
        *_flag(name, da, bad, "zero, negative or infinite value", "finite and > 0"),
    ]


def level_problems(name: str, da: xr.DataArray) -> list[str]:
    """Check values modelled on the log scale: finite and positive, or NaN (not observed)."""
    if numeric_problems(name, da):
        return numeric_problems(name, da)
    values = np.asarray(da.values, dtype=np.float64)
    bad = ~np.isnan(values) & ~(np.isfinite(values) & (values > 0))
    return _flag(name, da, bad, "zero, negative or infinite value", "finite and > 0")


def unobserved_sector_problems(name: str, seen: xr.DataArray, rule: str) -> list[str]:
    """Name the sectors where ``seen`` (booleans with a ``sector`` dim) is never true."""
    never = ~seen.any([d for d in seen.dims if d != D.SECTOR])
    if not bool(never.any()):
        return []
    labels = [str(v) for v in never[D.SECTOR].values[never.values]]
    return [f"{name}: sector(s) {labels} have no observation at all (rule: {rule})"]


def label_problems(dim: str, ds: xr.Dataset) -> list[str]:
    """Check that a dimension is present, non-empty and has unique labels."""
    if dim not in ds.dims:
        return []
    if ds.sizes[dim] == 0:
        return [f"{dim}: dimension is empty (rule: at least one {dim})"]
    if dim not in ds.coords:
        return [f"{dim}: dimension has no coordinate labels (rule: labelled coordinates)"]
    labels = ds[dim].to_index()
    if labels.has_duplicates:
        dups = sorted({str(v) for v in labels[labels.duplicated()]})
        return [f"{dim}: duplicate labels {dups} (rule: unique labels)"]
    return []


def unknown_variables(ds: xr.Dataset, known: Iterable[Hashable]) -> list[str]:
    """List data variables that the model does not use (likely typos)."""
    allowed = set(known)
    return [
        f"{name}: unknown variable (rule: one of {sorted(map(str, allowed))})"
        for name in ds.data_vars
        if name not in allowed
    ]
