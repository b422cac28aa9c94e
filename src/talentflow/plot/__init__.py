"""Plots of fits and forecasts (functions of DataTrees; they never import models)."""
