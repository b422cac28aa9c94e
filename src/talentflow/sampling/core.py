"""The compiled sampling core: compile once per model structure, swap data, sample.

This module is the one place that knows about sampler backends. A model hands it a
*structure key* (a hash of everything that shapes the graph: sizes, config, package
versions; never data values), a builder that makes the PyMC model, and the values
of the model's ``pm.Data`` containers. The first call for a key builds and compiles;
later calls with new data of the same structure reuse the compiled sampler.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import numpy as np
import pymc as pm
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator, check_count
from talentflow._typing import Backend, RandomSeed
from talentflow.exceptions import ConfigError

_VERSIONS = tuple(version(p) for p in ("pymc", "pytensor", "nutpie", "numba"))


@dataclass(frozen=True, kw_only=True)
class SamplerOptions:
    """How to sample: sizes, backend and NUTS settings.

    Examples
    --------
    >>> SamplerOptions(draws=500, tune=500, chains=2).backend
    'nutpie'
    """

    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    cores: int | None = None
    target_accept: float = 0.8
    backend: Backend = "nutpie"
    progress: bool = False

    def __post_init__(self) -> None:
        for name in ("draws", "tune", "chains"):
            count = check_count(name, getattr(self, name), minimum=0 if name == "tune" else 1)
            object.__setattr__(self, name, count)
        if not 0.5 <= self.target_accept < 1.0:
            raise ConfigError(f"target_accept must be in [0.5, 1), got {self.target_accept!r}")
        if self.backend not in ("nutpie", "pymc"):
            raise ConfigError(f"backend must be 'nutpie' or 'pymc', got {self.backend!r}")


@dataclass
class _Entry:
    model: pm.Model
    compiled: Any = None


@dataclass
class CacheStats:
    """How often the core built a model graph and compiled a sampler in this process."""

    builds: int = 0
    compiles: int = 0
    hits: int = 0


@dataclass
class _Cache:
    entries: dict[str, _Entry] = field(default_factory=dict)
    stats: CacheStats = field(default_factory=CacheStats)


_CACHE = _Cache()


def cache_stats() -> CacheStats:
    """Return a copy of this process's compile-cache counters.

    Examples
    --------
    >>> cache_stats().compiles >= 0
    True
    """
    s = _CACHE.stats
    return CacheStats(builds=s.builds, compiles=s.compiles, hits=s.hits)


def clear_cache() -> None:
    """Forget every compiled sampler of this process."""
    _CACHE.entries.clear()


def structure_key(*parts: object) -> str:
    """Return a cache key for a model structure, salted with the backend package versions."""
    import hashlib

    return hashlib.sha256(repr((parts, _VERSIONS)).encode()).hexdigest()


def seed_int(random_seed: RandomSeed | None) -> int:
    """Turn an int, a NumPy generator or ``None`` (fresh entropy) into a 32-bit seed.

    Examples
    --------
    >>> seed_int(5), seed_int(2**31)
    (5, 1)
    """
    rng = as_generator(random_seed)
    if isinstance(random_seed, int | np.integer):
        return int(random_seed) % (2**31 - 1)
    return int(rng.integers(2**31 - 1))


def _entry(key: str, build: Callable[[], pm.Model], backend: Backend) -> _Entry:
    entry = _CACHE.entries.get(f"{backend}:{key}")
    if entry is None:
        _CACHE.stats.builds += 1
        entry = _Entry(model=build())
        _CACHE.entries[f"{backend}:{key}"] = entry
    return entry


def sample(
    *,
    key: str,
    build: Callable[[], pm.Model],
    data: Mapping[str, np.ndarray],
    coords: Mapping[str, np.ndarray],
    var_names: Sequence[str],
    options: SamplerOptions,
    random_seed: RandomSeed,
) -> xr.DataTree:
    """Sample the model of structure ``key`` on ``data``; return posterior and sample stats.

    The returned tree's coordinates are those of ``coords`` (the current data's
    labels), and its root attrs record the wall time of each stage in seconds
    (``build_seconds``, ``compile_seconds``, ``sampling_seconds``).
    """
    seed = seed_int(random_seed)
    t0 = time.perf_counter()
    entry = _entry(key, build, options.backend)
    t1 = time.perf_counter()
    if options.backend == "nutpie":
        tree, compile_seconds = _sample_nutpie(entry, data, var_names, options, seed)
    else:
        tree, compile_seconds = _sample_pymc(entry, data, var_names, options, seed)
    t2 = time.perf_counter()
    tree = _relabel(tree, coords)
    tree.attrs.update(
        backend=options.backend,
        build_seconds=t1 - t0,
        compile_seconds=compile_seconds,
        sampling_seconds=t2 - t1 - compile_seconds,
    )
    return tree


def _first_use(entry: _Entry) -> bool:
    """Count a compile (first use of a structure) or a cache hit."""
    if entry.compiled is None:
        _CACHE.stats.compiles += 1
        return True
    _CACHE.stats.hits += 1
    return False


def _cores(options: SamplerOptions) -> int:
    return options.cores or min(options.chains, os.cpu_count() or 1)


def _sample_nutpie(
    entry: _Entry,
    data: Mapping[str, np.ndarray],
    var_names: Sequence[str],
    options: SamplerOptions,
    seed: int,
) -> tuple[xr.DataTree, float]:
    import nutpie

    t0 = time.perf_counter()
    if _first_use(entry):
        entry.compiled = nutpie.compile_pymc_model(
            entry.model, backend="numba", var_names=list(var_names)
        )
    compiled = entry.compiled.with_data(**data)
    compile_seconds = time.perf_counter() - t0
    tree = nutpie.sample(
        compiled,
        draws=options.draws,
        tune=options.tune,
        chains=options.chains,
        cores=_cores(options),
        seed=seed,
        target_accept=options.target_accept,
        save_warmup=False,
        progress_bar=options.progress,
    )
    return _keep(tree, var_names), compile_seconds


def _sample_pymc(
    entry: _Entry,
    data: Mapping[str, np.ndarray],
    var_names: Sequence[str],
    options: SamplerOptions,
    seed: int,
) -> tuple[xr.DataTree, float]:
    if _first_use(entry):
        entry.compiled = True  # PyMC compiles inside pm.sample; the cached model is the reuse
    with entry.model:
        pm.set_data(dict(data))
        tree = pm.sample(
            draws=options.draws,
            tune=options.tune,
            chains=options.chains,
            cores=_cores(options),
            random_seed=seed,
            target_accept=options.target_accept,
            nuts_sampler="pymc",
            var_names=list(var_names),
            progressbar=options.progress,
            compute_convergence_checks=False,
        )
    return _keep(tree, var_names), 0.0


def sample_prior(
    model: pm.Model,
    *,
    var_names: Sequence[str],
    draws: int,
    coords: Mapping[str, np.ndarray],
    random_seed: RandomSeed,
) -> xr.Dataset:
    """Draw ``var_names`` from the priors of ``model``, labelled with ``coords``.

    The models' Potentials are their likelihood terms, which a prior ignores; the
    variables asked for must not depend on a ``Flat`` (those have no prior to draw).
    Returns ``(chain=1, draw, ...)`` arrays.
    """
    draws = check_count("draws", draws)
    # PyMC logs the free variables it draws, internal names (``*_z``) included.
    log = logging.getLogger("pymc.sampling.forward")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="The effect of Potentials", category=UserWarning
            )
            tree = pm.sample_prior_predictive(
                draws=draws, model=model, var_names=list(var_names), random_seed=random_seed
            )
    finally:
        log.setLevel(level)
    prior: xr.Dataset = tree[D.PRIOR].to_dataset()
    return prior.assign_coords({k: v for k, v in coords.items() if k in prior.dims})


def _keep(tree: xr.DataTree, var_names: Sequence[str]) -> xr.DataTree:
    """Keep the named posterior variables and the sample stats (the model adds data groups)."""
    return xr.DataTree.from_dict(
        {
            f"/{D.POSTERIOR}": tree[D.POSTERIOR].to_dataset()[list(var_names)],
            f"/{D.SAMPLE_STATS}": tree[D.SAMPLE_STATS].to_dataset(),
        }
    )


def _relabel(tree: xr.DataTree, coords: Mapping[str, np.ndarray]) -> xr.DataTree:
    groups = {}
    for name, node in tree.children.items():
        ds = node.to_dataset()
        present = {k: v for k, v in coords.items() if k in ds.dims}
        groups[f"/{name}"] = ds.assign_coords(present)
    return xr.DataTree.from_dict(groups)
