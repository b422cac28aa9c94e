"""The vacancy / job-seeker model: postings, resumes, tightness and matching into hires."""

from __future__ import annotations

import xarray as xr

from talentflow import _dims as D
from talentflow._config import as_generator
from talentflow._typing import Backend, RandomSeed
from talentflow.data.vacancies import validate_vacancies
from talentflow.forecast.scenario import Scenario
from talentflow.forecast.vacancies import forecast_vacancies, prior_paths, replicate_vacancies
from talentflow.models.base import BayesianModel
from talentflow.models.vacancies_graph import (
    SERIES,
    VacancyConfig,
    build_vacancy_model,
    model_arrays,
    model_coords,
    stored_variables,
)
from talentflow.models.vacancies_paths import draw_paths
from talentflow.sampling import SamplerOptions, sample_prior, warn_if_unconverged

#: The latent paths: integrated out of the sampler's density, then drawn by the
#: simulation smoother (a prior draws them by walking).
_PATHS = (D.TREND, D.TREND_SLOPE, D.LEVEL, D.TIGHTNESS, D.MATCHING_EFFICIENCY)
_LATENT = (*_PATHS, D.SEASONAL)


class VacancyModel(BayesianModel[VacancyConfig]):
    """Hierarchical state-space model of vacancies and job seekers per sector.

    The latent log levels of the two series follow a local level (a random walk) or an
    integrated AR(1) (monthly increments with momentum) per sector; innovations are correlated
    across sectors (a common factor per series) and between the series (the factors'
    correlation); named shocks add decaying effects; a seasonal term per series and
    sector can be switched off; observations carry log-normal noise. ``tightness`` is
    vacancies per job seeker. With ``hires`` in the data, a matching function ``hires =
    efficiency x V^a x U^(1-a)`` (or with free returns to scale) links them, with a
    pooled ``matching_elasticity(sector)`` and a random-walk ``matching_efficiency(time,
    sector)``.

    Parameters
    ----------
    config : VacancyConfig, optional
        Shocks, dynamics, seasonality and priors (default: local level, seasonal).

    Examples
    --------
    >>> import talentflow as tf
    >>> data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=24, random_seed=0)
    >>> model = tf.VacancyModel().fit(data, draws=100, tune=100, chains=2, random_seed=1,
    ...                               check=False)
    >>> dict(model.posterior_.posterior.tightness.sizes)
    {'chain': 2, 'draw': 100, 'time': 24, 'sector': 2}
    >>> fc = model.forecast(6, random_seed=2)
    >>> sorted(fc.predictions.data_vars)
    ['hires', 'job_seekers', 'level', 'matching_efficiency', 'tightness', 'vacancies']
    """

    config_type = VacancyConfig

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
    ) -> VacancyModel:
        """Validate ``data``, compile (cached by structure) and sample the posterior.

        Parameters
        ----------
        data : xarray.Dataset
            ``vacancies`` and ``job_seekers`` (and optionally ``hires``) ``(time,
            sector)``; see :func:`talentflow.data.validate_vacancies`.
        random_seed : int or numpy.random.Generator
            Seed of the sampler.
        draws, tune, chains, cores, target_accept, backend, progress, check
            As in :meth:`OutflowModel.fit`.

        Returns
        -------
        VacancyModel
            ``self``, with ``posterior_`` set.
        """
        validate_vacancies(data)
        options = SamplerOptions(
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            target_accept=target_accept,
            backend=backend,
            progress=progress,
        )
        with_hires = D.HIRES in data
        arrays = model_arrays(data, self.config)
        rng = as_generator(random_seed)
        tree = self._sample(
            build=lambda: build_vacancy_model(data, self.config),
            arrays=arrays,
            coords=model_coords(data, self.config),
            var_names=[n for n in stored_variables(self.config, with_hires) if n not in _PATHS],
            options=options,
            random_seed=rng,
            structure=(with_hires,),
        )
        post = tree[D.POSTERIOR].to_dataset()
        post = post.assign(draw_paths(post, arrays, self.config, data[D.TIME].values, rng))
        names = [*SERIES, D.HIRES] if with_hires else list(SERIES)
        groups = {
            f"/{D.POSTERIOR}": post,
            f"/{D.SAMPLE_STATS}": tree[D.SAMPLE_STATS].to_dataset(),
            f"/{D.OBSERVED_DATA}": data[names].copy(deep=True),
        }
        out = xr.DataTree.from_dict(groups)
        if check:
            warn_if_unconverged(out)
        out.attrs.update(tree.attrs)
        self._fit = self._stamp(out)
        return self

    def forecast(
        self,
        horizon: int,
        *,
        scenario: Scenario | None = None,
        random_seed: RandomSeed | None = None,
    ) -> xr.DataTree:
        """Forecast vacancies, job seekers, tightness (and hires) ``horizon`` months ahead.

        Parameters
        ----------
        horizon : int
            Number of future months.
        scenario : Scenario, optional
            Hypothetical shocks, e.g. ``Shock(name="cut", start="2025-03", effect=-0.3,
            variables=("vacancies",), sectors=("Information",))``.
        random_seed : int or numpy.random.Generator, optional
            Seed of the predictive draws.

        Returns
        -------
        xarray.DataTree
            A new tree whose ``predictions`` hold ``vacancies`` and ``job_seekers``
            (with observation noise: what the data will show), ``level`` and
            ``tightness`` (latent) and, if fitted with hires, ``hires`` and
            ``matching_efficiency``.
        """
        tree = forecast_vacancies(
            self._fitted(), self.config, horizon, scenario=scenario, random_seed=random_seed
        )
        return self._stamp(tree)

    def sample_prior_predictive(
        self, data: xr.Dataset, *, draws: int = 500, random_seed: RandomSeed
    ) -> xr.DataTree:
        """Draw parameters, latent paths and the series from the prior, on ``data``'s months.

        The parameters come from their priors; the latent log levels start near the
        first year's mean of each series (the prior the model centres them on) and walk
        on with the prior's correlated innovations, seasonal and shock terms; the
        observations get the prior's noise (hires through the matching function when
        ``data`` has ``hires``). Only ``data``'s coordinates, first-year levels and
        whether it has hires are used; the model stays as it was.

        Parameters
        ----------
        data : xarray.Dataset
            A valid vacancy dataset (see :func:`talentflow.data.validate_vacancies`).
        draws : int
            Number of prior draws.
        random_seed : int or numpy.random.Generator
            Seed of the draws.

        Returns
        -------
        xarray.DataTree
            A new tree with ``prior`` (the parameters, ``trend``, ``level`` and
            ``tightness``) and ``prior_predictive`` (``vacancies``, ``job_seekers`` and,
            with hires, ``hires``; dims ``(chain, draw, time, sector)``).

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=24, random_seed=0)
        >>> prior = tf.VacancyModel().sample_prior_predictive(data, draws=50, random_seed=1)
        >>> sorted(prior.prior_predictive.data_vars)
        ['hires', 'job_seekers', 'vacancies']
        >>> dict(prior.prior.tightness.sizes)
        {'chain': 1, 'draw': 50, 'time': 24, 'sector': 2}
        """
        validate_vacancies(data)
        arrays = model_arrays(data, self.config)
        rng = as_generator(random_seed)
        names = stored_variables(self.config, D.HIRES in data)
        prior = sample_prior(
            build_vacancy_model(data, self.config),
            var_names=[n for n in names if n not in _PATHS],
            draws=draws,
            coords=model_coords(data, self.config),
            random_seed=rng,
        )
        tree = prior_paths(prior, data, self.config, arrays, rng)
        return self._stamp(tree)

    def sample_posterior_predictive(self, *, random_seed: RandomSeed) -> xr.DataTree:
        """Replicate the observed series from the posterior, for posterior predictive checks.

        Each draw's latent levels (and, with hires, its matching efficiency) get fresh
        observation noise on the data's months, so the replicates show what data the
        fitted model expects; compare them with ``observed_data`` (for example with
        ``arviz.plot_ppc_dist``).

        Returns
        -------
        xarray.DataTree
            A new tree with ``posterior_predictive`` (``vacancies``, ``job_seekers`` and,
            if fitted with hires, ``hires``; dims ``(chain, draw, time, sector)``) and
            ``observed_data``.

        Examples
        --------
        >>> import talentflow as tf
        >>> data, _ = tf.datasets.simulate_vacancies(sectors=2, n_months=24, random_seed=0)
        >>> model = tf.VacancyModel().fit(data, draws=50, tune=50, chains=2, random_seed=1,
        ...                               check=False)
        >>> ppc = model.sample_posterior_predictive(random_seed=2)
        >>> sorted(ppc.posterior_predictive.data_vars)
        ['hires', 'job_seekers', 'vacancies']
        >>> dict(ppc.posterior_predictive.vacancies.sizes)
        {'chain': 2, 'draw': 50, 'time': 24, 'sector': 2}
        """
        tree = replicate_vacancies(self._fitted(), self.config, random_seed=random_seed)
        return self._stamp(tree)

    def _summary_names(self, with_hires: bool | None = None) -> list[str]:
        """List the parameters (not the latent paths derived from them)."""
        if with_hires is None:
            with_hires = D.MATCHING_ELASTICITY in self._fitted()[D.POSTERIOR]
        names = stored_variables(self.config, with_hires)
        return [n for n in names if n not in _LATENT]
