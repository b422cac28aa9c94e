"""Read FRED-format CSV series (``date,value``) into a labelled ``(time, sector)`` Dataset.

FRED serves one series per file; a labour-market panel is many of them. A mapping
says which variable and sector each series is; series mapped to the same cell are
summed (the CPS splits "trade, transportation and utilities" in two, JOLTS does not).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import xarray as xr

from talentflow import _dims as D
from talentflow.exceptions import DataError

VACANCIES: Final = D.VACANCIES
JOB_SEEKERS: Final = D.JOB_SEEKERS
HIRES: Final = D.HIRES

_JOLTS: Final = {
    "Mining & logging": "JTU110099",
    "Construction": "JTS2300",
    "Manufacturing": "JTS3000",
    "Trade, transport & utilities": "JTS4000",
    "Information": "JTU5100",
    "Financial activities": "JTU510099",
    "Professional & business services": "JTS540099",
    "Education & health": "JTS6000",
    "Leisure & hospitality": "JTS7000",
}
_CPS: Final = {
    "Mining & logging": ("LNU03032230",),
    "Construction": ("LNU03032231",),
    "Manufacturing": ("LNU03032232",),
    "Trade, transport & utilities": ("LNU03032235", "LNU03032236"),
    "Information": ("LNU03032237",),
    "Financial activities": ("LNU03032238",),
    "Professional & business services": ("LNU03032239",),
    "Education & health": ("LNU03032240",),
    "Leisure & hospitality": ("LNU03032241",),
}

#: The US JOLTS/CPS panel: the nine industries with both job openings (JOLTS) and
#: unemployed by industry of last job (CPS), plus JOLTS hires. JTS series are
#: seasonally adjusted, JTU and LNU series are not. Thousands of persons.
US_JOLTS_CPS: Final[dict[str, tuple[str, str]]] = {
    **{f"{code}JOL": (VACANCIES, sector) for sector, code in _JOLTS.items()},
    **{f"{code}HIL": (HIRES, sector) for sector, code in _JOLTS.items()},
    **{code: (JOB_SEEKERS, sector) for sector, codes in _CPS.items() for code in codes},
}


def _read_series(folder: Path, series: str) -> pd.Series:
    """One FRED series as a float Series indexed by month start; FRED's "." is missing."""
    candidates = [folder / f"fred_{series}.csv", folder / f"{series}.csv"]
    path = next((p for p in candidates if p.exists()), None)
    if path is None:
        raise DataError([f"{series}: no file fred_{series}.csv or {series}.csv in {folder}"])
    frame = pd.read_csv(path, na_values=["."])
    if list(frame.columns[:2]) != ["date", "value"]:
        raise DataError([f"{path.name}: columns must be date,value, got {list(frame.columns)}"])
    index = pd.DatetimeIndex(pd.to_datetime(frame["date"])).to_period("M").to_timestamp()
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(np.float64)
    out = pd.Series(values, index=index, name=series)
    if out.index.has_duplicates:
        raise DataError([f"{path.name}: duplicate months (rule: one row per month)"])
    return out


def load_fred_series(folder: str | Path, mapping: Mapping[str, tuple[str, str]]) -> xr.Dataset:
    r"""Read the series in ``mapping`` from ``folder`` into a ``(time, sector)`` Dataset.

    Parameters
    ----------
    folder : str or pathlib.Path
        Folder of FRED CSV files named ``fred_<SERIES>.csv`` or ``<SERIES>.csv``.
    mapping : mapping of str to (str, str)
        Series id -> (variable, sector). Series mapped to the same variable and
        sector are added; a month missing in any of them is missing in the sum.

    Returns
    -------
    xarray.Dataset
        One variable per mapped variable, on a regular monthly ``time`` axis from the
        first to the last month any series covers (NaN where a series has no value);
        sectors in the order the mapping first names them. Each variable's attrs list
        its source series.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "fred_A.csv").write_text("date,value\n2020-01-01,5\n2020-03-01,7\n")
    >>> _ = (folder / "fred_B.csv").write_text("date,value\n2020-01-01,1\n2020-02-01,.\n")
    >>> ds = load_fred_series(folder, {"A": ("vacancies", "IT"), "B": ("vacancies", "IT")})
    >>> ds.vacancies.sel(sector="IT").values.tolist()
    [6.0, nan, nan]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([f"{folder}: not a folder"])
    series = {name: _read_series(folder, name) for name in mapping}
    start = min(s.index.min() for s in series.values())
    end = max(s.index.max() for s in series.values())
    months = pd.date_range(start, end, freq="MS")
    sectors = list(dict.fromkeys(sector for _, sector in mapping.values()))
    variables = list(dict.fromkeys(variable for variable, _ in mapping.values()))
    out = xr.Dataset(coords={D.TIME: months.values, D.SECTOR: np.array(sectors, dtype=object)})
    for variable in variables:
        values = np.full((len(months), len(sectors)), np.nan)
        sources: dict[str, list[str]] = {}
        for j, sector in enumerate(sectors):
            names = [n for n, cell in mapping.items() if cell == (variable, sector)]
            if names:
                cell = sum(series[n].reindex(months) for n in names)
                values[:, j] = np.asarray(cell, dtype=np.float64)
                sources[sector] = names
        out[variable] = ((D.TIME, D.SECTOR), values)
        out[variable].attrs.update(
            source_series="; ".join(f"{s}: {' + '.join(n)}" for s, n in sources.items())
        )
    return out


def load_us_jolts_cps(folder: str | Path) -> xr.Dataset:
    """Read the US JOLTS/CPS panel (see :data:`US_JOLTS_CPS`) from its FRED files.

    ``folder`` is the ``fred`` folder of the shared ``us_jolts_cps`` data (it is not
    shipped with talentflow). Values are thousands of persons; ``vacancies`` are
    JOLTS job openings, ``job_seekers`` CPS unemployed by industry of last job,
    ``hires`` JOLTS hires.
    """
    data = load_fred_series(folder, US_JOLTS_CPS)
    data.attrs.update(
        title="US job openings, hires and unemployed by industry (BLS via FRED)",
        units="thousands of persons",
        seasonal_adjustment="JTS series seasonally adjusted; JTU and LNU series not",
    )
    return data
