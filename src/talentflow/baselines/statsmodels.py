"""statsmodels per-series forecasters behind talentflow's fit/forecast contract.

Each ``(variable, sector)`` series is modelled on the log scale by its own statsmodels
model; forecasts are sample paths from its predictive distribution (``chain`` of size
one, ``draw`` the paths), exponentiated back, so they are scored exactly like a
Bayesian model's posterior predictive. statsmodels results are not saved (that would
need pickle): the fit keeps the data and each series' estimated parameters, and
``forecast`` uses the results in memory, or after ``load`` refits them from the stored
data (deterministic).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator, check_count
from talentflow._typing import FloatArray, RandomSeed
from talentflow.data import checks
from talentflow.data._time import continue_monthly, horizon_months, monthly_problems
from talentflow.exceptions import ConfigError, DataError
from talentflow.models.base import BayesianModel

BaselineKind = Literal["ets", "local_linear_trend"]


@dataclass(frozen=True, kw_only=True)
class BaselineConfig:
    """Configuration of :class:`StatsmodelsBaseline`.

    Parameters
    ----------
    kind : {"ets", "local_linear_trend"}
        ``"ets"``: exponential smoothing with a damped additive trend (statsmodels
        ``ETSModel``); ``"local_linear_trend"``: an unobserved-components local linear
        trend (statsmodels ``UnobservedComponents``). Both on log values.
    variables : tuple of str
        The ``(time, sector)`` variables to forecast.
    seasonal_periods : int, optional
        Add a seasonal component of this period (12 for monthly data not seasonally
        adjusted).
    paths : int
        Number of simulated predictive paths per series.

    Examples
    --------
    >>> BaselineConfig(kind="local_linear_trend").paths
    500
    """

    kind: BaselineKind = "ets"
    variables: tuple[str, ...] = ("vacancies", "job_seekers")
    seasonal_periods: int | None = None
    paths: int = 500

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", tuple(self.variables))
        if self.kind not in ("ets", "local_linear_trend"):
            raise ConfigError(f"kind must be 'ets' or 'local_linear_trend', got {self.kind!r}")
        if not self.variables:
            raise ConfigError("variables must name at least one variable")
        if self.seasonal_periods is not None and self.seasonal_periods < 2:
            raise ConfigError(f"seasonal_periods must be >= 2, got {self.seasonal_periods!r}")
        object.__setattr__(self, "paths", check_count("paths", self.paths))


def _series_problems(data: object, variables: tuple[str, ...]) -> list[str]:
    if not isinstance(data, xr.Dataset):
        return [f"data: expected an xarray.Dataset, got {type(data).__name__}"]
    problems = []
    if D.TIME in data.coords:
        problems += monthly_problems(D.TIME, data[D.TIME].values)
    for name in variables:
        if name not in data.data_vars:
            problems.append(f"{name}: missing required variable (rule: required)")
            continue
        da = data[name]
        shape = checks.dims_problems(name, da, [(D.TIME, D.SECTOR)])
        problems += shape or checks.level_problems(name, da)
        if shape:
            continue
        values = np.asarray(da.values, dtype=np.float64)
        short = (np.isfinite(values).sum(axis=da.dims.index(D.TIME)) < 8).nonzero()[0]
        if len(short):
            labels = [str(s) for s in da[D.SECTOR].values[short]]
            problems.append(f"{name}: sector(s) {labels} have fewer than 8 values (rule: >= 8)")
    return problems


def _fit_series(y: FloatArray, config: BaselineConfig) -> Any:
    """Fit one log series (interior gaps interpolated for ETS; UC takes NaN as missing)."""
    last = int(np.flatnonzero(np.isfinite(y))[-1])
    first = int(np.flatnonzero(np.isfinite(y))[0])
    y = y[first : last + 1]
    with warnings.catch_warnings():
        # statsmodels warns about optimiser convergence and index frequency; the fitted
        # parameters are used as they come, like a user of statsmodels would.
        warnings.simplefilter("ignore")
        if config.kind == "ets":
            from statsmodels.tsa.exponential_smoothing.ets import ETSModel

            filled = np.interp(np.arange(len(y)), np.flatnonzero(np.isfinite(y)), y[np.isfinite(y)])
            seasonal = "add" if config.seasonal_periods else None
            return ETSModel(
                filled,
                error="add",
                trend="add",
                damped_trend=True,
                seasonal=seasonal,
                seasonal_periods=config.seasonal_periods,
            ).fit(disp=False)
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        return UnobservedComponents(
            y,
            level="local linear trend",
            freq_seasonal=[{"period": config.seasonal_periods}]
            if config.seasonal_periods
            else None,
        ).fit(disp=False)


def _fit_all(observed: xr.Dataset, config: BaselineConfig) -> dict[str, list[Any]]:
    """Fit every series of every variable: ``{variable: [result per sector]}``."""
    out = {}
    for name in config.variables:
        da = observed[name].transpose(D.TIME, D.SECTOR)
        out[name] = [_fit_series(np.log(da.values[:, j]), config) for j in range(da.shape[1])]
    return out


def _simulate(result: Any, horizon: int, paths: int, rng: np.random.Generator) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sims = result.simulate(nsimulations=horizon, repetitions=paths, anchor="end", rng=rng)
    return np.asarray(sims, dtype=np.float64).reshape(horizon, paths)


class StatsmodelsBaseline(BayesianModel[BaselineConfig]):
    """A statsmodels forecaster per series, with the contract of talentflow's models.

    Examples
    --------
    >>> import numpy as np, pandas as pd, xarray as xr
    >>> t = pd.date_range("2015-01-01", periods=36, freq="MS")
    >>> level = np.exp(5 + 0.01 * np.arange(36))[:, None] * np.array([1.0, 2.0])
    >>> data = xr.Dataset({"vacancies": (("time", "sector"), level)},
    ...                   coords={"time": t, "sector": ["A", "B"]})
    >>> base = StatsmodelsBaseline(BaselineConfig(variables=("vacancies",), paths=50))
    >>> fc = base.fit(data, random_seed=0).forecast(6, random_seed=1)
    >>> dict(fc.predictions.vacancies.sizes)
    {'chain': 1, 'draw': 50, 'time': 6, 'sector': 2}
    """

    config_type = BaselineConfig

    def __init__(self, config: BaselineConfig | None = None) -> None:
        super().__init__(config)
        # statsmodels results of the last fit, kept in memory only (never saved: that
        # would need pickle); a loaded model refits them from its stored data.
        self._results: dict[str, list[Any]] = {}

    def fit(
        self, data: xr.Dataset, *, random_seed: RandomSeed | None = None
    ) -> StatsmodelsBaseline:
        """Validate ``data`` and fit every series (``random_seed`` is unused: MLE)."""
        del random_seed
        problems = _series_problems(data, self.config.variables)
        if problems:
            raise DataError(problems)
        observed = data[list(self.config.variables)].copy(deep=True)
        results = _fit_all(observed, self.config)
        params = {}
        for name, fitted in results.items():
            da = observed[name]
            names = list(fitted[0].model.param_names)
            values = np.array([np.asarray(r.params, dtype=np.float64) for r in fitted])
            params[f"{name}_params"] = xr.DataArray(
                values[None, None],
                dims=(*D.SAMPLE_DIMS, D.SECTOR, f"{name}_param"),
                coords={D.SECTOR: da[D.SECTOR].values, f"{name}_param": names},
            )
        tree = xr.DataTree.from_dict(
            {
                f"/{D.POSTERIOR}": xr.Dataset(params).assign_coords({D.CHAIN: [0], D.DRAW: [0]}),
                f"/{D.SAMPLE_STATS}": xr.Dataset(),
                f"/{D.OBSERVED_DATA}": observed,
            }
        )
        self._fit = self._stamp(tree)
        self._results = results
        return self

    def forecast(self, horizon: int, *, random_seed: RandomSeed | None = None) -> xr.DataTree:
        """Simulate ``horizon`` months of predictive paths for every series.

        Returns a new DataTree whose ``predictions`` hold each variable as
        ``(chain=1, draw=paths, time, sector)`` on real future months.
        """
        horizon = horizon_months(horizon)
        observed = self._fitted()[D.OBSERVED_DATA].to_dataset()
        rng = as_generator(random_seed)
        future = continue_monthly(observed[D.TIME].values, horizon)
        results = self._results or _fit_all(observed, self.config)
        out = {}
        for name in self.config.variables:
            da = observed[name].transpose(D.TIME, D.SECTOR)
            # Series that end before the last month are simulated from their own end.
            columns = []
            for j in range(da.sizes[D.SECTOR]):
                y = np.log(da.values[:, j])
                gap = len(y) - 1 - int(np.flatnonzero(np.isfinite(y))[-1])
                sims = _simulate(results[name][j], gap + horizon, self.config.paths, rng)
                columns.append(np.exp(sims[gap:]))
            values = np.stack(columns, axis=-1)  # (time, draw, sector)
            out[name] = xr.DataArray(
                np.moveaxis(values, 1, 0)[None],
                dims=(*D.SAMPLE_DIMS, D.TIME, D.SECTOR),
                coords={
                    D.CHAIN: [0],
                    D.DRAW: np.arange(self.config.paths),
                    D.TIME: future,
                    D.SECTOR: da[D.SECTOR].values,
                },
            )
        tree = xr.DataTree.from_dict({f"/{D.PREDICTIONS}": xr.Dataset(out)})
        tree.attrs.update(horizon=horizon)
        return self._stamp(tree)
