import json
import warnings

import h5py
import numpy as np
import pytest
import xarray as xr

import talentflow as tf
from talentflow._config import config_hash
from talentflow.testing import check_model_contract
from tests.conftest import QUICK, small_panel


@pytest.mark.slow
def test_outflow_model_meets_the_contract(panel, config, tmp_path):
    model = check_model_contract(
        lambda: tf.OutflowModel(config),
        panel,
        fit_kwargs={"random_seed": 3, **QUICK},
        tmp_path=tmp_path,
    )
    fit = model.posterior_
    post = fit.posterior
    assert dict(post.shock_effect.sizes) == {"chain": 2, "draw": 150, "shock": 1, "sector": 3}
    assert post.destination_share.dims == ("chain", "draw", "sector", "destination")
    np.testing.assert_allclose(post.destination_share.sum("destination"), 1.0)
    assert "shock_decay" in post
    assert "trend" in post
    assert not any(name.endswith("_z") for name in post.data_vars)
    xr.testing.assert_identical(fit.observed_data.outflow, panel.outflow)
    assert json.loads(fit.attrs["config"])["shocks"][0]["name"] == "wave"


@pytest.mark.slow
def test_same_seed_same_posterior(panel, config, fitted):
    again = tf.OutflowModel(config).fit(panel, random_seed=5, **QUICK)
    xr.testing.assert_equal(
        again.posterior_.posterior.to_dataset(), fitted.posterior_.posterior.to_dataset()
    )


@pytest.mark.slow
def test_refit_on_new_data_reuses_the_compiled_sampler(config, fitted):
    before = tf.sampling.cache_stats()
    other = small_panel(2).assign_coords(
        time=small_panel(2).time.values + np.timedelta64(0, "D"),
        sector=["A", "B", "C"],
    )
    model = tf.OutflowModel(config).fit(other, random_seed=1, **QUICK)
    after = tf.sampling.cache_stats()
    assert after.compiles == before.compiles
    assert after.builds == before.builds
    assert after.hits == before.hits + 1
    assert list(model.posterior_.posterior.sector.values) == ["A", "B", "C"]
    assert model.posterior_.attrs["compile_seconds"] < 1.0
    # The refit used the new data: its observed group and estimates differ.
    assert not model.posterior_.observed_data.outflow.equals(
        fitted.posterior_.observed_data.outflow
    )


@pytest.mark.slow
def test_convergence_warning_names_parameters(panel, config):
    with pytest.warns(tf.ConvergenceWarning, match=r"worst: \['"):
        tf.OutflowModel(config).fit(panel, random_seed=2, draws=20, tune=20, chains=2)


@pytest.mark.slow
def test_pymc_backend(panel):
    model = tf.OutflowModel().fit(
        panel, random_seed=4, backend="pymc", draws=30, tune=30, chains=1, check=False
    )
    post = model.posterior_.posterior
    assert post.sizes["draw"] == 30
    assert model.posterior_.attrs["backend"] == "pymc"
    assert list(post.sector.values) == ["IT", "Finance", "Media"]


def test_zarr_round_trip(fitted, tmp_path):
    path = fitted.save(tmp_path / "model.zarr")
    loaded = tf.OutflowModel.load(path)
    xr.testing.assert_identical(
        loaded.posterior_.posterior.to_dataset(), fitted.posterior_.posterior.to_dataset()
    )


def test_load_rejects_other_class_tampered_config_and_old_versions(fitted, tmp_path):
    path = fitted.save(tmp_path / "model.nc")

    class OtherModel(tf.OutflowModel):
        pass

    with pytest.raises(tf.ModelFileError, match="holds a OutflowModel, not a OtherModel"):
        OtherModel.load(path)

    def rewrite(key: str, value: str) -> None:
        with h5py.File(path, "r+") as f:
            f.attrs[key] = value

    config = json.loads(fitted.posterior_.attrs["config"])
    config["trend"] = "local_linear"
    rewrite("config", json.dumps(config))
    with pytest.raises(tf.ModelFileError, match="does not match its model id"):
        tf.OutflowModel.load(path)
    rewrite("talentflow_version", "99.0.0")
    with pytest.raises(tf.ModelFileError, match=r"written by talentflow 99\.0\.0"):
        tf.OutflowModel.load(path)
    with pytest.raises(tf.ModelFileError, match="no such file"):
        tf.OutflowModel.load(tmp_path / "missing.nc")
    with pytest.raises(tf.ModelFileError, match=r"\.nc \(netCDF\) or \.zarr"):
        fitted.save(tmp_path / "model.pkl")


def test_load_reads_a_file_written_before_a_defaulted_config_field(fitted, tmp_path):
    # A file from before ``Shock.peak`` existed: its shocks have no "peak" key, and its
    # id was computed from that config.
    path = fitted.save(tmp_path / "model.nc")
    config = json.loads(fitted.posterior_.attrs["config"])
    for shock in config["shocks"]:
        del shock["peak"]
    with h5py.File(path, "r+") as f:
        f.attrs["config"] = json.dumps(config)
        f.attrs["model_id"] = config_hash("OutflowModel", config)
    loaded = tf.OutflowModel.load(path)
    assert loaded.config == fitted.config
    assert loaded.model_id == fitted.model_id


def test_posterior_is_a_copy(fitted):
    tree = fitted.posterior_
    del tree["observed_data"]
    assert "observed_data" in fitted.posterior_.children


def test_prior_predictive(panel, config):
    prior = tf.OutflowModel(config).sample_prior_predictive(panel, draws=40, random_seed=3)
    counts = prior.prior_predictive.outflow
    assert counts.dims == ("chain", "draw", "time", "sector", "destination")
    assert (counts >= 0).all()
    assert list(counts.sector.values) == ["IT", "Finance", "Media"]
    assert "shock_effect" in prior.prior
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = tf.OutflowModel(config).sample_prior_predictive(panel, draws=40, random_seed=3)
    xr.testing.assert_identical(
        again.prior_predictive.to_dataset(), prior.prior_predictive.to_dataset()
    )


def test_summary_table(fitted):
    table = fitted.summary(var_names=["shock_effect"], ci_prob=0.8)
    assert len(table) == 3
    assert any("ess" in str(c) for c in table.columns)


def test_posterior_predictive_covers_the_observed_counts(fitted, panel):
    ppc = fitted.sample_posterior_predictive(random_seed=4)
    rep = ppc.posterior_predictive.outflow
    assert rep.dims == ("chain", "draw", "time", "sector", "destination")
    lo, hi = rep.quantile([0.05, 0.95], dim=("chain", "draw"))
    observed = panel.outflow
    seen = observed.notnull()
    inside = ((observed >= lo) & (observed <= hi)).where(seen)
    rate = float(inside.sum() / seen.sum())
    assert 0.8 <= rate <= 1.0
    xr.testing.assert_identical(ppc.observed_data.outflow, panel.outflow)
    again = fitted.sample_posterior_predictive(random_seed=4)
    xr.testing.assert_identical(
        again.posterior_predictive.to_dataset(), ppc.posterior_predictive.to_dataset()
    )
