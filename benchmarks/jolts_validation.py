"""Model selection on earlier data: the JOLTS/CPS backtest on the validation cutoffs.

The vacancy model's dynamics were chosen here, on cutoffs every 6 months from 2010-01
to 2014-07 (before the test cutoffs of ``jolts.py``), with the same window and horizon
but fewer draws: each candidate ``trend`` and the statsmodels baselines, scored by mean
CRPS and 80% coverage over horizons 6-12. So is whether to name the 2008-09 recession, which
lies in every validation window, as a shock that builds up to its trough, each
series' ``innovation_count_power`` (0 or 0.5, chosen by that series' CRPS) and, on top
of that choice, the job seekers' ``observation_count_power`` (0 or 0.5, by their CRPS
over horizons 1-12: the month's noise sets the near-term intervals). Last, that
configuration with ``trend="integrated_ar1"``, and with ``shock_fading="slowing"``, each
kept if the mean over the two series of its CRPS ratio over horizons 1-12 is below 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import pandas as pd
from jolts import (
    BASELINES,
    COUNT_POWER,
    OBSERVATION_POWER,
    RECESSION,
    WINDOW,
    backtests,
    headline,
    headline_table,
    load_panel,
    training,
    vacancy_model,
)

from talentflow._typing import VacancyTrend

CUTOFFS = pd.date_range("2010-01-01", "2014-07-01", freq="6MS")
#: Fewer draws than the test benchmark's ``jolts.FIT``, for the 8 candidates x 10 cutoffs.
FIT = {"draws": 400, "tune": 400, "chains": 2, "check": False}
#: Exponents ``innovation_count_power`` (vacancies, job seekers) tried with the recession.
COUNT_POWERS = ((0.0, 0.5), (0.5, 0.5))


def candidates() -> dict[str, Callable[[pd.Timestamp], Any]]:
    """Each candidate vacancy model, a factory of the cutoff, by its label."""
    models: dict[str, Callable[[pd.Timestamp], Any]] = {
        f'VacancyModel (trend="{trend}")': lambda cutoff, trend=trend: vacancy_model(
            cutoff, (), trend=trend
        )
        for trend in get_args(VacancyTrend)
    }
    models['VacancyModel (trend="local_level", recession shock)'] = lambda cutoff: vacancy_model(
        cutoff, (RECESSION,)
    )
    for power in COUNT_POWERS:
        label = f"VacancyModel (recession shock, innovation_count_power={power})"
        models[label] = lambda cutoff, power=power: vacancy_model(
            cutoff, (RECESSION,), innovation_count_power=power
        )
    # The job seekers' observation noise scaled too, on top of the chosen innovations
    # (the configuration ``jolts.py`` tests); then that with the integrated AR(1) trend,
    # and with shocks whose decay slows with age.
    for variant in ({}, {"trend": "integrated_ar1"}, {"shock_fading": "slowing"}):
        named = "".join(f'{key}="{value}", ' for key, value in variant.items())
        label = (
            f"VacancyModel ({named}recession shock, innovation_count_power={COUNT_POWER}, "
            f"observation_count_power={OBSERVATION_POWER})"
        )
        models[label] = lambda cutoff, variant=variant: vacancy_model(
            cutoff,
            (RECESSION,),
            innovation_count_power=COUNT_POWER,
            observation_count_power=OBSERVATION_POWER,
            **variant,
        )
    return models


def run_skill(seed: int) -> tuple[dict[str, Any], str] | None:
    """Backtest each candidate dynamics and baseline; ``None`` when the data are absent."""
    data = load_panel("jolts_validation")
    if data is None:
        return None
    models = candidates()
    scores = backtests(data, CUTOFFS, seed, models, FIT)
    rows = {label: headline(scores[label]) for label in [*models, *BASELINES]}
    result = {"cutoffs": len(CUTOFFS), "window_months": WINDOW, "fit": FIT, "models": rows}
    return result, markdown(result)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"Validation cutoffs: US JOLTS/CPS, 9 industries, {r['cutoffs']} cutoffs (every 6 "
        "months, 2010-01 to 2014-07), 12 months ahead; mean CRPS (thousands of persons) and "
        f"80% coverage over horizons 6-12. The vacancy model trains on {training(r)}, "
        "without a shock or with the recession "
        f"({RECESSION.start} to {RECESSION.peak}, NBER dates) as one that builds up to its "
        "trough, and with the recession and each series' innovation sd (and then the "
        "job seekers' observation noise) scaled by its count (`innovation_count_power`, "
        "`observation_count_power`), and last that with the integrated AR(1) trend and "
        'with shocks whose decay slows with age (`shock_fading="slowing"`); the '
        "baselines on the whole history.",
        "",
        *headline_table(r["models"]),
        "",
        "Over horizons 1-12:",
        "",
        *headline_table(r["models"], "h1_12"),
        "",
    ]
    return "\n".join(lines)
