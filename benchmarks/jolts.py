"""Forecast skill on real data: rolling-origin backtests on the US JOLTS/CPS panel.

The 9 industries with both job openings and unemployed, cutoffs every 6 months from
2015-01 to 2024-07, 12 months ahead, for vacancies and job seekers. For now the
statsmodels baselines only: they are the yardstick the vacancy model (issue 4, not yet
built) must beat by its targets (mean CRPS at horizons 6-12 <= 0.9x the best baseline's;
80% intervals covering 75-85%).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import talentflow as tf
from talentflow.baselines import BaselineConfig, StatsmodelsBaseline
from talentflow.evaluation import backtest, summarize

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "us_jolts_cps" / "fred"
CUTOFFS = pd.date_range("2015-01-01", "2024-07-01", freq="6MS")
VARIABLES = ["vacancies", "job_seekers"]
BASELINES = {
    "ETS (damped trend, seasonal)": BaselineConfig(kind="ets", seasonal_periods=12, paths=300),
    "UC local linear trend (seasonal)": BaselineConfig(
        kind="local_linear_trend", seasonal_periods=12, paths=300
    ),
}


def run_skill(seed: int) -> tuple[dict[str, Any], str] | None:
    """Backtest every baseline; ``None`` when the shared data folder is absent."""
    if not FOLDER.is_dir():
        print(f"jolts: {FOLDER} not found; skipped")
        return None
    data = tf.datasets.load_us_jolts_cps(FOLDER)[VARIABLES]
    rows: dict[str, Any] = {}
    for label, config in BASELINES.items():
        scores = backtest(
            lambda config=config: StatsmodelsBaseline(config),
            data,
            cutoffs=CUTOFFS,
            horizon=12,
            variables=VARIABLES,
            random_seed=seed,
        )
        by_h = summarize(scores, over=["cutoff", "sector"])
        late = summarize(scores.sel(horizon=slice(6, 12)), over=["cutoff", "sector", "horizon"])
        rows[label] = {
            "crps_h6_12": {v: float(late.crps.sel(variable=v)) for v in VARIABLES},
            "coverage_80_h6_12": {
                v: float(late.covered.sel(variable=v, interval=0.8)) for v in VARIABLES
            },
            "crps_by_horizon": {
                v: [float(x) for x in by_h.crps.sel(variable=v).values] for v in VARIABLES
            },
        }
    result = {"cutoffs": len(CUTOFFS), "horizon": 12, "sectors": 9, "models": rows}
    return result, markdown(result)


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"US JOLTS/CPS, 9 industries, {r['cutoffs']} cutoffs (every 6 months, 2015-01 to "
        "2024-07), 12 months ahead. Mean CRPS (thousands of persons) and coverage of the 80% "
        "intervals over horizons 6-12, all cutoffs and industries.",
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
    lines += [
        "",
        "The vacancy model is not built yet (issue 4); its row and the CRPS ratio against "
        "the best baseline will join this table.",
        "",
    ]
    return "\n".join(lines)
