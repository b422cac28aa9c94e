"""Run the benchmark suite and write results/outflow.json and results/outflow.md.

Usage: ``python benchmarks/run.py [--draws N] [--tune N] [--chains N]`` (``nox -s benchmarks``).
The numba cache is pointed at a fresh folder first, so the "cold" fit really compiles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="talentflow-bench-")
    os.environ["PYTENSOR_FLAGS"] = f"compiledir={cache}"
    os.environ["NUMBA_CACHE_DIR"] = cache
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import outflow  # imported after the cache folders are set

    import talentflow

    started = time.strftime("%Y-%m-%d %H:%M")
    ours = outflow.run_talentflow(args.draws, args.tune, args.chains, args.seed)
    print("talentflow:", json.dumps(ours, indent=1), flush=True)
    ref = outflow.run_reference(args.draws, args.tune, args.seed)
    print("reference:", json.dumps(ref, indent=1), flush=True)
    ratios = {
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
    result = {
        "benchmark": "outflow",
        "date": started,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "talentflow_version": talentflow.__version__,
        "panel": outflow.SIZES | {"shocks": 1},
        "settings": vars(args),
        "talentflow": ours,
        "reference": ref,
        "ratios": ratios,
        "targets": {
            "min_bulk_ess_per_second_vs_reference": ">= 3",
            "warm_refit_vs_cold_fit": "<= 0.25",
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outflow.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "outflow.md").write_text(markdown(result))
    print(markdown(result))


def markdown(r: dict) -> str:
    t, ref, q = r["talentflow"], r["reference"], r["ratios"]
    ok_ess = "met" if q["min_bulk_ess_per_second_vs_reference"] >= 3 else "NOT met"
    ok_refit = "met" if q["warm_refit_vs_cold_fit"] <= 0.25 else "NOT met"
    return "\n".join(
        [
            f"Outflow model, {r['panel']['sectors']} sectors x {r['panel']['destinations']} "
            f"destinations x {r['panel']['n_months']} months, one shock; "
            f"{r['settings']['draws']} draws after {r['settings']['tune']} tuning steps; "
            f"run {r['date']} on {r['machine']['cpus']} cores, "
            f"talentflow {r['talentflow_version']}.",
            "",
            "| measure | ratio | target |",
            "|---|---|---|",
            f"| min bulk ESS per second of fit wall time, talentflow / plain PyMC | "
            f"{q['min_bulk_ess_per_second_vs_reference']:.1f}x | >= 3x ({ok_ess}) |",
            f"| min tail ESS per second of fit wall time, talentflow / plain PyMC | "
            f"{q['min_tail_ess_per_second_vs_reference']:.1f}x | |",
            f"| log-density gradient evaluations per second (compiled, one core), "
            f"talentflow / plain PyMC | "
            f"{q['gradient_evals_per_second_vs_reference']:.2f}x | |",
            f"| warm refit on new data / cold fit (wall time) | "
            f"{q['warm_refit_vs_cold_fit']:.2f} | <= 0.25 ({ok_refit}) |",
            f"| build + compile before the first draw, warm refit / cold fit | "
            f"{q['warm_vs_cold_build_and_compile']:.4f} | |",
            "",
            f"Divergences: talentflow {t['divergences']}, plain PyMC {ref['divergences']}. "
            f"Leapfrog steps per draw: talentflow {t['leapfrog_steps_per_draw']:.0f}, "
            f"plain PyMC {ref['leapfrog_steps_per_draw']:.0f}. "
            f"Minimum bulk ESS: talentflow {t['min_ess_bulk']:.0f} ({r['settings']['chains']} "
            f"chains), plain PyMC {ref['min_ess_bulk']:.0f} ({ref['chains']} chains). "
            "ESS is the minimum over every element of baseline, shock_effect, shock_decay, "
            "destination_share and overdispersion.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
