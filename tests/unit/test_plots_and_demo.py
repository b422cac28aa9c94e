import matplotlib.pyplot as plt
import pytest

import talentflow as tf
from talentflow.demo import run_demo


def test_plots_draw_every_destination_and_shock(fitted):
    fc = fitted.forecast(3, random_seed=1)
    fig = tf.plot.plot_outflow_fan(fc, fit=fitted.posterior_, sectors=["IT"])
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["Georgia", "Serbia", "EU"]
    fig2 = tf.plot.plot_shock_effects(fitted.posterior_)
    assert [ax.get_title() for ax in fig2.axes] == ["wave"]
    fig3 = tf.plot.plot_destination_shares(fitted.posterior_)
    assert len(fig3.axes[0].patches) == 9
    fig4 = tf.plot.plot_scenario_totals({"base": fc}, fit=fitted.posterior_)
    assert fig4.axes[0].get_yscale() == "log"
    plt.close("all")


def test_shock_plot_needs_shocks(fitted):
    tree = fitted.posterior_
    tree["posterior"] = tree.posterior.to_dataset().drop_vars("shock_effect")
    with pytest.raises(ValueError, match="no shocks"):
        tf.plot.plot_shock_effects(tree)


@pytest.mark.slow
def test_demo_writes_the_report(tmp_path):
    summary = run_demo(tmp_path, draws=60, tune=60, chains=2, progress=False)
    text = summary.read_text()
    assert "SIMULATED" in text
    assert "second mobilization" in text
    assert "| IT |" in text
    assert "| invasion |" in text
    assert "net outflow" in text
    assert "Job board 2022 (SIMULATED" in text
    assert "hh.index" in text
    assert "second fall in IT openings" in text
    for name in (
        "fan_all_sectors.png",
        "shock_effects.png",
        "destination_shares.png",
        "scenario_totals.png",
        "outflow_model.nc",
        "return_hazard.png",
        "stock_abroad.png",
        "return_model.nc",
        "beveridge_it.png",
        "tightness.png",
        "vacancy_model.nc",
    ):
        assert (tmp_path / name).stat().st_size > 1000
    plt.close("all")


@pytest.mark.slow
def test_return_plots(return_fitted):
    import matplotlib.pyplot as plt

    fig = tf.plot.plot_return_hazard(return_fitted.posterior_)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["IT", "Finance", "Media"]
    fc = return_fitted.forecast(6, random_seed=1)
    fig2 = tf.plot.plot_stock_abroad(return_fitted.posterior_, forecast=fc)
    labels = fig2.axes[0].get_legend_handles_labels()[1]
    assert "left in: wave" in labels
    assert "left in: other" in labels
    plt.close("all")
