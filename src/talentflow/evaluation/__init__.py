"""Evaluation of forecasts: rolling-origin backtests scored by CRPS, coverage and MAE."""

from talentflow.evaluation.backtest import (
    backtest,
    relative_crps,
    resample_cutoffs,
    score_forecast,
    summarize,
)

__all__ = ["backtest", "relative_crps", "resample_cutoffs", "score_forecast", "summarize"]
