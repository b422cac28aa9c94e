"""The bundled "job board 2022" example: a SIMULATED panel calibrated to reported figures.

Nothing here is observed data. The panel is drawn from the vacancy model's own
generative process (:func:`~talentflow.datasets.simulate_vacancies`) for the five
skilled sectors of the "relocation 2022" example, monthly 2019-01 .. 2023-12, as a
job board would count them: open vacancies and active resumes (job seekers), not
seasonally adjusted, without hires. Two reported figures shape it:

========================================  ==============================================
Figure (source)                           How it is used
========================================  ==============================================
"nearly 95,000 vacancies in the IT        IT vacancies in March 2022 are 95,000 in the
industry at the end of March" 2022        drawn panel: the whole IT vacancy series is
(CNews via Express, spring 2022)          scaled by one factor, which is the same as
                                          choosing its starting level.
"the number of resumes is increasing      The ``invasion`` shock (from March 2022,
while the number of job openings is       building up to its full size in June) lowers
decreasing" (same)                        vacancies (mean log effect -0.5) and raises
                                          job seekers (+0.35) in every sector.
========================================  ==============================================

Everything else is an assumption made for illustration: the other starting levels
(about 1.5 resumes per vacancy in IT before the war, 2-4 elsewhere), the dynamics and
their volatility, the seasonal pattern, the shock's spread across sectors and its
decay (4% a month) and the observation noise.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import xarray as xr

from talentflow import _dims as D
from talentflow.datasets.relocation import SECTORS
from talentflow.models.shocks import Shock

#: The shock of the example: openings fall and resumes rise after the invasion.
INVASION: Final = Shock(name="invasion", start="2022-03", peak="2022-06")

# Assumed starting levels (vacancies, job seekers) per sector, January 2019.
_START_LEVEL = np.array(
    [
        [80_000.0, 25_000.0, 60_000.0, 30_000.0, 12_000.0],
        [120_000.0, 90_000.0, 110_000.0, 80_000.0, 50_000.0],
    ]
)
_IT_VACANCIES_MARCH_2022 = 95_000.0


def load_job_board_2022(*, random_seed: int = 2022) -> xr.Dataset:
    """Return the simulated "job board 2022" panel of vacancies and job seekers.

    Five skilled sectors x 60 months (2019-01 .. 2023-12), simulated from the vacancy
    model with the ``invasion`` shock (:data:`INVASION`) and calibrated to the figures
    in this module's docstring. The Dataset's attrs say plainly that it is simulated;
    use :func:`talentflow.datasets.simulate_vacancies` for recovery studies.

    Parameters
    ----------
    random_seed : int
        Seed of the draw (the default gives the bundled panel).

    Returns
    -------
    xarray.Dataset
        ``vacancies`` and ``job_seekers``, dims ``(time, sector)``.

    Examples
    --------
    >>> data = load_job_board_2022()
    >>> data.attrs["simulated"], dict(data.vacancies.sizes)
    ('yes', {'time': 60, 'sector': 5})
    >>> round(float(data.vacancies.sel(sector="IT", time="2022-03").item()))
    95000
    """
    from talentflow.datasets.vacancies import simulate_vacancies

    data, _ = simulate_vacancies(
        sectors=SECTORS,
        n_months=60,
        start="2019-01",
        start_level=_START_LEVEL,
        innovation_sd=0.025,
        common_share=0.5,
        factor_correlation=-0.5,
        trend="local_level",
        seasonal_scale=0.06,
        observation_sd=0.03,
        shocks=(INVASION,),
        shock_mean=(-0.5, 0.35),
        shock_sector_sd=0.15,
        shock_decay=0.04,
        hires=False,
        random_seed=random_seed,
    )
    it = {D.SECTOR: SECTORS[0]}
    march = data[D.VACANCIES].sel(it).sel({D.TIME: "2022-03"}).item()
    scale = xr.ones_like(data[D.SECTOR], dtype=float)
    scale.loc[it] = _IT_VACANCIES_MARCH_2022 / march
    data[D.VACANCIES] = data[D.VACANCIES] * scale
    data.attrs.update(
        title="job board 2022 (simulated)",
        simulated="yes",
        description=(
            "A simulated panel, not observed data: vacancies and job seekers (active "
            "resumes) per sector drawn from talentflow's vacancy model, with nearly "
            "95,000 IT vacancies in March 2022 and openings falling while resumes rise "
            "after the invasion, as reported in 2022. See talentflow.datasets.job_board "
            "for each figure and its source."
        ),
    )
    for name in (D.VACANCIES, D.JOB_SEEKERS):
        data[name].attrs.update(units="open at month end", seasonally_adjusted="no")
    return data
