"""What every talentflow model shares: config storage, fitted state, save and load."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import xarray as xr

from talentflow._config import config_hash, from_dict, to_dict
from talentflow._typing import RandomSeed
from talentflow._version import __version__
from talentflow.exceptions import ConfigError, ModelFileError, NotFittedError
from talentflow.sampling import SamplerOptions, sample, structure_key


def package_version() -> str:
    """Return the installed talentflow version."""
    return __version__


def _compatible(saved: str, current: str) -> bool:
    """Tell whether a file's version is readable: same major, and same minor while major is 0."""
    s, c = saved.split(".")[:2], current.split(".")[:2]
    return s[0] == c[0] and (c[0] != "0" or s[1] == c[1])


class BayesianModel[C]:
    """Base of the model classes: stores a frozen config, holds the fit, saves and loads.

    Subclasses set ``config_type`` and implement ``fit`` and ``forecast``.
    """

    config_type: ClassVar[type[Any]]

    def __init__(self, config: C | None = None) -> None:
        if config is None:
            config = self.config_type()
        if not isinstance(config, self.config_type):
            raise ConfigError(
                f"{type(self).__name__} needs a {self.config_type.__name__}, got "
                f"{type(config).__name__}"
            )
        self._config: C = config
        self._fit: xr.DataTree | None = None

    def __repr__(self) -> str:
        state = "fitted" if self._fit is not None else "not fitted"
        return f"{type(self).__name__}({self._config!r}) [{state}]"

    @property
    def config(self) -> C:
        """The frozen configuration."""
        return self._config

    @property
    def model_id(self) -> str:
        """A hash of the model class and configuration (checked on load)."""
        return config_hash(type(self).__name__, self._config)

    @property
    def is_fitted(self) -> bool:
        """Whether ``fit`` has run."""
        return self._fit is not None

    @property
    def posterior_(self) -> xr.DataTree:
        """The fit: ``posterior``, ``sample_stats``, ``observed_data`` and ``constant_data``.

        A shallow copy, so restructuring it never touches the model.
        """
        return self._fitted().copy()

    def _fitted(self) -> xr.DataTree:
        if self._fit is None:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit(data) first")
        return self._fit

    def _stamp(self, tree: xr.DataTree) -> xr.DataTree:
        """Record the package version, model class, id and config in a tree's attrs."""
        tree.attrs.update(
            talentflow_version=package_version(),
            model_class=type(self).__name__,
            model_id=self.model_id,
            config=json.dumps(to_dict(self._config)),
        )
        return tree

    def _sample(
        self,
        *,
        build: Callable[[], Any],
        arrays: Mapping[str, np.ndarray],
        coords: Mapping[str, np.ndarray],
        var_names: Sequence[str],
        options: SamplerOptions,
        random_seed: RandomSeed,
        structure: tuple[object, ...] = (),
    ) -> xr.DataTree:
        """Sample through the compiled core, keyed by class, coordinate sizes and config.

        ``structure`` adds whatever else shapes the graph (never data values).
        """
        sizes = tuple(len(v) for v in coords.values())
        key = structure_key(
            type(self).__name__, sizes, *structure, json.dumps(to_dict(self._config))
        )
        return sample(
            key=key,
            build=build,
            data=arrays,
            coords=coords,
            var_names=var_names,
            options=options,
            random_seed=random_seed,
        )

    def summary(self, *, var_names: list[str] | None = None, ci_prob: float = 0.9) -> Any:
        """Return ArviZ's posterior summary table (mean, sd, interval, ESS, R-hat).

        Parameters
        ----------
        var_names : list of str, optional
            Posterior variables to summarise (default: the model's parameters).
        ci_prob : float
            Probability of the credible interval.

        Returns
        -------
        pandas.DataFrame
        """
        import arviz_stats

        names = var_names if var_names is not None else self._summary_names()
        return arviz_stats.summary(self._fitted(), var_names=names, ci_prob=ci_prob)

    def _summary_names(self) -> list[str] | None:
        """Default variables of :meth:`summary` (``None``: all of the posterior)."""
        return None

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to ``path``: netCDF (``.nc``) or zarr (``.zarr``).

        The file holds the fit's groups and, in its attrs, the config as JSON, the
        package version and the model id. No pickle is involved.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        tree = self._fitted()
        path = Path(path)
        if path.suffix == ".zarr":
            tree.to_zarr(path, mode="w", consolidated=False)
        elif path.suffix in (".nc", ".h5", ".netcdf"):
            tree.to_netcdf(path, engine="h5netcdf", mode="w")
        else:
            raise ModelFileError(f"{path}: use a .nc (netCDF) or .zarr suffix")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a model written by :meth:`save`, checking class, id and version.

        Raises
        ------
        ModelFileError
            If the file is of another model class, from an incompatible version, or
            its config does not match its model id.
        """
        path = Path(path)
        if not path.exists():
            raise ModelFileError(f"{path}: no such file")
        options: dict[str, Any] = (
            {"engine": "zarr", "consolidated": False}
            if path.suffix == ".zarr"
            else {"engine": "h5netcdf"}
        )
        with xr.open_datatree(path, **options) as stored:
            tree = stored.load().copy()
        attrs = tree.attrs
        missing = {"talentflow_version", "model_class", "model_id", "config"} - set(attrs)
        if missing:
            raise ModelFileError(f"{path}: not a talentflow model file (no {sorted(missing)})")
        if attrs["model_class"] != cls.__name__:
            raise ModelFileError(f"{path}: holds a {attrs['model_class']}, not a {cls.__name__}")
        if not _compatible(str(attrs["talentflow_version"]), package_version()):
            raise ModelFileError(
                f"{path}: written by talentflow {attrs['talentflow_version']}, which this "
                f"version ({package_version()}) cannot read"
            )
        try:
            stored_config = json.loads(str(attrs["config"]))
        except ValueError as err:
            raise ModelFileError(f"{path}: its config cannot be read: {err}") from err
        # The id is checked against the config as written, so a file keeps loading when
        # a later version adds a config field with a default (the model's own id then
        # covers that field too).
        if config_hash(cls.__name__, stored_config) != attrs["model_id"]:
            raise ModelFileError(
                f"{path}: its config does not match its model id {attrs['model_id']} "
                "(the file was altered or corrupted)"
            )
        try:
            model = cls(from_dict(cls.config_type, stored_config))
        except (ConfigError, TypeError, ValueError) as err:
            raise ModelFileError(f"{path}: its config cannot be read: {err}") from err
        model._fit = tree
        return model
