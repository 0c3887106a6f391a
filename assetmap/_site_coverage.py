"""The coverage section of the published site, written out in both languages when publishing.

Part of :mod:`assetmap.publish`. The page shows what the CLI, the app and the profile show, in their
words (:mod:`assetmap.coverage_notes`) and numbers (:mod:`assetmap.numbers`, Babel): every area
partly outside the map data is flagged with the share it is about, a withheld area gets no figure,
and the headline total is flagged as its rows are (:func:`assetmap.coverage_notes.area_total`, as the
profile's key figures): a total over areas mostly outside the data gives no figure, never a bare one.
The texts are made here, so the page's script only places them.
"""

from __future__ import annotations

import geopandas as gpd

from assetmap import coverage
from assetmap.coverage_notes import area_total, method_note, partial_note, partial_summary
from assetmap.errors import AssetmapError
from assetmap.i18n import LANGUAGES, t
from assetmap.numbers import decimal, percent

__all__ = ["site_coverage"]


def site_coverage(ws, boundaries: gpd.GeoDataFrame, minutes: float | None, area: str | None) -> dict | None:
    """The coverage summary per area as the coverage page computes it (public meeting places only).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace, opened as the ``public`` actor (see :func:`assetmap.publish.site_data`).
    boundaries : geopandas.GeoDataFrame
        The site's boundaries (already limited to its area): the rows of these codes are shown.
    minutes : float or None
        Walking minutes (default ``settings.COVERAGE_MINUTES``).
    area : str or None
        The wijk or buurt code the site is about (names the whole in the flag of the total).

    Returns
    -------
    dict or None
        None without a walking network or population (the page says so). Else the figures
        (``minutes``, ``speed_kmh``, ``level``, ``population``, ``covered``, ``pct``, ``method``,
        ``total`` with its flags) and the texts per language: ``intro``, ``lines`` (the headline,
        the flag of the total, the summary of partial areas, the method stamp), and per area
        ``cells`` (name, population, covered, uncovered, %, median) and ``note`` (its flag, empty
        when complete); the areas with a figure first.
    """
    try:
        inputs = coverage.load_inputs(ws)
        result = coverage.compute_coverage(inputs, minutes=minutes)
    except AssetmapError:
        return None
    codes = set(boundaries["code"].astype(object)) if len(boundaries) else set()
    payload = result.to_dict()
    rows = [r for r in payload["buurten"] if r["code"] in codes]
    if not rows:
        return None
    # Areas with a figure first, most residents beyond reach first; then the withheld ones, whose
    # "beyond reach" is mostly the edge of the data, by name.
    rows.sort(key=lambda r: (bool(r["withheld"]), 0 if r["withheld"] else -(r["population"] - r["covered_population"]),
                             r["name"]))
    total = area_total(rows)
    whole = _total_level(boundaries, area, rows)
    level = rows[0]["level"]
    out = {"minutes": result.minutes, "speed_kmh": result.speed_kmh, "level": level,
           "population": total["population"], "covered": total["covered_population"], "method": payload["method"],
           "pct": None if total["withheld"] else total["coverage_pct"],
           "total": {k: total[k] for k in ("data_share", "partial", "withheld")},
           "intro": {}, "lines": {}, "areas": []}
    for lang in LANGUAGES:
        out["intro"][lang] = t("site_coverage_intro", lang, minutes=decimal(result.minutes, lang),
                               level=t(level, lang).lower())
        note = partial_note({**total, "level": whole or t("area", lang).lower()}, lang)
        if total["withheld"]:
            lines = [note]
        else:
            lines = [t("site_coverage_total", lang, minutes=decimal(result.minutes, lang),
                       pct=percent(total["coverage_pct"], lang), population=decimal(total["population"], lang))]
            lines += [note] if note else []
        lines += partial_summary(rows, lang) if len(rows) > 1 else []
        out["lines"][lang] = lines + [method_note(payload["method"], lang)]
    for r in rows:
        shown = not r["withheld"]
        area_row = {"code": r["code"], "name": r["name"], "population": r["population"],
                    "covered": r["covered_population"],
                    "pct": round(float(r["coverage_pct"]), 1) if shown and r["coverage_pct"] is not None else None,
                    "median": r["median_minutes"], "data_share": r["data_share"], "partial": r["partial"],
                    "withheld": r["withheld"], "cells": {}, "note": {}}
        for lang in LANGUAGES:
            figures = [decimal(r["covered_population"], lang), decimal(r["population"] - r["covered_population"], lang),
                       percent(r["coverage_pct"], lang), decimal(r["median_minutes"], lang, 1)] if shown else ["–"] * 4
            area_row["cells"][lang] = [r["name"], decimal(r["population"], lang), *figures]
            area_row["note"][lang] = partial_note(r, lang)
        out["areas"].append(area_row)
    return out


def _total_level(boundaries: gpd.GeoDataFrame, area: str | None, rows: list[dict]) -> str | None:
    """The word for the whole the site is about (``wijk``, ``gemeente``), for the flag of its total;
    None when it is none of these (the flag then says "area" in each language)."""
    if len(rows) == 1:
        return rows[0]["level"]
    if area and len(boundaries):
        own = boundaries.loc[(boundaries["code"].astype(object) == str(area).strip().upper()).to_numpy(), "level"]
        if len(own):
            return str(own.iloc[0])
    if "gemeente_code" in boundaries.columns and boundaries["gemeente_code"].dropna().nunique() == 1:
        return "gemeente"
    return None
