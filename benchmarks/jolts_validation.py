"""Model selection on earlier data: the JOLTS/CPS backtest on the validation cutoffs.

The vacancy model's dynamics were chosen here, on cutoffs every 6 months from 2010-01
to 2014-07 (before the test cutoffs of ``jolts.py``), with the same window, draws and
horizon: each candidate ``trend`` and the statsmodels baselines, scored by mean CRPS
and 80% coverage over horizons 6-12.
"""

from __future__ import annotations

from typing import Any, get_args

import pandas as pd
from jolts import BASELINES, FIT, FOLDER, LATE, VARIABLES, WINDOW

import talentflow as tf
from talentflow._typing import VacancyTrend
from talentflow.baselines import StatsmodelsBaseline
from talentflow.evaluation import backtest, summarize

CUTOFFS = pd.date_range("2010-01-01", "2014-07-01", freq="6MS")


def _scores(scores: Any) -> dict[str, dict[str, float]]:
    late = summarize(scores.sel(horizon=LATE), over=["cutoff", "sector", "horizon"])
    return {
        "crps_h6_12": {v: float(late.crps.sel(variable=v)) for v in VARIABLES},
        "coverage_80_h6_12": {
            v: float(late.covered.sel(variable=v, interval=0.8)) for v in VARIABLES
        },
    }


def run_skill(seed: int) -> tuple[dict[str, Any], str] | None:
    """Backtest each candidate dynamics and baseline; ``None`` when the data are absent."""
    if not FOLDER.is_dir():
        print(f"jolts_validation: {FOLDER} not found; skipped")
        return None
    data = tf.datasets.load_us_jolts_cps(FOLDER)[VARIABLES]
    common = {"cutoffs": CUTOFFS, "horizon": 12, "variables": VARIABLES, "random_seed": seed}
    rows = {
        f'VacancyModel (trend="{trend}")': _scores(
            backtest(
                lambda _, trend=trend: tf.VacancyModel(tf.VacancyConfig(trend=trend)),
                data,
                window=WINDOW,
                fit_kwargs=FIT,
                **common,
            )
        )
        for trend in get_args(VacancyTrend)
    }
    for label, config in BASELINES.items():
        baseline = backtest(lambda _, config=config: StatsmodelsBaseline(config), data, **common)
        rows[label] = _scores(baseline)
    result = {"cutoffs": len(CUTOFFS), "window_months": WINDOW, "fit": FIT, "models": rows}
    return result, markdown(result)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"Validation cutoffs: US JOLTS/CPS, 9 industries, {r['cutoffs']} cutoffs (every 6 "
        "months, 2010-01 to 2014-07), 12 months ahead; mean CRPS (thousands of persons) and "
        "80% coverage over horizons 6-12. The vacancy model trains on the last "
        f"{r['window_months']} months before each cutoff ({r['fit']['draws']} draws x "
        f"{r['fit']['chains']} chains), with no shock (none in these windows); the baselines "
        "on the whole history.",
        "",
        "| model | CRPS vacancies | CRPS job seekers | 80% coverage vacancies | "
        "80% coverage job seekers |",
        "|---|---|---|---|---|",
    ]
    for label, m in r["models"].items():
        c, k = m["crps_h6_12"], m["coverage_80_h6_12"]
        lines.append(
            f"| {label} | {c['vacancies']:.1f} | {c['job_seekers']:.1f} | "
            f"{k['vacancies']:.0%} | {k['job_seekers']:.0%} |"
        )
    lines.append("")
    return "\n".join(lines)
