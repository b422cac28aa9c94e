"""Convergence checks after sampling: R-hat, bulk/tail ESS and divergences."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import arviz_stats
import numpy as np
import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow.exceptions import ConvergenceWarning


@dataclass(frozen=True)
class Diagnostics:
    """The worst values of each diagnostic over all posterior parameters."""

    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    worst_rhat: tuple[str, ...]
    worst_ess: tuple[str, ...]


def _flat(ds: xr.Dataset) -> dict[str, float]:
    """Flatten a dataset of per-element statistics into ``{"name[coord]": value}``."""
    out: dict[str, float] = {}
    for name, da in ds.data_vars.items():
        if da.ndim == 0:
            out[str(name)] = float(da)
            continue
        stacked = da.stack(_cell=da.dims)
        for label, value in zip(stacked["_cell"].values, stacked.values, strict=True):
            parts = label if isinstance(label, tuple) else (label,)
            text = ",".join(
                str(np.datetime64(p, "M"))
                if isinstance(p, np.datetime64 | pd.Timestamp)
                else str(p)
                for p in parts
            )
            out[f"{name}[{text}]"] = float(value)
    return out


def diagnose(tree: xr.DataTree) -> Diagnostics:
    """Compute the worst R-hat, bulk and tail ESS and the divergence count of a fit.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> rng = np.random.default_rng(0)
    >>> post = xr.Dataset({"a": (("chain", "draw"), rng.normal(size=(2, 200)))})
    >>> stats = xr.Dataset({"diverging": (("chain", "draw"), np.zeros((2, 200), bool))})
    >>> d = diagnose(xr.DataTree.from_dict({"/posterior": post, "/sample_stats": stats}))
    >>> d.divergences, d.max_rhat < 1.05
    (0, True)
    """
    post = tree[D.POSTERIOR].to_dataset()
    # Constant elements (a trend pinned at zero) have undefined R-hat and ESS: skip them.
    with np.errstate(invalid="ignore", divide="ignore"):
        rhat = _flat(arviz_stats.rhat(post))
        bulk = _flat(arviz_stats.ess(post, method="bulk"))
        tail = _flat(arviz_stats.ess(post, method="tail"))
    rhat = {k: (v if np.isfinite(v) else 1.0) for k, v in rhat.items()}
    ess_min = {k: min(bulk[k], tail[k]) for k in bulk}
    ess_min = {k: (v if np.isfinite(v) else np.inf) for k, v in ess_min.items()}
    stats = tree[D.SAMPLE_STATS].to_dataset()
    diverging = int(stats["diverging"].sum()) if "diverging" in stats else 0
    worst_r = sorted(rhat, key=rhat.__getitem__, reverse=True)[:3]
    worst_e = sorted(ess_min, key=ess_min.__getitem__)[:3]
    return Diagnostics(
        max_rhat=max(rhat.values()),
        min_ess_bulk=min(v if np.isfinite(v) else np.inf for v in bulk.values()),
        min_ess_tail=min(v if np.isfinite(v) else np.inf for v in tail.values()),
        divergences=diverging,
        worst_rhat=tuple(worst_r),
        worst_ess=tuple(worst_e),
    )


def warn_if_unconverged(
    tree: xr.DataTree, *, max_rhat: float = 1.01, min_ess_per_chain: float = 100.0
) -> Diagnostics:
    """Warn with :class:`ConvergenceWarning` naming the worst parameters, if any check fails."""
    d = diagnose(tree)
    n_chains = tree[D.POSTERIOR].sizes[D.CHAIN]
    messages = []
    if d.max_rhat > max_rhat:
        messages.append(f"R-hat up to {d.max_rhat:.3f} (> {max_rhat}), worst: {list(d.worst_rhat)}")
    ess_floor = min_ess_per_chain * n_chains
    if min(d.min_ess_bulk, d.min_ess_tail) < ess_floor:
        messages.append(
            f"ESS down to bulk {d.min_ess_bulk:.0f} / tail {d.min_ess_tail:.0f} "
            f"(< {ess_floor:.0f}), worst: {list(d.worst_ess)}"
        )
    if d.divergences:
        messages.append(f"{d.divergences} divergent transitions")
    if messages:
        warnings.warn(
            "The sampler may not have converged: "
            + "; ".join(messages)
            + ". Sample longer, raise target_accept, or revisit the priors.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return d
