import json

import numpy as np
import pytest

import talentflow as tf
from talentflow._config import config_hash, from_dict, to_dict


def test_shock_normalises_start_to_month():
    assert tf.Shock(name="m", start="2022-09-21").start == "2022-09"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "", "start": "2022-01"}, "non-empty"),
        ({"name": "x", "start": "not a date"}, "is not a date"),
        ({"name": "x", "start": "2022-01", "decay": 1.0}, r"decay must be in \[0, 1\)"),
        ({"name": "x", "start": "2022-01", "effect": 1.0, "like": "y"}, "either effect or like"),
        ({"name": "x", "start": "2022-01", "peak": "soon"}, "peak 'soon' is not a date"),
        ({"name": "x", "start": "2022-03", "peak": "2022-02"}, "peaks at or after its start"),
    ],
)
def test_shock_rejects_bad_fields(kwargs, match):
    with pytest.raises(tf.ConfigError, match=match):
        tf.Shock(**kwargs)


def test_shock_peak_is_a_month_and_fitted_shocks_may_ramp():
    shock = tf.Shock(name="r", start="2007-12-01", peak="2009-06-30")
    assert (shock.peak, shock.ramp, shock.is_hypothetical) == ("2009-06", 19, False)
    assert tf.OutflowConfig(shocks=(shock,)).shocks == (shock,)
    with pytest.raises(tf.ConfigError, match="waves must be plain"):
        tf.ReturnConfig(waves=(shock,))


def test_config_rejects_duplicate_and_hypothetical_shocks():
    with pytest.raises(tf.ConfigError, match="unique"):
        tf.OutflowConfig(shocks=(tf.Shock(name="a", start="2022-01"),) * 2)
    with pytest.raises(tf.ConfigError, match="are for forecast scenarios"):
        tf.OutflowConfig(shocks=(tf.Shock(name="a", start="2022-01", effect=1.0),))
    with pytest.raises(tf.ConfigError, match="trend must be"):
        tf.OutflowConfig(trend="spline")  # type: ignore[arg-type]


def test_priors_validate_their_parameters():
    with pytest.raises(tf.ConfigError, match=r"HalfNormal\.sigma"):
        tf.HalfNormal(sigma=-1.0)
    with pytest.raises(tf.ConfigError, match=r"Normal\.mu must be finite"):
        tf.Normal(mu=float("nan"))


def test_config_round_trips_through_json():
    config = tf.OutflowConfig(
        shocks=(
            tf.Shock(name="invasion", start="2022-03"),
            tf.Shock(name="slump", start="2022-05", peak="2022-08"),
        ),
        trend="local_linear",
        priors=tf.OutflowPriors(baseline_mean=tf.Normal(mu=-5.0, sigma=1.0), trend_spread=0.2),
    )
    text = json.dumps(to_dict(config))
    assert from_dict(tf.OutflowConfig, json.loads(text)) == config


def test_from_dict_rejects_unknown_fields():
    with pytest.raises(tf.ConfigError, match="unknown field"):
        from_dict(tf.OutflowConfig, {"trend": "random_walk", "shockz": []})


def test_model_id_depends_on_config_and_class():
    a = config_hash("OutflowModel", tf.OutflowConfig())
    b = config_hash("OutflowModel", tf.OutflowConfig(trend="local_linear"))
    c = config_hash("OtherModel", tf.OutflowConfig())
    assert len({a, b, c}) == 3
    assert tf.OutflowModel().model_id == a


def test_model_rejects_wrong_config_type():
    with pytest.raises(tf.ConfigError, match="needs a OutflowConfig"):
        tf.OutflowModel(tf.OutflowPriors())  # type: ignore[arg-type]


def test_sampler_options_are_checked_before_sampling(panel):
    with pytest.raises(tf.ConfigError, match="draws must be a positive integer"):
        tf.OutflowModel().fit(panel, random_seed=1, draws=0)
    with pytest.raises(tf.ConfigError, match="backend"):
        tf.OutflowModel().fit(panel, random_seed=1, backend="stan")  # type: ignore[arg-type]
    with pytest.raises(tf.ConfigError, match="random_seed"):
        tf.OutflowModel().fit(panel, random_seed="x")  # type: ignore[arg-type]


def test_data_errors_come_before_any_sampling(panel):
    before = tf.sampling.cache_stats()
    with pytest.raises(tf.DataError):
        tf.OutflowModel().fit(panel.assign(workforce=-panel.workforce), random_seed=1)
    config = tf.OutflowConfig(shocks=(tf.Shock(name="late", start="2030-01"),))
    with pytest.raises(tf.DataError, match="outside the data's months"):
        tf.OutflowModel(config).fit(panel, random_seed=1)
    assert tf.sampling.cache_stats() == before


def test_whole_number_settings_accept_numpy_integers_and_store_ints(tmp_path):
    options = tf.sampling.SamplerOptions(draws=np.int64(10), tune=np.int64(0), chains=2)
    assert (type(options.draws), type(options.tune)) == (int, int)
    config = tf.ReturnConfig(months_abroad=np.int64(24))
    assert type(config.months_abroad) is int
    assert tf.ReturnConfig(months_abroad=24) == config  # so the saved JSON is plain
    with pytest.raises(tf.ConfigError, match="months_abroad must be a positive integer"):
        tf.ReturnConfig(months_abroad=True)
