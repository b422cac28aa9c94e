"""Run the benchmark suite and write results/<name>.json and results/<name>.md.

Usage: ``python benchmarks/run.py [--only outflow|returns|vacancies|jolts|jolts_validation]
[--draws N] [--tune N] [--chains N]`` (``nox -s benchmarks``). The numba cache is pointed
at a fresh folder first, so each "cold" fit really compiles.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
BENCHMARKS = ("outflow", "returns", "vacancies", "jolts", "jolts_validation")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=BENCHMARKS, action="append")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="talentflow-bench-")
    os.environ["PYTENSOR_FLAGS"] = f"compiledir={cache}"
    os.environ["NUMBA_CACHE_DIR"] = cache
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import talentflow  # imported after the cache folders are set

    settings = {k: v for k, v in vars(args).items() if k != "only"}
    for name in args.only or BENCHMARKS:
        bench = importlib.import_module(name)
        started = time.strftime("%Y-%m-%d %H:%M")
        if hasattr(bench, "run_skill"):  # forecast skill on real data, not speed
            skill = bench.run_skill(args.seed)
            if skill is not None:
                RESULTS.mkdir(exist_ok=True)
                (RESULTS / f"{name}.json").write_text(json.dumps(skill[0], indent=2) + "\n")
                (RESULTS / f"{name}.md").write_text(f"Run {started}. " + skill[1])
                print(skill[1])
            continue
        ours = bench.run_talentflow(args.draws, args.tune, args.chains, args.seed)
        print(f"{name} talentflow:", json.dumps(ours, indent=1), flush=True)
        ref = bench.run_reference(args.draws, args.tune, args.seed)
        print(f"{name} reference:", json.dumps(ref, indent=1), flush=True)
        result = {
            "benchmark": name,
            "title": bench.TITLE,
            "date": started,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "talentflow_version": talentflow.__version__,
            "panel": bench.SIZES,
            "compared": bench.COMPARED,
            "settings": settings,
            "talentflow": ours,
            "reference": ref,
            "ratios": ratios(ours, ref),
            "targets": bench.TARGETS,
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / f"{name}.md").write_text(markdown(result))
        print(markdown(result))


def ratios(ours: dict[str, Any], ref: dict[str, Any]) -> dict[str, float]:
    out = {
        "min_bulk_ess_per_second_vs_reference": ours["min_ess_bulk_per_second"]
        / ref["min_ess_bulk_per_second"],
        "min_tail_ess_per_second_vs_reference": ours["min_ess_tail_per_second"]
        / ref["min_ess_tail_per_second"],
        "gradient_evals_per_second_vs_reference": ours["gradient_evals_per_second"]
        / ref["gradient_evals_per_second"],
        "warm_refit_vs_cold_fit": ours["warm_refit_seconds"] / ours["cold_fit_seconds"],
        "warm_vs_cold_build_and_compile": ours["warm_first_draw_seconds"]
        / ours["first_draw_seconds"],
    }
    for key in ("posterior_predictive_replicates_per_second", "prior_predictive_draws_per_second"):
        out[f"{key}_vs_reference"] = ours[key] / ref[key]
    return out


def _target(r: dict[str, Any], key: str) -> str:
    """The target of ``key`` and whether this run met it ("" when there is none)."""
    target = r["targets"].get(key)
    if target is None:
        return ""
    op, bound = target.split()
    value = r["ratios"][key]
    met = value >= float(bound) if op == ">=" else value <= float(bound)
    return f"{target} ({'met' if met else 'NOT met'})"


def markdown(r: dict[str, Any]) -> str:
    t, ref, q = r["talentflow"], r["reference"], r["ratios"]
    s = r["settings"]
    return "\n".join(
        [
            f"{r['title']}; {s['draws']} draws after {s['tune']} tuning steps; "
            f"run {r['date']} on {r['machine']['cpus']} cores, "
            f"talentflow {r['talentflow_version']}.",
            "",
            "| measure | ratio | target |",
            "|---|---|---|",
            f"| min bulk ESS per second of fit wall time, talentflow / plain PyMC | "
            f"{q['min_bulk_ess_per_second_vs_reference']:.1f}x | "
            f"{_target(r, 'min_bulk_ess_per_second_vs_reference')} |",
            f"| min tail ESS per second of fit wall time, talentflow / plain PyMC | "
            f"{q['min_tail_ess_per_second_vs_reference']:.1f}x | |",
            f"| log-density gradient evaluations per second (compiled, one core), "
            f"talentflow / plain PyMC | {q['gradient_evals_per_second_vs_reference']:.2f}x | |",
            f"| warm refit on new data / cold fit (wall time) | "
            f"{q['warm_refit_vs_cold_fit']:.2f} | {_target(r, 'warm_refit_vs_cold_fit')} |",
            f"| build + compile before the first draw, warm refit / cold fit | "
            f"{q['warm_vs_cold_build_and_compile']:.4f} | |",
            "| posterior predictive replicates of the panel per second, talentflow "
            "(`sample_posterior_predictive`) / plain PyMC (`pm.sample_posterior_predictive`) "
            f"| {q['posterior_predictive_replicates_per_second_vs_reference']:.0f}x | |",
            "| prior predictive draws of parameters and panel per second, talentflow "
            "(`sample_prior_predictive`) / plain PyMC (`pm.sample_prior_predictive`) "
            f"| {q['prior_predictive_draws_per_second_vs_reference']:.1f}x | |",
            "",
            f"Divergences: talentflow {t['divergences']}, plain PyMC {ref['divergences']}. "
            f"Leapfrog steps per draw: talentflow {t['leapfrog_steps_per_draw']:.0f}, "
            f"plain PyMC {ref['leapfrog_steps_per_draw']:.0f}. "
            f"Minimum bulk ESS: talentflow {t['min_ess_bulk']:.0f} ({s['chains']} chains), "
            f"plain PyMC {ref['min_ess_bulk']:.0f} ({ref['chains']} chains). "
            f"ESS is the minimum over every element of {', '.join(r['compared'])}.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
