"""The compiled sampling core and its convergence diagnostics."""

from talentflow.sampling.core import (
    CacheStats,
    SamplerOptions,
    cache_stats,
    clear_cache,
    sample,
    sample_prior,
    seed_int,
    structure_key,
)
from talentflow.sampling.diagnostics import Diagnostics, diagnose, warn_if_unconverged

__all__ = [
    "CacheStats",
    "Diagnostics",
    "SamplerOptions",
    "cache_stats",
    "clear_cache",
    "diagnose",
    "sample",
    "sample_prior",
    "seed_int",
    "structure_key",
    "warn_if_unconverged",
]
