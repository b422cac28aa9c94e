"""The bundled "relocation 2022" example: a SIMULATED panel calibrated to reported figures.

Nothing here is observed data. The panel is drawn from the outflow model's own
generative process with parameters set so that its *expected* counts match the few
figures the news reports in the project's seed documents give:

========================================  ==============================================
Figure (source)                           How it is used
========================================  ==============================================
"an estimated 200,000 IT workers have     IT departures in March-April 2022 (the first
fled Russia" since 24 February 2022       full months after the invasion) sum to 200,000
(Express, spring 2022)                    in expectation; this sets the IT effect of the
                                          ``invasion`` shock.
"up to 45 percent of Russian programmers  IT's share of departures to the EU is 45%.
preferring to work in Europe" (same)
"200,000 Russians fled to Kazakhstan in   The figure counts all Russians; assuming one in
the weeks following the start of the      five of them worked in the panel's five skilled
mobilization in September" (Kazakh        sectors (an assumption), departures of the panel
officials via a media-analysis report)    to Kazakhstan in September-October 2022 sum to
                                          40,000 in expectation; this sets the pooled size
                                          of the ``mobilization`` shock.
========================================  ==============================================

Everything else is an assumption made for illustration, not a reported figure: the
workforce of each sector, pre-war monthly outflow rates, how much smaller the invasion
shock is outside IT, the decay of both shocks, the other destination shares, the trend
volatility and the overdispersion.

The returns of :func:`load_returns_2022` rest on one qualitative report only: "some
Russian IT workers who emigrated at the start of the war are now starting to return"
(Express, spring 2022). The hazard is an assumption: an ordinary cohort has about 18%
back within a year (``hazard_level`` -1.6), with returns peaking some months after
departure (log-logistic scale 9 months, shape 1.6); the invasion wave, a hurried
departure, returns sooner (wave effect +0.6); the mobilization wave, people avoiding
the draft, returns less (-0.4). Returns are sector totals (no destination), as a
registry of returning workers would count them.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from talentflow import _dims as D
from talentflow.models import kernels
from talentflow.models.shocks import Shock, shock_profile, shock_timing

SECTORS: Final = ("IT", "Finance", "Engineering", "Science & education", "Media & creative")
DESTINATIONS: Final = ("Kazakhstan", "Georgia", "Armenia", "Serbia", "Turkey", "Israel", "EU")
SHOCKS: Final = (
    Shock(name="invasion", start="2022-03"),
    Shock(name="mobilization", start="2022-09"),
)

# Assumptions (not reported figures): workforce and pre-war monthly outflow rate.
_WORKFORCE = np.array([1_500_000.0, 900_000.0, 1_500_000.0, 1_200_000.0, 400_000.0])
_BASE_RATE = np.array([0.0010, 0.0005, 0.0004, 0.0004, 0.0008])
# Invasion effect relative to IT's (log scale); mobilization effect around its pooled mean.
_INVASION_OFFSET = np.array([0.0, -0.8, -1.1, -0.9, -0.3])
_MOBILIZATION_OFFSET = np.array([0.1, -0.1, 0.2, -0.2, 0.0])
_DECAY = np.array([0.55, 0.6])
# Destination shares by sector (rows: SECTORS, columns: DESTINATIONS); IT's EU share
# is the reported 45%, the rest are assumptions.
_SHARES = np.array(
    [
        [0.13, 0.12, 0.10, 0.06, 0.07, 0.07, 0.45],
        [0.20, 0.15, 0.10, 0.10, 0.10, 0.10, 0.25],
        [0.35, 0.15, 0.15, 0.05, 0.10, 0.05, 0.15],
        [0.20, 0.15, 0.15, 0.10, 0.10, 0.10, 0.20],
        [0.15, 0.25, 0.20, 0.10, 0.10, 0.05, 0.15],
    ]
)
_START, _MONTHS = "2021-01", 36
_IT_TARGET = 200_000.0  # IT departures, March-April 2022
_SKILLED_FRACTION = 0.2  # assumed part of the reported 200,000 from the panel's sectors
_KZ_TARGET = _SKILLED_FRACTION * 200_000.0  # panel departures to Kazakhstan, Sep-Oct 2022


def _expected_rate(months: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """Monthly outflow per sector (months x sectors) with no trend noise."""
    profile = shock_profile(shock_timing(SHOCKS, months), _DECAY)
    trend = np.zeros((len(months), len(SECTORS)))
    log_rate = kernels.log_rate(np.log(_BASE_RATE), trend, effects, profile)
    return np.asarray(_WORKFORCE * np.exp(log_rate), dtype=np.float64)


def calibrated_effects() -> np.ndarray:
    """Solve for the shock effects ``(shock, sector)`` that meet both reported figures.

    Examples
    --------
    >>> effects = calibrated_effects()
    >>> effects.shape
    (2, 5)
    """
    spring = np.array([np.datetime64(m, "M").astype(np.int64) for m in ("2022-03", "2022-04")])
    autumn = np.array([np.datetime64(m, "M").astype(np.int64) for m in ("2022-09", "2022-10")])
    kz = DESTINATIONS.index("Kazakhstan")

    def effects(invasion: float, mobilization: float) -> np.ndarray:
        return np.stack([invasion + _INVASION_OFFSET, mobilization + _MOBILIZATION_OFFSET])

    def it_gap(invasion: float) -> float:
        flows = _expected_rate(spring, effects(invasion, 0.0))
        return float(flows[:, 0].sum() - _IT_TARGET)

    invasion = brentq(it_gap, 0.0, 10.0)

    def kz_gap(mobilization: float) -> float:
        flows = _expected_rate(autumn, effects(invasion, mobilization))
        return float((flows * _SHARES[:, kz]).sum() - _KZ_TARGET)

    mobilization = brentq(kz_gap, -5.0, 10.0)
    return effects(invasion, mobilization)


def load_relocation_2022(*, random_seed: int = 2022) -> xr.Dataset:
    """Return the simulated "relocation 2022" outflow panel (2021-01 .. 2023-12).

    Five skilled sectors x seven destinations x 36 months, simulated from the outflow
    model with parameters calibrated to figures reported in 2022 (see the module
    docstring for each figure and its source). The Dataset's attrs say plainly that
    it is simulated, and its ``truth`` is not returned: use
    :func:`talentflow.datasets.simulate_outflow` for recovery studies.

    Examples
    --------
    >>> data = load_relocation_2022()
    >>> data.attrs["simulated"]
    'yes'
    >>> dict(data.outflow.sizes)
    {'time': 36, 'sector': 5, 'destination': 7}
    """
    from talentflow.datasets.simulate import simulate_outflow

    data, _ = simulate_outflow(
        sectors=SECTORS,
        destinations=DESTINATIONS,
        n_months=_MONTHS,
        start=_START,
        workforce=_WORKFORCE,
        shocks=SHOCKS,
        baseline=np.log(_BASE_RATE),
        trend_sigma=0.03,
        shock_effect=calibrated_effects(),
        shock_decay=_DECAY,
        destination_share=_SHARES,
        overdispersion=0.15,
        random_seed=random_seed,
    )
    data.attrs.update(
        title="relocation 2022 (simulated)",
        simulated="yes",
        description=(
            "A simulated panel, not observed data: drawn from talentflow's outflow model "
            "with parameters calibrated to reported 2022 figures (200,000 IT workers "
            "leaving after the invasion; an assumed fifth of the 200,000 people reaching "
            "Kazakhstan after the September mobilization; 45% of programmers preferring "
            "Europe). See "
            "talentflow.datasets.relocation for each figure and its source."
        ),
    )
    data[D.OUTFLOW].attrs.update(units="people per month")
    data[D.WORKFORCE].attrs.update(units="people", note="assumed, not reported")
    return data


_WAVE_EFFECTS: Final = (0.6, -0.4)


def load_returns_2022(*, random_seed: int = 2023) -> xr.Dataset:
    """Return simulated monthly returns by sector for the "relocation 2022" departures.

    Each departure cohort of :func:`load_relocation_2022` returns with an assumed
    hazard (see the module docstring): the invasion wave sooner, the mobilization wave
    later than ordinary departures. Simulated, not observed.

    Examples
    --------
    >>> returns = load_returns_2022()
    >>> dict(returns.returns.sizes), returns.attrs["simulated"]
    ({'time': 36, 'sector': 5}, 'yes')
    """
    from talentflow.datasets.returns import simulate_returns

    data, _ = simulate_returns(
        departures=load_relocation_2022()[D.OUTFLOW],
        waves=SHOCKS,
        wave_effect=_WAVE_EFFECTS,
        sector_effect=np.array([0.2, 0.0, -0.1, -0.2, 0.1]),
        by_destination=False,
        hazard_level=-1.6,
        hazard_scale=9.0,
        hazard_shape=1.6,
        random_seed=random_seed,
    )
    out = data[[D.RETURNS]]
    out.attrs.update(
        title="returns after relocation 2022 (simulated)",
        simulated="yes",
        description=(
            "Simulated returns, not observed data: the departures of the simulated "
            "relocation 2022 panel returning with an assumed hazard. See "
            "talentflow.datasets.relocation."
        ),
    )
    out[D.RETURNS].attrs.update(units="people per month")
    return out
