import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import talentflow as tf
from talentflow.data import (
    outflow_from_frames,
    outflow_to_frames,
    validate_outflow,
    validate_vacancies,
)
from talentflow.testing import (
    corrupted_outflow_datasets,
    corrupted_vacancy_datasets,
    outflow_datasets,
    vacancy_datasets,
)


@given(outflow_datasets())
def test_validator_accepts_every_valid_dataset(ds):
    snapshot = ds.copy(deep=True)
    assert validate_outflow(ds) is ds
    xr.testing.assert_identical(ds, snapshot)


@given(corrupted_outflow_datasets())
def test_validator_rejects_every_corruption_naming_the_variable(case):
    ds, corruption = case
    with pytest.raises(tf.DataError) as info:
        validate_outflow(ds)
    assert any(p.startswith(f"{corruption.variable}:") for p in info.value.problems), (
        corruption.name,
        info.value.problems,
    )


@given(outflow_datasets())
def test_frames_round_trip_exactly(ds):
    frames = outflow_to_frames(ds)
    back = outflow_from_frames(
        frames.outflow, workforce=frames.workforce, outflow_total=frames.outflow_total
    )
    xr.testing.assert_identical(back, ds)


@given(outflow_datasets(), st.randoms(use_true_random=False))
def test_validation_does_not_depend_on_label_order(ds, random):
    order = list(range(ds.sizes["sector"]))
    random.shuffle(order)
    validate_outflow(ds.isel(sector=order))
    assert np.isfinite(ds.workforce.values).all()


@given(vacancy_datasets())
def test_vacancy_validator_accepts_every_valid_dataset(ds):
    snapshot = ds.copy(deep=True)
    assert validate_vacancies(ds) is ds
    xr.testing.assert_identical(ds, snapshot)


@given(corrupted_vacancy_datasets())
def test_vacancy_validator_rejects_every_corruption_naming_the_variable(case):
    ds, corruption = case
    with pytest.raises(tf.DataError) as info:
        validate_vacancies(ds)
    assert any(p.startswith(f"{corruption.variable}:") for p in info.value.problems), (
        corruption.name,
        info.value.problems,
    )
