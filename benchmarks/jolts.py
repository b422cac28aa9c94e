"""Forecast skill on real data: rolling-origin backtests on the US JOLTS/CPS panel.

The 9 industries with both job openings and unemployed, cutoffs every 6 months from
2015-01 to 2024-07, 12 months ahead, for vacancies and job seekers: the vacancy model
against the statsmodels baselines. Targets (issue 4): mean CRPS at horizons 6-12 at
most 0.9x the best baseline's; 80% intervals covering 75-85% of outcomes.

The vacancy model is trained on the last 8 years before each cutoff (so its compiled
sampler is reused), with a named shock in its config once the shock has peaked, as
long as its peak is in the window (it may start before it): what an analyst knew at the
cutoff and what the model can fit. The baselines see the whole history.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

import talentflow as tf
from talentflow.baselines import BaselineConfig, StatsmodelsBaseline
from talentflow.evaluation import backtest, relative_crps, resample_cutoffs, summarize

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "us_jolts_cps" / "fred"
CUTOFFS = pd.date_range("2015-01-01", "2024-07-01", freq="6MS")
VARIABLES = ["vacancies", "job_seekers"]
LATE = slice(6, 12)
#: The headline spans of horizons, by their key suffix.
SPANS = {"h6_12": LATE, "h1_12": slice(None)}
#: Dims a headline score pools over.
POOLED = ["cutoff", "sector", "horizon"]
#: The cutoffs whose next 12 months hold the pandemic: nothing before them announced it.
PRE_PANDEMIC = pd.to_datetime(["2019-07-01", "2020-01-01"])
WINDOW = 96
PANDEMIC = tf.Shock(name="pandemic", start="2020-04")
#: The 2007-12 to 2009-06 recession (NBER dates), building up to its trough.
RECESSION = tf.Shock(name="recession", start="2007-12", peak="2009-06")
#: ``innovation_count_power`` and ``observation_count_power`` (vacancies, job seekers),
#: each chosen on the validation cutoffs.
COUNT_POWER = (0.0, 0.5)
OBSERVATION_POWER = (0.0, 0.5)
MODEL = (
    "VacancyModel (local level, seasonal, recession and pandemic shocks, "
    f"innovation_count_power={COUNT_POWER}, observation_count_power={OBSERVATION_POWER})"
)
#: The library's default draws and tuning, on 2 chains (the machine's 2 cores).
FIT = {"draws": 1000, "tune": 1000, "chains": 2, "check": False}
BASELINES = {
    "ETS (damped trend, seasonal)": BaselineConfig(kind="ets", seasonal_periods=12, paths=300),
    "UC local linear trend (seasonal)": BaselineConfig(
        kind="local_linear_trend", seasonal_periods=12, paths=300
    ),
}
#: Resamples of whole cutoffs behind the targets' 90% bootstrap intervals.
RESAMPLES = 2000
TARGETS = {"crps_ratio_h6_12": "<= 0.9", "coverage_80_h6_12": "0.75 .. 0.85"}


def vacancy_model(
    cutoff: pd.Timestamp, shocks: tuple[tf.Shock, ...] = (RECESSION, PANDEMIC), **config: Any
) -> tf.VacancyModel:
    """The model as of ``cutoff``, with those of ``shocks`` that peak in its window."""
    first = cutoff - pd.DateOffset(months=WINDOW - 1)
    known = tuple(s for s in shocks if first <= pd.Timestamp(s.peak or s.start) <= cutoff)
    return tf.VacancyModel(tf.VacancyConfig(shocks=known, **config))


def headline(scores: xr.Dataset) -> dict[str, Any]:
    """Mean CRPS and 80% coverage at horizons 6-12 and 1-12 (all cutoffs, sectors); fits."""
    out: dict[str, Any] = {}
    for span, horizons in SPANS.items():
        mean = summarize(scores.sel(horizon=horizons), over=POOLED)
        out[f"crps_{span}"] = {v: float(mean.crps.sel(variable=v)) for v in VARIABLES}
        out[f"coverage_80_{span}"] = {v: float(_cover80(mean, v)) for v in VARIABLES}
    return {**out, "fits": convergence(scores)}


def _cover80(summary: xr.Dataset, variable: str) -> xr.DataArray:
    """Coverage of the 80% intervals of ``variable`` in a :func:`summarize` result."""
    return summary.covered.sel(variable=variable, interval=0.8)


def _has_fit_checks(scores: xr.Dataset) -> bool:
    """Whether the model kept fit checks (the baselines' are NaN)."""
    return bool(np.isfinite(scores.min_ess_bulk.values).any())


def convergence(scores: xr.Dataset) -> dict[str, float] | None:
    """Each cutoff's worst bulk ESS (median and lowest), worst R-hat, divergences; or None."""
    if not _has_fit_checks(scores):
        return None
    ess = scores.min_ess_bulk.values
    return {
        "min_ess_bulk_median": float(np.median(ess)),
        "min_ess_bulk_lowest": float(ess.min()),
        "max_rhat": float(scores.max_rhat.max()),
        "divergences": int(scores.divergences.sum()),
    }


def training(r: dict[str, Any]) -> str:
    """How the vacancy model of result ``r`` trains: its window and draws."""
    return (
        f"the last {r['window_months']} months before each cutoff ({r['fit']['draws']} draws "
        f"x {r['fit']['chains']} chains)"
    )


def headline_table(models: dict[str, Any], span: str = "h6_12") -> list[str]:
    """Markdown rows of :func:`headline` at horizons ``span`` (with the fits' checks at 6-12)."""
    fits = span == "h6_12"
    head = "| model | CRPS vacancies | CRPS job seekers | 80% coverage vacancies | 80% coverage "
    head += "job seekers |"
    if fits:
        head += " fits: lowest bulk ESS, median (worst) | fits: R-hat up to | fits: divergences |"
    lines = [head, "|---|---|---|---|---|" + "---|---|---|" * fits]
    for label, m in models.items():
        if f"crps_{span}" not in m:
            continue
        c, k, f = m[f"crps_{span}"], m[f"coverage_80_{span}"], m["fits"]
        row = (
            f"| {label} | {c['vacancies']:.1f} | {c['job_seekers']:.1f} | "
            f"{k['vacancies']:.0%} | {k['job_seekers']:.0%} |"
        )
        if fits:
            row += (
                f" {f['min_ess_bulk_median']:.0f} ({f['min_ess_bulk_lowest']:.0f}) | "
                f"{f['max_rhat']:.2f} | {f['divergences']} |"
                if f
                else " - | - | - |"
            )
        lines.append(row)
    return lines


def _row(scores: xr.Dataset) -> dict[str, Any]:
    by_h = summarize(scores, over=["cutoff", "sector"])
    calm = scores.sel(horizon=LATE).drop_sel(cutoff=PRE_PANDEMIC)
    calm_late = summarize(calm, over=POOLED)
    by_cutoff = summarize(scores.sel(horizon=LATE), over=["sector", "horizon"])
    return {
        "coverage_80_by_horizon": {
            v: [float(x) for x in _cover80(by_h, v).values] for v in VARIABLES
        },
        "fits_by_cutoff": fits_by_cutoff(scores),
        "coverage_80_h6_12_by_cutoff": {v: _by_cutoff(_cover80(by_cutoff, v)) for v in VARIABLES},
        "coverage_80_h6_12_without_pre_pandemic_cutoffs": {
            v: float(_cover80(calm_late, v)) for v in VARIABLES
        },
        **headline(scores),
        "crps_by_horizon": {
            v: [float(x) for x in by_h.crps.sel(variable=v).values] for v in VARIABLES
        },
    }


def bootstrap_intervals(
    ours: xr.Dataset, best: dict[str, xr.Dataset], seed: int
) -> dict[str, dict[str, list[float]]]:
    """90% bootstrap intervals of the targets' statistics, resampling whole cutoffs.

    ``best`` holds each series' best baseline scores (the CRPS ratio's reference; the
    same resamples for both, so the ratio is paired).
    """
    weights = resample_cutoffs(ours, resamples=RESAMPLES, random_seed=seed)

    def bounds(x: xr.DataArray) -> list[float]:
        return [float(q) for q in x.quantile([0.05, 0.95], "resample").values]

    out = {}
    for span, horizons in SPANS.items():
        boot = summarize(ours.sel(horizon=horizons), over=POOLED, weights=weights)
        out[f"coverage_80_{span}"] = {v: bounds(_cover80(boot, v)) for v in VARIABLES}
    out["crps_ratio_h6_12"] = {
        v: bounds(relative_crps(ours, best[v], horizons=LATE, weights=weights).sel(variable=v))
        for v in VARIABLES
    }
    return out


def fits_by_cutoff(scores: xr.Dataset) -> dict[str, dict[str, float]] | None:
    """Each cutoff's lowest bulk ESS and worst R-hat; ``None`` for a model without checks."""
    if not _has_fit_checks(scores):
        return None
    ess, rhat = _by_cutoff(scores.min_ess_bulk), _by_cutoff(scores.max_rhat)
    return {c: {"min_ess_bulk": ess[c], "max_rhat": rhat[c]} for c in ess}


def _by_cutoff(values: xr.DataArray) -> dict[str, float]:
    """A ``(cutoff,)`` array as a mapping from each cutoff's month (``YYYY-MM``)."""
    months = pd.DatetimeIndex(values.cutoff.values)
    return {f"{c:%Y-%m}": float(x) for c, x in zip(months, values.values, strict=True)}


def load_panel(benchmark: str) -> xr.Dataset | None:
    """The two series of the shared panel; ``None`` (and a message) when it is absent."""
    if not FOLDER.is_dir():
        print(f"{benchmark}: {FOLDER} not found; skipped")
        return None
    return tf.datasets.load_us_jolts_cps(FOLDER)[VARIABLES]


def backtests(
    data: xr.Dataset,
    cutoffs: pd.DatetimeIndex,
    seed: int,
    models: dict[str, Any],
    fit: dict[str, Any] = FIT,
) -> dict[str, xr.Dataset]:
    """Scores of every baseline and of each vacancy model (a factory of the cutoff)."""
    common = {"cutoffs": cutoffs, "horizon": 12, "variables": VARIABLES, "random_seed": seed}
    scores = {
        label: backtest(lambda _, config=config: StatsmodelsBaseline(config), data, **common)
        for label, config in BASELINES.items()
    }
    for label, factory in models.items():
        scores[label] = backtest(factory, data, window=WINDOW, fit_kwargs=fit, **common)
    return scores


def run_skill(seed: int) -> tuple[dict[str, Any], str] | None:
    """Backtest the vacancy model and every baseline; ``None`` when the data are absent."""
    data = load_panel("jolts")
    if data is None:
        return None
    factory = partial(
        vacancy_model,
        innovation_count_power=COUNT_POWER,
        observation_count_power=OBSERVATION_POWER,
    )
    scores = backtests(data, CUTOFFS, seed, {MODEL: factory})
    ours = scores.pop(MODEL)
    rows = {label: _row(s) for label, s in scores.items()}
    rows[MODEL] = _row(ours)
    best = {v: min(BASELINES, key=lambda b, v=v: rows[b]["crps_h6_12"][v]) for v in VARIABLES}
    ratios = {
        label: {
            "h6_12": {
                v: float(relative_crps(ours, s, horizons=LATE).sel(variable=v)) for v in VARIABLES
            },
            "by_horizon": {
                v: [
                    float(relative_crps(ours, s, horizons=slice(h, h)).sel(variable=v))
                    for h in range(1, 13)
                ]
                for v in VARIABLES
            },
        }
        for label, s in scores.items()
    }
    result = {
        "cutoffs": len(CUTOFFS),
        "horizon": 12,
        "sectors": 9,
        "window_months": WINDOW,
        "fit": FIT,
        "models": rows,
        "best_baseline": best,
        "crps_ratio_vs_baselines": ratios,
        "targets": TARGETS,
        "bootstrap_90": bootstrap_intervals(ours, {v: scores[b] for v, b in best.items()}, seed),
    }
    return result, markdown(result)


def _met(value: float, target: str) -> str:
    if ".." in target:
        lo, hi = (float(x) for x in target.split(".."))
        ok = lo <= value <= hi
    else:
        ok = value <= float(target.split()[1])
    return "met" if ok else "NOT met"


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"US JOLTS/CPS, 9 industries, {r['cutoffs']} cutoffs (every 6 months, 2015-01 to "
        "2024-07), 12 months ahead. Mean CRPS (thousands of persons) and coverage of the 80% "
        "intervals over horizons 6-12, all cutoffs and industries. The vacancy model trains "
        f"on {training(r)}; the baselines on the whole history.",
        "",
        *headline_table(r["models"]),
    ]
    lines += [
        "",
        "Targets, vacancy model against the best baseline of each series; in brackets, 90% "
        f"bootstrap intervals over the {r['cutoffs']} cutoffs ({RESAMPLES} resamples of whole "
        "cutoffs, whose outcomes share one fit and one period; the ratio's resamples paired):",
        "",
    ]
    lines += [
        "| series | best baseline | CRPS ratio h6-12 | target | 80% coverage h6-12 | target "
        "| 80% coverage, horizons 1-12 |"
    ]
    lines += ["|---|---|---|---|---|---|---|"]
    ours, boot = r["models"][MODEL], r["bootstrap_90"]
    for v in VARIABLES:
        b = r["best_baseline"][v]
        ratio = r["crps_ratio_vs_baselines"][b]["h6_12"][v]
        cov = ours["coverage_80_h6_12"][v]
        every = ours["coverage_80_h1_12"][v]
        t_crps, t_cov = r["targets"]["crps_ratio_h6_12"], r["targets"]["coverage_80_h6_12"]
        (r_lo, r_hi), (c_lo, c_hi), (e_lo, e_hi) = (
            boot[k][v] for k in ("crps_ratio_h6_12", "coverage_80_h6_12", "coverage_80_h1_12")
        )
        lines.append(
            f"| {v} | {b} | {ratio:.2f} ({r_lo:.2f}-{r_hi:.2f}) | {t_crps} "
            f"({_met(ratio, t_crps)}) | {cov:.1%} ({c_lo:.0%}-{c_hi:.0%}) | {t_cov} "
            f"({_met(cov, t_cov)}) | {every:.1%} ({e_lo:.0%}-{e_hi:.0%}) ({_met(every, t_cov)}) |"
        )
    lines += [
        "",
        "80% coverage over horizons 6-12 without the two cutoffs before the pandemic "
        "(2019-07, 2020-01):",
        "",
        "| model | vacancies | job seekers |",
        "|---|---|---|",
    ]
    for label, m in r["models"].items():
        k = m["coverage_80_h6_12_without_pre_pandemic_cutoffs"]
        lines.append(f"| {label} | {k['vacancies']:.0%} | {k['job_seekers']:.0%} |")
    lines += [
        "",
        "80% coverage over horizons 6-12 by cutoff, vacancies / job seekers, and the vacancy "
        "model's fit there (lowest bulk ESS of any stored variable, worst R-hat):",
        "",
    ]
    lines += [
        "| cutoff | " + " | ".join(r["models"]) + " | fit: ESS, R-hat |",
        "|---|" + "---|" * (len(r["models"]) + 1),
    ]
    fits = ours["fits_by_cutoff"]
    for c in ours["coverage_80_h6_12_by_cutoff"]["vacancies"]:
        cells = " | ".join(
            " / ".join(f"{m['coverage_80_h6_12_by_cutoff'][v][c]:.0%}" for v in VARIABLES)
            for m in r["models"].values()
        )
        fit = f"{fits[c]['min_ess_bulk']:.0f}, {fits[c]['max_rhat']:.2f}" if fits else "-"
        lines.append(f"| {c} | {cells} | {fit} |")
    lines += _by_horizon(
        "80% coverage by horizon (months ahead), all cutoffs and industries:",
        "model",
        {label: m["coverage_80_by_horizon"] for label, m in r["models"].items()},
        "{:.0%}",
    )
    lines += _by_horizon(
        "CRPS ratio, vacancy model / baseline, by horizon (months ahead):",
        "baseline",
        {b: ratios["by_horizon"] for b, ratios in r["crps_ratio_vs_baselines"].items()},
        "{:.2f}",
    )
    lines.append("")
    return "\n".join(lines)


def _by_horizon(
    title: str, first: str, rows: dict[str, dict[str, list[float]]], fmt: str
) -> list[str]:
    """A Markdown table of per-horizon values, a row per label and series."""
    lines = ["", title, "", f"| {first} | series | " + " | ".join(map(str, range(1, 13))) + " |"]
    lines += ["|---|---|" + "---|" * 12]
    for label, by_series in rows.items():
        for v in VARIABLES:
            cells = " | ".join(fmt.format(x) for x in by_series[v])
            lines.append(f"| {label} | {v} | {cells} |")
    return lines
