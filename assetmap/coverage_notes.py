"""What every face says beside a coverage figure: partial areas, and the method stamp.

The CLI, the app's coverage page and the printed profile show the same words, from the catalogue:
an area partly outside the map data is flagged with the share it is about ("gedeeltelijk: 35 %
van de wijk valt binnen de kaartgegevens"), and its figure is withheld below
``settings.WITHHOLD_DATA_SHARE`` (``withheld`` in ``coverage --json``); every figure carries the
method stamp (:func:`assetmap.coverage.method_stamp`).
"""

from __future__ import annotations

import re

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.boundaries import area_code
from assetmap.messages import is_code, text
from assetmap.numbers import day, decimal, percent

__all__ = ["area_label", "area_total", "for_area", "method_note", "partial_note", "partial_summary"]


def partial_note(row: dict, lang: str | None = None) -> str:
    """The flag of an area partly outside the map data, with the share it is about.

    Parameters
    ----------
    row : dict
        A row of ``coverage --json`` (``data_share``, ``level``, ``withheld``).
    lang : str, optional
        ``nl`` or ``en`` (English when None).

    Returns
    -------
    str
        ``partial: 24 % of the wijk lies within the map data; no figure shown`` (or ``...; the
        figure is about that part`` when the figure is shown); empty for a complete area.
    """
    if not row.get("partial"):
        return ""
    level = row.get("level") or ""
    # ``buurt`` or ``wijk`` in the reader's language ("mahalle" in Turkish); another word as it is.
    level = text(level, lang).lower() if is_code(level) else level
    return text("coverage_partial_withheld" if row.get("withheld") else "coverage_partial_shown", lang,
                share=percent(100 * float(row["data_share"]), lang, 0), level=level)


def area_total(rows: list[dict], cbs: int | None = None) -> dict | None:
    """The figures of an area over its rows, flagged as its rows are: the profile's key figures and the
    site's headline (a total over partial areas is itself partial, never a bare figure).

    Parameters
    ----------
    rows : list of dict
        Rows of ``coverage --json`` (``population``, ``covered_population``, ``coverage_pct``,
        ``median_minutes``, ``p90_minutes``, ``population_cbs``, ``data_share``, ``partial``,
        ``withheld``, ``level``).
    cbs : int, optional
        The CBS residents of the whole area; default the sum of the rows' ``population_cbs``.

    Returns
    -------
    dict or None
        ``population``, ``covered_population``, ``uncovered_population``, ``coverage_pct``,
        ``median_minutes``, ``p90_minutes`` (None over several rows), ``population_cbs``,
        ``data_share`` (of several rows: the share of the CBS residents the data hold), ``partial``,
        ``withheld`` and ``level`` (None over several rows); None without rows.
    """
    if not rows:
        return None
    if len(rows) == 1:
        row = rows[0]
        return {"population": row["population"], "covered_population": row["covered_population"],
                "uncovered_population": row["population"] - row["covered_population"],
                "coverage_pct": row["coverage_pct"], "median_minutes": row["median_minutes"],
                "p90_minutes": row["p90_minutes"], "population_cbs": row["population_cbs"],
                "data_share": row["data_share"], "partial": row["partial"], "withheld": row["withheld"],
                "level": row["level"]}
    if cbs is None:
        cbs = sum(int(r.get("population_cbs", r["population"])) for r in rows)
    population = sum(r["population"] for r in rows)
    covered = sum(r["covered_population"] for r in rows)
    # The same rounding as coverage.CoverageResult.total, so a whole gemeente reads as `total`.
    pct = round(100.0 * covered / population, 1) if population else 0.0
    # Of a gemeente or a wijk, the share of its residents (CBS) that the data hold.
    share = round(min(1.0, population / cbs), 3) if cbs else 1.0
    return {"population": population, "covered_population": covered, "uncovered_population": population - covered,
            "coverage_pct": pct, "median_minutes": None, "p90_minutes": None, "population_cbs": cbs,
            "data_share": share, "partial": share < float(settings.COMPLETE_DATA_SHARE),
            "withheld": share < float(settings.WITHHOLD_DATA_SHARE), "level": None}


def partial_summary(rows: list[dict], lang: str | None = None) -> list[str]:
    """One line on the areas partly outside the map data (none when every area is complete).

    Parameters
    ----------
    rows : list of dict
        The rows of ``coverage --json`` (``partial``, ``population``, ``population_cbs``).
    lang : str, optional
        ``nl`` or ``en``.

    Returns
    -------
    list of str
        Zero or one line.
    """
    partial = [r for r in rows if r.get("partial")]
    if not partial:
        return []
    return [text("coverage_partial_summary", lang, partial=len(partial), areas=len(rows),
                 population=decimal(sum(int(r["population"]) for r in partial), lang),
                 cbs=decimal(sum(int(r["population_cbs"]) for r in partial), lang))]


#: The snapping rule as :func:`assetmap.coverage.method_stamp` writes it (English, as data in the JSON).
_SNAPPING_RULE = re.compile(r"nearest walkable way, at most ([0-9.]+) m; network parts under ([0-9]+) nodes skipped")


def _snapping_note(rule: str | None, lang: str | None = None) -> str:
    """The stamp's snapping rule in the reader's language (a rule of another form as it is).

    Parameters
    ----------
    rule : str or None
        ``method["snapping"]`` of a method stamp.
    lang : str, optional
        ``nl`` or ``en``.

    Returns
    -------
    str
        For example ``dichtstbijzijnde beloopbare weg, hoogstens 500 m; netwerkdelen van minder dan
        50 knooppunten overgeslagen``.
    """
    found = _SNAPPING_RULE.fullmatch(rule or "")
    if found is None:
        return rule or text("date_unknown", lang)
    return text("coverage_snapping", lang, metres=decimal(float(found[1]), lang), nodes=decimal(int(found[2]), lang))


def method_note(method: dict, lang: str | None = None) -> str:
    """The method stamp as one line: what a figure needs beside it to be cited and compared.

    Parameters
    ----------
    method : dict
        ``version``, ``speed_kmh``, ``snapping``, ``osm_date``, ``cbs_year`` (see
        :func:`assetmap.coverage.method_stamp`).
    lang : str, optional
        ``nl`` or ``en``.

    Returns
    -------
    str
        ``Method 3: walking 4.5 km/h; snapping: ...; OSM data of 2025-08-06; CBS 2022``.
    """
    unknown = text("date_unknown", lang)
    return text("coverage_method", lang, version=method["version"], speed=decimal(float(method["speed_kmh"]), lang, 1),
                snapping=_snapping_note(method.get("snapping"), lang), osm_date=_day(method.get("osm_date"), lang) or unknown,
                cbs_year=method.get("cbs_year") or unknown)


def area_label(name, code) -> str:
    """How a table names an area: its name, with the code in brackets (the code alone when it has no name).

    Parameters
    ----------
    name : str or None
        The area's name.
    code : str
        Its CBS code.

    Returns
    -------
    str
        ``Wijk 28 Wippolder (WK050328)``.
    """
    name = "" if name is None or name != name else str(name).strip()
    return f"{name} ({code})" if name and name != code else str(code)


def for_area(payload: dict, boundaries, code: str) -> dict:
    """``coverage --json`` for one area: its rows (:func:`assetmap.coverage.area_rows`) and their total.

    Parameters
    ----------
    payload : dict
        :meth:`assetmap.coverage.CoverageResult.to_dict`.
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries.
    code : str
        A CBS code or an area's name (see :func:`assetmap.layers.boundaries.area_code`).

    Returns
    -------
    dict
        The payload with ``area`` (``code``, ``name``), the area's ``buurten`` and their ``total``.

    Raises
    ------
    assetmap.errors.InputError
        ``report_area_unknown``, ``area_name_unknown`` or ``area_name_ambiguous``.
    """
    from assetmap.coverage import area_rows

    code = area_code(boundaries, code)
    names = dict(zip(boundaries["code"].astype(str), boundaries["name"].astype(str))) if len(boundaries) else {}
    if code not in names:
        known = ", ".join(area_label(n, c) for c, n in sorted(names.items())[:8]) or "-"
        raise InputError("report_area_unknown", "fix_report_area", code=code, known=known)
    name = names[code]
    rows = area_rows(payload["buurten"], boundaries, code)
    population = sum(r["population"] for r in rows)
    covered = sum(r["covered_population"] for r in rows)
    return {**payload, "area": {"code": code, "name": name}, "buurten": rows,
            "total": {"population": population, "covered_population": covered,
                      "coverage_pct": round(100.0 * covered / population, 1) if population else 0.0}}


def _day(value, lang: str | None) -> str:
    """An ISO date in words (``6 augustus 2025``); a text that is no date as it is."""
    try:
        return day(value, lang) if value else ""
    except (TypeError, ValueError):
        return str(value)
