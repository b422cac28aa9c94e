"""The demo: fit the bundled 2022 examples, forecast, and write a small report.

It fits the outflow model to the simulated "relocation 2022" departures, then the
return model to the simulated returns with the outflow model's departures, and
forecasts both a year ahead with and without a second mobilization. Then it fits the
vacancy model to the simulated "job board 2022" panel and forecasts vacancies, job
seekers and their ratio a year ahead with and without a second fall in IT openings.

Run it with ``python -m talentflow.demo --out demo-report`` (``nox -s demo`` does).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypedDict

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import xarray as xr

from talentflow import _dims as D
from talentflow.datasets import load_job_board_2022, load_relocation_2022, load_returns_2022
from talentflow.datasets.job_board import INVASION
from talentflow.datasets.relocation import SHOCKS
from talentflow.exceptions import ConvergenceWarning
from talentflow.forecast.scenario import Scenario
from talentflow.models import (
    OutflowConfig,
    OutflowModel,
    ReturnConfig,
    ReturnModel,
    Shock,
    VacancyConfig,
    VacancyModel,
)
from talentflow.plot import (
    plot_beveridge,
    plot_destination_shares,
    plot_outflow_fan,
    plot_return_hazard,
    plot_scenario_totals,
    plot_shock_effects,
    plot_stock_abroad,
    plot_tightness,
)
from talentflow.plot._bands import median_and_interval
from talentflow.sampling import diagnose

SECOND_WAVE = Scenario(
    shocks=(Shock(name="second mobilization", start="2024-06", like="mobilization"),)
)
SECOND_SLUMP = Scenario(
    shocks=(
        Shock(
            name="second slump",
            start="2024-03",
            like=INVASION.name,
            variables=("vacancies",),
            sectors=("IT",),
        ),
    )
)


class _Sampler(TypedDict):
    """Sampler settings the demo passes to every fit."""

    draws: int
    tune: int
    chains: int
    progress: bool


def _say(message: str) -> None:
    print(f"[talentflow demo {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _fit(fit: Callable[[], object]) -> None:
    """Run ``fit``, printing any convergence warnings as demo messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fit()
    for w in caught:
        _say(f"warning: {w.message}")


def run_demo(
    out: Path,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    random_seed: int = 2022,
    progress: bool = True,
) -> Path:
    """Fit the three models, forecast 12 months with and without new shocks, write the report.

    Returns
    -------
    pathlib.Path
        The report's ``summary.md``.
    """
    out.mkdir(parents=True, exist_ok=True)
    _say("loading the simulated 'relocation 2022' panel (5 sectors x 7 destinations x 36 months)")
    data = load_relocation_2022()
    model = OutflowModel(OutflowConfig(shocks=SHOCKS))
    _say(
        f"fitting: compile (cached after the first run) and sample {chains} chains x {draws} draws"
    )
    sampler = _Sampler(draws=draws, tune=tune, chains=chains, progress=progress)
    _fit(lambda: model.fit(data, random_seed=random_seed, **sampler))
    fit = model.posterior_
    _say("forecasting 12 months: baseline and a second mobilization in June 2024")
    baseline = model.forecast(12, random_seed=random_seed + 1)
    wave = model.forecast(12, scenario=SECOND_WAVE, random_seed=random_seed + 1)
    model.save(out / "outflow_model.nc")

    _say("fitting the return model to the simulated returns, departures from the outflow model")
    back = ReturnModel(ReturnConfig(waves=SHOCKS))
    _fit(
        lambda: back.fit(
            load_returns_2022(), outflow_model=model, random_seed=random_seed + 2, **sampler
        )
    )
    returns = {
        name: back.forecast(12, outflow_model=model, scenario=scenario, random_seed=random_seed + 3)
        for name, scenario in (
            ("no new shock", None),
            ("second mobilization, June 2024", SECOND_WAVE),
        )
    }
    back.save(out / "return_model.nc")

    _say("fitting the vacancy model to the simulated 'job board 2022' panel (5 sectors x 5 years)")
    board = load_job_board_2022()
    market = VacancyModel(VacancyConfig(shocks=(INVASION,)))
    _fit(lambda: market.fit(board, random_seed=random_seed + 4, **sampler))
    _say("forecasting 12 months: baseline and a second fall in IT openings in March 2024")
    market_forecasts = {
        name: market.forecast(12, scenario=scenario, random_seed=random_seed + 5)
        for name, scenario in (
            ("no new shock", None),
            ("second fall in IT openings, March 2024", SECOND_SLUMP),
        )
    }
    market.save(out / "vacancy_model.nc")

    _say("drawing figures")
    figures = {
        "fan_all_sectors.png": plot_outflow_fan(wave, fit=fit),
        "fan_it.png": plot_outflow_fan(wave, fit=fit, sectors=["IT"]),
        "destination_shares.png": plot_destination_shares(fit),
        "shock_effects.png": plot_shock_effects(fit),
        "scenario_totals.png": plot_scenario_totals(
            {"no new shock": baseline, "second mobilization": wave}, fit=fit
        ),
        "return_hazard.png": plot_return_hazard(back.posterior_),
        "stock_abroad.png": plot_stock_abroad(
            back.posterior_, forecast=returns["second mobilization, June 2024"]
        ),
        "beveridge_it.png": plot_beveridge(
            market.posterior_,
            forecast=market_forecasts["second fall in IT openings, March 2024"],
            sectors=["IT"],
        ),
        "tightness.png": plot_tightness(
            market.posterior_, forecast=market_forecasts["no new shock"]
        ),
    }
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        plt.close(fig)

    summary = out / "summary.md"
    text = _summary(data, fit, baseline, wave, list(figures))
    summary.write_text(
        "\n".join(
            [
                text,
                _returns_summary(back, returns),
                _job_board_summary(board, market, market_forecasts),
            ]
        )
    )
    _say(f"report written to {out.resolve()}")
    return summary


def _summary(
    data: xr.Dataset,
    fit: xr.DataTree,
    baseline: xr.DataTree,
    wave: xr.DataTree,
    figures: Sequence[str],
) -> str:
    post = fit[D.POSTERIOR].to_dataset()
    lines = [
        "# talentflow demo: relocation 2022 (SIMULATED data)",
        "",
        f"> {data.attrs['description']}",
        "",
        "## Fit",
        "",
        *_fit_lines(fit),
        "",
        "## Shock effects (rate multiplier at impact, median and 90% interval)",
        "",
        "| shock | sector | multiplier | decay per month |",
        "|---|---|---|---|",
    ]
    for shock in post[D.SHOCK].values:
        decay = _cell(post[D.SHOCK_DECAY].sel({D.SHOCK: shock}), ".2f")
        for sector in post[D.SECTOR].values:
            effect = xr.ufuncs.exp(post[D.SHOCK_EFFECT].sel({D.SHOCK: shock, D.SECTOR: sector}))
            lines.append(_row(shock, sector, _cell(effect, ".1f"), decay))
    lines += [
        "",
        "## Destination shares of IT departures (median, 90% interval)",
        "",
        "| destination | share |",
        "|---|---|",
    ]
    for dest in post[D.DESTINATION].values:
        share = post[D.DESTINATION_SHARE].sel({D.SECTOR: "IT", D.DESTINATION: dest})
        lines.append(_row(dest, _cell(share, ".1%")))
    lines += [
        "",
        "## Forecast: total outflow over the next 12 months (median, 90% interval)",
        "",
        "| scenario | people |",
        "|---|---|",
    ]
    for name, fc in (("no new shock", baseline), ("second mobilization, June 2024", wave)):
        total = fc[D.PREDICTIONS].to_dataset()[D.OUTFLOW_TOTAL].sum((D.TIME, D.SECTOR))
        lines.append(_row(name, _cell(total, ",.0f")))
    lines += ["", "## Figures", ""] + [f"![{f}]({f})" for f in figures]
    lines += _saved("outflow_model.nc", "OutflowModel")
    return "\n".join(lines)


def _fit_lines(fit: xr.DataTree) -> list[str]:
    """Two report lines: where the fit's time went, and its convergence diagnostics."""
    diag = diagnose(fit)
    return [
        f"- backend: {fit.attrs['backend']}; compile {fit.attrs['compile_seconds']:.1f} s, "
        f"sampling {fit.attrs['sampling_seconds']:.1f} s",
        f"- max R-hat {diag.max_rhat:.3f}; min bulk ESS {diag.min_ess_bulk:.0f}; min tail ESS "
        f"{diag.min_ess_tail:.0f}; divergences {diag.divergences}",
    ]


def _cell(da: xr.DataArray, fmt: str) -> str:
    """Median and 90% interval of draws ``da`` as one table cell."""
    lo, mid, hi = median_and_interval(da, 0.9).values
    return f"{mid:{fmt}} ({lo:{fmt}}-{hi:{fmt}})"


def _row(*cells: object) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(map(str, cells)) + " |"


def _saved(file: str, model: str) -> list[str]:
    """Close a report section with where its fitted model was saved."""
    return ["", f"The fitted model is saved as `{file}` (`talentflow.{model}.load`).", ""]


def _returns_summary(back: ReturnModel, forecasts: dict[str, xr.DataTree]) -> str:
    """Write the report's return-migration section (simulated returns, assumed hazard)."""
    lines = [
        "## Returns (SIMULATED with an assumed hazard; see talentflow.datasets.relocation)",
        "",
        "Share of each wave back after 6, 12 and 24 months abroad (median, 90% interval):",
        "",
        "| wave | 6 months | 12 months | 24 months |",
        "|---|---|---|---|",
    ]
    for wave in (s.name for s in back.config.waves):
        share = back.share_back(wave, months=(6, 12, 24))[D.SHARE_BACK_TOTAL]
        cells = [
            f"{float(row.sel(summary='median')):.0%} ({float(row.sel(summary='lower')):.0%}-"
            f"{float(row.sel(summary='upper')):.0%})"
            for row in share.transpose(D.MONTHS_ABROAD, "summary")
        ]
        lines.append(_row(wave, *cells))
    lines += [
        "",
        "Next 12 months, all sectors (median, 90% interval):",
        "",
        "| scenario | returns | net outflow (departures - returns) |",
        "|---|---|---|",
    ]
    for name, fc in forecasts.items():
        pred = fc[D.PREDICTIONS].to_dataset()
        totals = [
            _cell(pred[v].sum([d for d in pred[v].dims if d not in D.SAMPLE_DIMS]), ",.0f")
            for v in (D.RETURNS, D.NET_OUTFLOW)
        ]
        lines.append(_row(name, *totals))
    lines += _saved("return_model.nc", "ReturnModel")
    return "\n".join(lines)


def _job_board_summary(
    board: xr.Dataset, market: VacancyModel, forecasts: dict[str, xr.DataTree]
) -> str:
    """Write the report's job-board section (simulated vacancies and job seekers)."""
    fit = market.posterior_
    post = fit[D.POSTERIOR].to_dataset()
    effect = xr.ufuncs.exp(post[D.SHOCK_EFFECT].sel({D.SHOCK: INVASION.name}))
    lines = [
        "## Job board 2022 (SIMULATED; see talentflow.datasets.job_board)",
        "",
        f"> {board.attrs['description']}",
        "",
        *_fit_lines(fit),
        "",
        f"Effect of the {INVASION.name} at full size ({INVASION.peak}), as a multiplier "
        "(median, 90% interval):",
        "",
        "| sector | vacancies | job seekers |",
        "|---|---|---|",
    ]
    for sector in post[D.SECTOR].values:
        cells = [
            _cell(effect.sel({D.SERIES: series, D.SECTOR: sector}), ".2f")
            for series in (D.VACANCIES, D.JOB_SEEKERS)
        ]
        lines.append(_row(sector, *cells))
    last = str(board[D.TIME].values[-1])[:7]
    seekers_per_vacancy = {
        f"fitted, {last}": 1.0 / post[D.TIGHTNESS].isel({D.TIME: -1}),
        **{
            f"in 12 months, {name}": 1.0
            / fc[D.PREDICTIONS].to_dataset()[D.TIGHTNESS].isel({D.TIME: -1})
            for name, fc in forecasts.items()
        },
    }
    lines += [
        "",
        "Job seekers per vacancy, the hh.index of Russian job boards (median, 90% interval):",
        "",
        _row("sector", *seekers_per_vacancy),
        "|---|" + "---|" * len(seekers_per_vacancy),
    ]
    for sector in post[D.SECTOR].values:
        cells = [_cell(v.sel({D.SECTOR: sector}), ".2f") for v in seekers_per_vacancy.values()]
        lines.append(_row(sector, *cells))
    lines += _saved("vacancy_model.nc", "VacancyModel")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-report"),
        help="folder for the report (default: demo-report)",
    )
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    run_demo(
        args.out,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        random_seed=args.seed,
        progress=not args.no_progress,
    )


if __name__ == "__main__":
    main()
