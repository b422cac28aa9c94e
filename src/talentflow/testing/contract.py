"""A checker of the model contract every talentflow model and baseline follows.

Use it in a test of any new model: ``check_model_contract(factory, data, ...)``
raises ``AssertionError`` naming the first broken rule.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow.exceptions import ConfigError, NotFittedError


def _keyword_only_after_data(method: Callable[..., Any], n_positional: int) -> None:
    params = list(inspect.signature(method).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert len(positional) <= n_positional, (
        f"{method.__qualname__}: only the first {n_positional} argument(s) may be positional, "
        f"got {[p.name for p in positional]}"
    )
    assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params), (
        f"{method.__qualname__}: no *args / **kwargs on the public surface"
    )


_PRIOR = {"draws": 20, "random_seed": 0}


def _check_refused(
    method: Callable[..., object], bad: Mapping[str, object], *args: Any, **kwargs: Any
) -> None:
    """Check that ``method`` refuses the one wrong argument in ``bad``, naming it.

    ``method`` is called with ``args`` and ``kwargs`` updated by ``bad`` and must raise
    ``ConfigError`` whose message names the argument.
    """
    (name,) = bad
    message = ""
    try:
        method(*args, **{**kwargs, **bad})
    except ConfigError as err:
        message = str(err)
    assert name in message, f"{name}={bad[name]!r} must raise a ConfigError naming {name}"


def _check_predictive(model: Any, data: xr.Dataset, posterior: xr.Dataset) -> None:
    """Check ``sample_prior_predictive`` and ``sample_posterior_predictive`` if present."""
    before = data.copy(deep=True)
    draws: list[tuple[str, Callable[[int], xr.DataTree]]] = []
    if hasattr(model, "sample_prior_predictive"):
        _keyword_only_after_data(type(model).sample_prior_predictive, 2)
        for bad in ({"draws": 0}, {"draws": 2.5}, {"random_seed": -1}):
            _check_refused(model.sample_prior_predictive, bad, data, **_PRIOR)
        draws.append(
            (
                D.PRIOR_PREDICTIVE,
                lambda seed: model.sample_prior_predictive(data, **{**_PRIOR, "random_seed": seed}),
            )
        )
    if hasattr(model, "sample_posterior_predictive"):
        _keyword_only_after_data(type(model).sample_posterior_predictive, 1)
        _check_refused(model.sample_posterior_predictive, {"random_seed": 1.5})
        draws.append(
            (
                D.POSTERIOR_PREDICTIVE,
                lambda seed: model.sample_posterior_predictive(random_seed=seed),
            )
        )
    for group, draw in draws:
        tree = draw(5)
        assert group in tree.children, f"{group} draws lack the {group!r} group"
        replicas = tree[group].to_dataset()
        assert replicas.data_vars, f"{group} holds no variables"
        for name, da in replicas.data_vars.items():
            assert da.dims[:3] == (*D.SAMPLE_DIMS, D.TIME), f"{group} {name}: dims {da.dims}"
            np.testing.assert_array_equal(da[D.TIME].values, data[D.TIME].values)
        xr.testing.assert_identical(draw(5)[group].to_dataset(), replicas)
        xr.testing.assert_identical(data, before)
        xr.testing.assert_identical(model.posterior_[D.POSTERIOR].to_dataset(), posterior)


def check_model_contract(
    factory: Callable[[], Any],
    data: xr.Dataset,
    *,
    fit_kwargs: Mapping[str, Any],
    tmp_path: Path,
    horizon: int = 3,
    prediction_variable: str = D.OUTFLOW,
) -> Any:
    """Check one model class against the contract; return the fitted model.

    Checks: keyword-only public signatures; a not-fitted model raises
    ``NotFittedError``; ``fit`` returns the model and leaves ``data`` untouched;
    ``posterior_`` has the required groups with ``(chain, draw)`` first and the
    input's labels; prior and posterior predictive draws (where the model has them)
    come in their groups on the data's months, reproducibly, altering neither the data
    nor the fit, and a prior draw count that is not a positive integer raises
    ``ConfigError`` naming ``draws``, as does a ``random_seed`` that is not a
    non-negative int, a generator or ``None`` (here and in ``forecast``); forecasts
    label future months, are reproducible for a seed and do not alter the fit;
    save/load round-trips to identical forecasts.
    """
    model = factory()
    _keyword_only_after_data(type(model).fit, 2)
    _keyword_only_after_data(type(model).forecast, 2)
    attempts: tuple[Callable[[], object], ...] = (
        lambda: model.posterior_,
        lambda: model.forecast(horizon, random_seed=0),
        lambda: model.save(tmp_path / "unfitted.nc"),
    )
    for attempt in attempts:
        try:
            attempt()
        except NotFittedError:
            pass
        else:
            raise AssertionError("an unfitted model must raise NotFittedError")

    before = data.copy(deep=True)
    returned = model.fit(data, **fit_kwargs)
    assert returned is model, "fit must return the model itself"
    xr.testing.assert_identical(data, before)

    fit = model.posterior_
    for group in (D.POSTERIOR, D.SAMPLE_STATS, D.OBSERVED_DATA):
        assert group in fit.children, f"posterior_ lacks the {group!r} group"
    for name, da in fit[D.POSTERIOR].to_dataset().data_vars.items():
        assert da.dims[:2] == D.SAMPLE_DIMS, f"{name}: sample dims must come first, got {da.dims}"
    posterior = fit[D.POSTERIOR].to_dataset()
    for dim in (D.TIME, D.SECTOR):
        if dim in posterior.dims:
            np.testing.assert_array_equal(posterior[dim].values, data[dim].values)

    _check_predictive(model, data, posterior)

    _check_refused(model.forecast, {"random_seed": "11"}, horizon)
    fc1 = model.forecast(horizon, random_seed=11)
    fit_after = model.posterior_
    xr.testing.assert_identical(fit_after[D.POSTERIOR].to_dataset(), posterior)
    fc2 = model.forecast(horizon, random_seed=11)
    pred = fc1[D.PREDICTIONS].to_dataset()[prediction_variable]
    xr.testing.assert_identical(pred, fc2[D.PREDICTIONS].to_dataset()[prediction_variable])
    assert pred.dims[:3] == (*D.SAMPLE_DIMS, D.TIME), f"prediction dims {pred.dims}"
    last = np.datetime64(data[D.TIME].values[-1], "M")
    months = pred[D.TIME].values.astype("datetime64[M]")
    expected = last + np.arange(1, horizon + 1)
    np.testing.assert_array_equal(months, expected)

    path = model.save(tmp_path / "model.nc")
    loaded = type(model).load(path)
    assert loaded.config == model.config, "load must restore the config"
    reloaded = loaded.forecast(horizon, random_seed=11)[D.PREDICTIONS].to_dataset()
    xr.testing.assert_allclose(reloaded[prediction_variable], pred)
    return model
