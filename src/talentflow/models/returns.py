"""The return model: people coming back, by departure cohort and months abroad."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator, check_count
from talentflow._typing import Backend, RandomSeed
from talentflow.data._time import month_numbers
from talentflow.data.returns import validate_returns
from talentflow.exceptions import ConfigError
from talentflow.forecast import returns as fr
from talentflow.forecast.scenario import Scenario
from talentflow.models.base import BayesianModel
from talentflow.models.outflow import OutflowModel
from talentflow.models.returns_graph import (
    ReturnConfig,
    build_return_model,
    by_destination,
    model_arrays,
    model_coords,
    stored_variables,
    wave_membership,
)
from talentflow.sampling import SamplerOptions, sample_prior, warn_if_unconverged

_CELL = (D.TIME, D.SECTOR, D.DESTINATION)


class ReturnModel(BayesianModel[ReturnConfig]):
    """Hierarchical discrete-time hazard model of return migration by departure cohort.

    Expected returns in month ``t`` = sum over departure months ``c < t`` of
    ``departures(c) x P(still abroad after t - c - 1 months) x hazard(t - c)``, the
    hazard a log-logistic baseline shape scaled by pooled sector effects, destination
    effects (when returns are counted by destination) and a wave effect for cohorts
    that left in a named wave. Counts are negative binomial.

    Parameters
    ----------
    config : ReturnConfig, optional
        Waves and priors (default: no waves).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
    ...                                        random_seed=0)
    >>> model = tf.ReturnModel().fit(data, draws=100, tune=100, chains=2, random_seed=1,
    ...                              check=False)
    >>> dict(model.posterior_.posterior.return_hazard.sizes)
    {'chain': 2, 'draw': 100, 'sector': 2, 'destination': 2, 'months_abroad': 36}
    >>> fc = model.forecast(6, random_seed=2)
    >>> sorted(fc.predictions.data_vars)[:3]
    ['departures', 'expected_returns', 'net_outflow']
    """

    config_type = ReturnConfig

    def fit(
        self,
        data: xr.Dataset,
        *,
        outflow_model: OutflowModel | None = None,
        random_seed: RandomSeed,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        cores: int | None = None,
        target_accept: float = 0.9,
        backend: Backend = "nutpie",
        progress: bool = False,
        check: bool = True,
    ) -> ReturnModel:
        """Validate ``data``, compile (cached by structure) and sample the posterior.

        Parameters
        ----------
        data : xarray.Dataset
            ``returns`` and, unless ``outflow_model`` is given, ``outflow``; see
            :func:`talentflow.data.validate_returns`.
        outflow_model : OutflowModel, optional
            A fitted outflow model of the same months: its posterior departures (observed
            cells as observed, gaps imputed draw by draw) are the cohorts. The hazard
            is fitted to their posterior mean; every posterior draw of the return model
            is then paired with one draw of departures, so ``stock_abroad`` and the
            forecasts carry the departures' uncertainty.
        random_seed : int or numpy.random.Generator
            Seed of the sampler and of the pairing.
        draws, tune, chains, cores, target_accept, backend, progress, check
            As in :meth:`OutflowModel.fit`.

        Returns
        -------
        ReturnModel
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
        rng = as_generator(random_seed)
        work, draws_ = _cohorts(data, outflow_model, rng)
        departures = work[D.OUTFLOW].transpose(*_CELL)
        coords = model_coords(work, self.config)
        per_destination = by_destination(work)
        tree = self._sample(
            build=lambda: build_return_model(work, departures, self.config),
            arrays=model_arrays(work, departures, self.config),
            coords=coords,
            var_names=stored_variables(self.config, per_destination),
            options=options,
            random_seed=rng,
            structure=(per_destination,),
        )
        if check:
            warn_if_unconverged(tree)
        post = tree[D.POSTERIOR].to_dataset()
        if draws_ is not None:
            post = self._paired_departures(post, draws_, departures, rng)
        groups = {
            f"/{D.POSTERIOR}": post,
            f"/{D.SAMPLE_STATS}": tree[D.SAMPLE_STATS].to_dataset(),
            f"/{D.OBSERVED_DATA}": data[[D.RETURNS]].copy(deep=True),
            f"/{D.CONSTANT_DATA}": xr.Dataset({D.DEPARTURES: departures.copy(deep=True)}),
        }
        out = xr.DataTree.from_dict(groups)
        out.attrs.update(tree.attrs)
        self._fit = self._stamp(self._with_flows(out))
        return self

    @staticmethod
    def _paired_departures(
        post: xr.Dataset, draws: xr.DataArray, cells: xr.DataArray, rng: np.random.Generator
    ) -> xr.Dataset:
        """Pair every posterior draw with one draw of the outflow model's departures."""
        labels = {d: cells[d].values for d in (D.SECTOR, D.DESTINATION)}
        values = draws.sel(labels).transpose(*D.SAMPLE_DIMS, *_CELL)
        flat = values.values.reshape(-1, *values.shape[2:])
        pick = rng.integers(flat.shape[0], size=(post.sizes[D.CHAIN], post.sizes[D.DRAW]))
        post = post.assign(
            {
                D.DEPARTURES: ((*D.SAMPLE_DIMS, *_CELL), flat[pick]),
                "departures_draw": (D.SAMPLE_DIMS, pick),
            }
        )
        post.attrs["outflow_draws"] = flat.shape[0]
        return post

    def _with_flows(self, tree: xr.DataTree) -> xr.DataTree:
        """Add expected returns and stock abroad (by cohort group too) to the posterior."""
        post = tree[D.POSTERIOR].to_dataset()
        cells = tree[D.CONSTANT_DATA].to_dataset()[D.DEPARTURES]
        membership = wave_membership(self.config, month_numbers(cells[D.TIME].values))
        result = fr.flows(post, fr.departure_draws(tree), membership)
        coords = {d: cells[d].values for d in _CELL}
        extra = fr.flows_dataset(
            post, self.config, result, fr.returns_dims(tree), coords, slice(None)
        )
        tree[D.POSTERIOR] = xr.DataTree(post.merge(extra))
        return tree

    def forecast(
        self,
        horizon: int,
        *,
        outflow_model: OutflowModel | None = None,
        departures: xr.DataArray | None = None,
        scenario: Scenario | None = None,
        random_seed: RandomSeed | None = None,
    ) -> xr.DataTree:
        """Forecast returns, stock abroad and net outflow ``horizon`` months ahead.

        Parameters
        ----------
        horizon : int
            Number of future months.
        outflow_model : OutflowModel, optional
            A fitted outflow model on the same months: it forecasts departures, with
            ``scenario`` (a second shock raises departures now and returns later;
            a scenario shock ``like`` one of this model's waves also returns as that
            wave did).
        departures : xarray.DataArray, optional
            A departures path ``(time, sector, destination)`` for the horizon (``time``
            may be left out for a constant path). Without either, departures are
            held at each draw's mean of the last 12 months.
        scenario : Scenario, optional
            Passed to ``outflow_model``.
        random_seed : int or numpy.random.Generator, optional
            Seed of the predictive draws.

        Returns
        -------
        xarray.DataTree
            A new tree; ``predictions`` holds ``returns``, ``expected_returns``,
            ``departures``, ``net_outflow``, ``stock_abroad`` and
            ``stock_abroad_by_cohort`` for the future months.
        """
        tree = fr.forecast_returns(
            self._fitted(),
            self.config,
            horizon,
            outflow_model=_outflow_model(outflow_model),
            departures=departures,
            scenario=scenario,
            random_seed=random_seed,
        )
        return self._stamp(tree)

    def sample_prior_predictive(
        self,
        data: xr.Dataset,
        *,
        outflow_model: OutflowModel | None = None,
        draws: int = 500,
        random_seed: RandomSeed,
    ) -> xr.DataTree:
        """Draw hazard parameters and return counts from the prior, on ``data``'s cohorts.

        Each prior draw's hazard runs the cohorts (``data``'s ``outflow``, or the
        departures of ``outflow_model``) over their months, and return counts are drawn
        (negative binomial) around the expected returns, on the dims of ``data``'s
        ``returns``. The model stays as it was.

        Parameters
        ----------
        data : xarray.Dataset
            ``returns`` and, unless ``outflow_model`` is given, ``outflow``; see
            :func:`talentflow.data.validate_returns`.
        outflow_model : OutflowModel, optional
            A fitted outflow model of the same months, as in :meth:`fit`: each prior
            draw is paired with one of its posterior draws of departures.
        draws : int
            Number of prior draws.
        random_seed : int or numpy.random.Generator
            Seed of the draws.

        Returns
        -------
        xarray.DataTree
            A new tree with ``prior`` (the hazard parameters and curves,
            ``expected_returns`` and ``stock_abroad``) and ``prior_predictive``
            (``returns``).

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
        ...                                        random_seed=0)
        >>> prior = tf.ReturnModel().sample_prior_predictive(data, draws=50, random_seed=1)
        >>> dict(prior.prior_predictive.returns.sizes)
        {'chain': 1, 'draw': 50, 'time': 12, 'sector': 2, 'destination': 2}
        """
        draws = check_count("draws", draws)  # before the outflow model draws departures
        rng = as_generator(random_seed)
        work, draws_ = _cohorts(data, outflow_model, rng)
        departures = work[D.OUTFLOW].transpose(*_CELL)
        prior = sample_prior(
            build_return_model(work, departures, self.config),
            var_names=stored_variables(self.config, by_destination(work)),
            draws=draws,
            coords=model_coords(work, self.config),
            random_seed=rng,
        )
        if draws_ is not None:
            prior = self._paired_departures(prior, draws_, departures, rng)
        # The flows and replicates read a fit's groups; the prior draws stand in.
        tree = self._with_flows(
            xr.DataTree.from_dict(
                {
                    f"/{D.POSTERIOR}": prior,
                    f"/{D.OBSERVED_DATA}": data[[D.RETURNS]],
                    f"/{D.CONSTANT_DATA}": xr.Dataset({D.DEPARTURES: departures}),
                }
            )
        )
        replicas = fr.replicate_returns(tree, random_seed=rng)
        return self._stamp(
            xr.DataTree.from_dict(
                {
                    f"/{D.PRIOR}": tree[D.POSTERIOR].to_dataset(),
                    f"/{D.PRIOR_PREDICTIVE}": replicas[D.POSTERIOR_PREDICTIVE].to_dataset(),
                }
            )
        )

    def sample_posterior_predictive(self, *, random_seed: RandomSeed) -> xr.DataTree:
        """Replicate the observed returns from the posterior, for posterior predictive checks.

        Each draw's hazard runs the cohorts of its departures over the fitted months,
        and return counts are drawn (negative binomial) around the expected returns.

        Returns
        -------
        xarray.DataTree
            A new tree with ``posterior_predictive`` (``returns``, on the observed
            returns' dims after ``(chain, draw)``) and ``observed_data``.

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
        ...                                        random_seed=0)
        >>> model = tf.ReturnModel().fit(data, draws=50, tune=50, chains=2, random_seed=1,
        ...                              check=False)
        >>> ppc = model.sample_posterior_predictive(random_seed=3)
        >>> dict(ppc.posterior_predictive.returns.sizes)
        {'chain': 2, 'draw': 50, 'time': 12, 'sector': 2, 'destination': 2}
        """
        tree = fr.replicate_returns(self._fitted(), random_seed=random_seed)
        return self._stamp(tree)

    def share_back(
        self, wave: str, *, months: Sequence[int] = (6, 12, 24), ci_prob: float = 0.9
    ) -> xr.Dataset:
        """Of those who left in ``wave``, the share back after ``months`` abroad.

        Parameters
        ----------
        wave : str
            Name of one of the config's waves.
        months : sequence of int
            Months since departure.
        ci_prob : float
            Probability of the interval.

        Returns
        -------
        xarray.Dataset
            ``share_back(sector, months_abroad, summary)`` and
            ``share_back_total(months_abroad, summary)``, ``summary`` being
            ``median``, ``lower``, ``upper``.

        Examples
        --------
        >>> import talentflow as tf
        >>> wave = tf.Shock(name="wave", start="2021-04")
        >>> data, _ = tf.datasets.simulate_returns(sectors=2, destinations=2, n_months=12,
        ...                                        waves=(wave,), random_seed=0)
        >>> model = tf.ReturnModel(tf.ReturnConfig(waves=(wave,)))
        >>> _ = model.fit(data, draws=100, tune=100, chains=2, random_seed=1, check=False)
        >>> back = model.share_back("wave", months=(6, 12))
        >>> back.share_back_total.sel(summary="median").dims
        ('months_abroad',)
        """
        return fr.share_back(self._fitted(), self.config, wave, months=months, ci_prob=ci_prob)

    def _summary_names(self) -> list[str]:
        """List the hazard parameters (not the hazard curves or the flows derived from them)."""
        fitted = D.DESTINATION_EFFECT in self._fitted()[D.POSTERIOR]
        return [n for n in stored_variables(self.config, fitted) if n != D.RETURN_HAZARD]


def _cohorts(
    data: xr.Dataset, outflow_model: object, rng: np.random.Generator
) -> tuple[xr.Dataset, xr.DataArray | None]:
    """Return the validated data with its departures, and the departure draws if any.

    Without ``outflow_model`` the departures are ``data``'s ``outflow``; with one,
    they are the posterior mean of its departure draws, which are returned too for
    pairing draw by draw.
    """
    model = _outflow_model(outflow_model)
    if model is None:
        return validate_returns(data), None
    draws = model.sample_departures(random_seed=rng)
    validate_returns(data, departures=draws.max(D.SAMPLE_DIMS))
    labels = {d: data[d].values for d in (D.SECTOR, D.DESTINATION) if d in data.coords}
    mean = draws.mean(D.SAMPLE_DIMS).sel(labels)
    return data.assign({D.OUTFLOW: mean.assign_coords({D.TIME: data[D.TIME].values})}), draws


def _outflow_model(candidate: object) -> OutflowModel | None:
    """Pass an ``OutflowModel`` (or ``None``) through; anything else is a ``ConfigError``."""
    if candidate is not None and not isinstance(candidate, OutflowModel):
        raise ConfigError(f"outflow_model must be a fitted OutflowModel, got {type(candidate)}")
    return candidate
