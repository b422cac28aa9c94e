"""The outflow model: emigration by sector x destination x month, with named shocks."""

from __future__ import annotations

import dataclasses

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import Backend, RandomSeed
from talentflow.data.outflow import validate_outflow
from talentflow.forecast.outflow import forecast_outflow
from talentflow.forecast.scenario import Scenario
from talentflow.models import kernels
from talentflow.models.base import BayesianModel
from talentflow.models.outflow_graph import (
    OutflowConfig,
    build_outflow_model,
    log_workforce,
    model_arrays,
    model_coords,
    stored_variables,
)
from talentflow.sampling import SamplerOptions, sample_prior, warn_if_unconverged


class OutflowModel(BayesianModel[OutflowConfig]):
    """Hierarchical negative-binomial model of outflow by sector, destination and month.

    ``log E[outflow(t, s, d)] = log workforce(t, s) + baseline(s) + trend(t, s)
    + sum_k shock_effect(k, s) (1 - shock_decay(k)) ** (t - start_k)
    + log destination_share(s, d)``, with sector baselines, trend scales, shock effects
    and destination preferences partially pooled across sectors.

    Parameters
    ----------
    config : OutflowConfig, optional
        Shocks, trend kind and priors (defaults: no shocks, random-walk trend).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=12,
    ...                                        random_seed=0)
    >>> model = tf.OutflowModel()
    >>> model.fit(data, draws=100, tune=100, chains=2, random_seed=1, check=False).is_fitted
    True
    >>> fc = model.forecast(3, random_seed=2)
    >>> dict(fc.predictions.outflow.sizes)
    {'chain': 2, 'draw': 100, 'time': 3, 'sector': 2, 'destination': 2}
    """

    config_type = OutflowConfig

    def fit(
        self,
        data: xr.Dataset,
        *,
        random_seed: RandomSeed,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        cores: int | None = None,
        target_accept: float = 0.9,
        backend: Backend = "nutpie",
        progress: bool = False,
        check: bool = True,
    ) -> OutflowModel:
        """Validate ``data``, compile (cached by structure) and sample the posterior.

        Parameters
        ----------
        data : xarray.Dataset
            Outflow-model input; see :func:`talentflow.data.validate_outflow`.
        random_seed : int or numpy.random.Generator
            Seed of the sampler.
        draws, tune, chains, cores, target_accept
            NUTS settings.
        backend : {"nutpie", "pymc"}
            nutpie's compiled (numba) NUTS, or PyMC's own NUTS.
        progress : bool
            Show the sampler's progress bar.
        check : bool
            Warn with :class:`~talentflow.ConvergenceWarning` if R-hat, ESS or
            divergences flag problems.

        Returns
        -------
        OutflowModel
            ``self``, with ``posterior_`` set.
        """
        options = SamplerOptions(
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            target_accept=target_accept,
            backend=backend,
            progress=progress,
        )
        validate_outflow(data)
        coords = model_coords(data, self.config)
        tree = self._sample(
            build=lambda: build_outflow_model(data, self.config),
            arrays=model_arrays(data, self.config),
            coords=coords,
            var_names=stored_variables(self.config, len(coords[D.DESTINATION])),
            options=options,
            random_seed=random_seed,
        )
        tree = self._with_data_groups(tree, data)
        if check:
            warn_if_unconverged(tree)
        self._fit = self._stamp(tree)
        return self

    @staticmethod
    def _with_data_groups(tree: xr.DataTree, data: xr.Dataset) -> xr.DataTree:
        observed = data[[v for v in (D.OUTFLOW, D.OUTFLOW_TOTAL) if v in data]]
        groups = {f"/{name}": node.to_dataset() for name, node in tree.children.items()}
        groups[f"/{D.OBSERVED_DATA}"] = observed.copy(deep=True)
        groups[f"/{D.CONSTANT_DATA}"] = data[[D.WORKFORCE]].copy(deep=True)
        out = xr.DataTree.from_dict(groups)
        out.attrs.update(tree.attrs)
        return out

    def sample_prior_predictive(
        self, data: xr.Dataset, *, draws: int = 500, random_seed: RandomSeed
    ) -> xr.DataTree:
        """Draw parameters and outflow counts from the prior, on ``data``'s coordinates.

        Returns a new DataTree with ``prior`` (parameters) and ``prior_predictive``
        (``outflow``); the model stays as it was.

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=6,
        ...                                        random_seed=0)
        >>> prior = tf.OutflowModel().sample_prior_predictive(data, draws=50, random_seed=1)
        >>> dict(prior.prior_predictive.outflow.sizes)
        {'chain': 1, 'draw': 50, 'time': 6, 'sector': 2, 'destination': 2}
        """
        validate_outflow(data)
        rng = as_generator(random_seed)
        # Forward draws ignore Potentials; with unit weights the trend's is exactly zero.
        non_centred = dataclasses.replace(self.config, trend_parameterization="non_centred")
        prior = sample_prior(
            build_outflow_model(data, non_centred),
            var_names=stored_variables(self.config, data.sizes[D.DESTINATION]),
            draws=draws,
            coords=model_coords(data, self.config),
            random_seed=rng,
        )
        predictive = _replicate(prior, data, rng)
        return self._stamp(
            xr.DataTree.from_dict({f"/{D.PRIOR}": prior, f"/{D.PRIOR_PREDICTIVE}": predictive})
        )

    def sample_posterior_predictive(self, *, random_seed: RandomSeed) -> xr.DataTree:
        """Replicate the observed counts from the posterior, for posterior predictive checks.

        Returns a new DataTree with ``posterior_predictive`` (``outflow`` and
        ``outflow_total`` on the data's coordinates) and ``observed_data``.

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=6,
        ...                                        random_seed=0)
        >>> model = tf.OutflowModel().fit(data, draws=50, tune=50, chains=2, random_seed=1,
        ...                               check=False)
        >>> ppc = model.sample_posterior_predictive(random_seed=2)
        >>> dict(ppc.posterior_predictive.outflow.sizes)
        {'chain': 2, 'draw': 50, 'time': 6, 'sector': 2, 'destination': 2}
        """
        fit = self._fitted()
        data = xr.merge(
            [fit[D.OBSERVED_DATA].to_dataset(), fit[D.CONSTANT_DATA].to_dataset()],
            combine_attrs="drop",
        )
        predictive = _replicate(fit[D.POSTERIOR].to_dataset(), data, as_generator(random_seed))
        return self._stamp(
            xr.DataTree.from_dict(
                {
                    f"/{D.POSTERIOR_PREDICTIVE}": predictive,
                    f"/{D.OBSERVED_DATA}": fit[D.OBSERVED_DATA].to_dataset(),
                }
            )
        )

    def sample_departures(self, *, random_seed: RandomSeed) -> xr.DataArray:
        """Complete departures per posterior draw: observed where observed, imputed elsewhere.

        Cells observed by destination keep their counts; months where only the sector
        total is known split it across destinations with each draw's shares
        (multinomial); unobserved cells are drawn from the posterior predictive. This
        is how a :class:`~talentflow.ReturnModel` receives departures with their
        uncertainty.

        Returns
        -------
        xarray.DataArray
            ``departures(chain, draw, time, sector, destination)``.

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_outflow(sectors=2, destinations=2, n_months=6,
        ...                                        missing_fraction=0.3, random_seed=0)
        >>> model = tf.OutflowModel().fit(data, draws=50, tune=50, chains=2, random_seed=1,
        ...                               check=False)
        >>> dep = model.sample_departures(random_seed=2)
        >>> bool(dep.isnull().any()), bool((dep == data.outflow).where(data.outflow.notnull(),
        ...                                                          True).all())
        (False, True)
        """
        rng = as_generator(random_seed)
        fit = self._fitted()
        observed = fit[D.OBSERVED_DATA].to_dataset()
        replicated = self.sample_posterior_predictive(random_seed=rng)[D.POSTERIOR_PREDICTIVE]
        cell = (*D.SAMPLE_DIMS, D.TIME, D.SECTOR, D.DESTINATION)
        counts = replicated[D.OUTFLOW].transpose(*cell).values.copy()
        if D.OUTFLOW_TOTAL in observed:
            total = observed[D.OUTFLOW_TOTAL].transpose(D.TIME, D.SECTOR).values
            share = fit[D.POSTERIOR][D.DESTINATION_SHARE].transpose(*cell[:2], *cell[3:]).values
            t_idx, s_idx = np.nonzero(np.isfinite(total))
            if len(t_idx):
                pvals = share[:, :, s_idx, :]
                split = rng.multinomial(total[t_idx, s_idx].astype(np.int64), pvals)
                counts[:, :, t_idx, s_idx, :] = split
        seen = observed[D.OUTFLOW].transpose(*cell[2:]).values
        counts = np.where(np.isfinite(seen), seen, counts)
        return xr.DataArray(
            counts,
            dims=cell,
            coords={d: replicated[d].values for d in cell},
            name=D.DEPARTURES,
        )

    def forecast(
        self,
        horizon: int,
        *,
        scenario: Scenario | None = None,
        random_seed: RandomSeed | None = None,
    ) -> xr.DataTree:
        """Forecast ``horizon`` months past the data (see ``forecast.forecast_outflow``).

        Returns a new DataTree whose ``predictions`` group holds
        ``outflow(chain, draw, time, sector, destination)`` with real future months.
        """
        tree = forecast_outflow(
            self._fitted(), self.config, horizon, scenario=scenario, random_seed=random_seed
        )
        return self._stamp(tree)


def _replicate(params: xr.Dataset, data: xr.Dataset, rng: np.random.Generator) -> xr.Dataset:
    """Draw counts on ``data``'s grid from parameter draws (prior or posterior)."""
    log_mu = kernels.log_expected_outflow(
        log_workforce(data),
        np.log(params[D.OUTFLOW_RATE].transpose(*D.SAMPLE_DIMS, D.TIME, D.SECTOR).values),
        np.log(
            params[D.DESTINATION_SHARE].transpose(*D.SAMPLE_DIMS, D.SECTOR, D.DESTINATION).values
        ),
    )
    counts = kernels.draw_negative_binomial(rng, np.exp(log_mu), params[D.OVERDISPERSION].values)
    cell = (*D.SAMPLE_DIMS, D.TIME, D.SECTOR, D.DESTINATION)
    return xr.Dataset(
        {D.OUTFLOW: (cell, counts), D.OUTFLOW_TOTAL: (cell[:-1], counts.sum(axis=-1))},
        coords={
            **{d: params[d].values for d in D.SAMPLE_DIMS},
            **{d: data[d].values for d in cell[2:]},
        },
    )
