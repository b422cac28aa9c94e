"""Type aliases shared across the package."""

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

#: Seed accepted by every stochastic call: an integer or a NumPy generator.
RandomSeed = int | np.random.Generator

#: A float array.
FloatArray = npt.NDArray[np.float64]

#: An integer array.
IntArray = npt.NDArray[np.int64]

#: An array of either library: NumPy or PyTensor. Kernels written against this alias
#: use only operators and functions both libraries share, so one kernel serves the
#: compiled model and the NumPy forecast.
Tensor = Any

#: Sampler backends.
Backend = Literal["nutpie", "pymc"]

#: Trend processes of the outflow model.
TrendKind = Literal["random_walk", "local_linear"]

#: How the outflow model samples its trend (see ``docs/outflow.md``).
TrendParameterization = Literal["auto", "non_centred"]

#: Latent dynamics of the vacancy model's log levels.
VacancyTrend = Literal["integrated_ar1", "local_level"]

#: How a shock's effect fades after its peak (see ``docs/vacancies.md``).
ShockFading = Literal["geometric", "slowing"]
