"""Matching: for an initiative, the assets nearby that answer what it seeks, nearest on foot first.

An entry *answers* a seek when

* its ``offers`` hold it (``space``, ``volunteers``, ``money``, ``successor`` or free text),
* one of its ``tags`` says it (``ruimte`` is ``space``, ``koken`` answers ``koken``),
* its category does: a meeting place (marked, or of a meeting-place category of the catalogue:
  buurthuis, community centre, library, ...) offers ``space``; a free-text seek equal to a
  category (``moestuin``) is answered by that category,
* or the seek names it: ``asset:<id>``.

Distances are walking metres over the workspace's walk network, with the functions of
:mod:`assetmap.coverage` (one Dijkstra pass from the initiative to every candidate). Where the
workspace has no walk network, or a candidate lies off it, the straight line in RD New
(EPSG:28992) is used instead and the row says so (``method`` ``straight_line``), ranked after
every place that can be reached on foot.

Read only: accepting a match is a write (:meth:`assetmap.service.Workspace.accept_match`).
People: an individual is a candidate only with consent and not private, and a public caller gets
the public view (the service applies the privacy rules), where a person is never placed finer
than their buurt.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from assetmap import settings
from assetmap.coverage import CoverageError, build_network, distances_from_sites, metres_per_minute, snap
from assetmap.errors import InputError
from assetmap.layers import categories
from assetmap.layers.initiatives import is_archived, join_list, normalise_seek, normalise_tag, split_list
from assetmap.layers.schema import ASSET_REFERENCE_PREFIX, SEEKING_KINDS

__all__ = ["MATCH_MAX_M", "SPACE", "MATCH_COLUMNS", "offered", "answers", "match", "with_tag"]

#: How far (metres) a match may be, by default: about 20 minutes' walk at 4.5 km/h.
MATCH_MAX_M: float = 1500.0
#: What a meeting place offers by being one.
SPACE = "space"
#: Columns of a match table, in order.
MATCH_COLUMNS: tuple[str, ...] = ("asset_id", "name", "building_block", "category", "buurt_code", "answers",
                                  "walk_m", "walk_minutes", "straight_m", "method")


def offered(record) -> set[str]:
    """What an entry offers, as seeks are written: its offers, its tags and what its category gives.

    Parameters
    ----------
    record : mapping
        An asset's fields (``offers``, ``tags``, ``category``, ``is_meeting_place``).

    Returns
    -------
    set of str
        Normalised offers (``space``, ``koken``, ...); a meeting place offers ``space``.
    """
    out = {normalise_seek(item) for item in split_list(record.get("offers"))}
    out |= {normalise_seek(tag) for tag in split_list(record.get("tags"))}
    category = record.get("category")
    meeting = record.get("is_meeting_place")
    if (isinstance(meeting, (bool, np.bool_)) and meeting) or category in categories.meeting_place_categories():
        out.add(SPACE)
    if isinstance(category, str) and category:
        out.add(category.lower())
    return out


def answers(seeks: list[str], record) -> list[str]:
    """The seeks of ``seeks`` that an entry answers (see the module docstring).

    Parameters
    ----------
    seeks : list of str
        Normalised seeks (as stored in ``seeks``).
    record : mapping
        The candidate's fields.

    Returns
    -------
    list of str
        The seeks it answers, in the order of ``seeks``.
    """
    has = offered(record)
    out = []
    for seek in seeks:
        if seek.startswith(ASSET_REFERENCE_PREFIX):
            if seek[len(ASSET_REFERENCE_PREFIX):] == record.get("id"):
                out.append(seek)
        elif seek in has:
            out.append(seek)
    return out


def match(ws, initiative_id: str, *, actor=None, max_m: float | None = None, limit: int | None = None,
          speed_kmh: float | None = None) -> pd.DataFrame:
    """The entries that answer what an initiative (or association) seeks, nearest on foot first.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The workspace (read only).
    initiative_id : str
        The initiative; it must be visible to ``actor``.
    actor : assetmap.service.Actor or str, optional
        Who asks: the candidates are what this actor may see.
    max_m : float, optional
        Leave out matches farther than this many metres (default :data:`MATCH_MAX_M`); a named
        asset (``asset:<id>``) is kept at any distance.
    limit : int, optional
        At most this many rows.
    speed_kmh : float, optional
        Walking speed for ``walk_minutes`` (default the setting).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`MATCH_COLUMNS`: ``answers`` the seeks it answers (``"; "``-joined),
        ``walk_m`` walking metres (NaN where it cannot be reached on foot), ``straight_m`` the
        straight line in metres, ``method`` ``walk`` or ``straight_line``. Sorted: reachable on
        foot by walking metres, then the rest by straight line.

    Raises
    ------
    InputError
        The initiative is not there (or not visible), or it is no initiative or association.
    """
    assets = ws.assets(actor=actor)
    found = assets[(assets["id"] == initiative_id).fillna(False).to_numpy()] if len(assets) else assets
    if found.empty or found["building_block"].iloc[0] not in SEEKING_KINDS:
        raise InputError("not_an_initiative", "fix_pick_initiative", id=initiative_id)
    initiative = found.iloc[0]
    seeks = split_list(initiative["seeks"])
    candidates = _candidates(assets, initiative_id)
    rows = []
    for record in candidates.to_dict("records"):
        matched = answers(seeks, record)
        if matched:
            rows.append((record, matched))
    if not rows:
        return pd.DataFrame(columns=list(MATCH_COLUMNS))
    frame = gpd.GeoDataFrame([r for r, _ in rows], geometry="geometry", crs=settings.STORAGE_CRS)
    walk, straight = _distances(ws, found, frame)
    out = pd.DataFrame({
        "asset_id": frame["id"].to_numpy(), "name": frame["name"].to_numpy(),
        "building_block": frame["building_block"].to_numpy(), "category": frame["category"].to_numpy(),
        "buurt_code": frame["buurt_code"].to_numpy(), "answers": [join_list(m) for _, m in rows],
        "walk_m": walk, "walk_minutes": walk / metres_per_minute(speed_kmh), "straight_m": straight,
        "method": np.where(np.isfinite(walk), "walk", "straight_line"),
    })
    named = np.array([any(m.startswith(ASSET_REFERENCE_PREFIX) for m in matched) for _, matched in rows])
    distance = np.where(np.isfinite(walk), walk, straight)
    limit_m = MATCH_MAX_M if max_m is None else float(max_m)
    out = out[(distance <= limit_m) | named]
    out = out.assign(_off=~np.isfinite(out["walk_m"]), _d=np.where(np.isfinite(out["walk_m"]), out["walk_m"],
                                                                    out["straight_m"]))
    out = out.sort_values(["_off", "_d", "name"], kind="stable").drop(columns=["_off", "_d"])
    out["walk_m"] = out["walk_m"].where(np.isfinite(out["walk_m"]))
    out["walk_minutes"] = out["walk_minutes"].where(np.isfinite(out["walk_minutes"]))
    out = out.reset_index(drop=True)
    return out.head(limit) if limit else out


def _candidates(assets: gpd.GeoDataFrame, initiative_id: str) -> gpd.GeoDataFrame:
    """Entries that could answer: not the initiative, no story, not archived, with a place; a person only
    with consent and not private."""
    if not len(assets):
        return assets
    keep = (assets["id"] != initiative_id).fillna(False) & (assets["building_block"] != "story").fillna(False)
    keep &= assets.geometry.notna() & ~assets.geometry.is_empty
    person = (assets["building_block"] == "individual").fillna(False)
    allowed = assets["consent"].fillna(False).astype(bool) & (assets["visibility"] != "private").fillna(False)
    keep &= ~person | allowed
    frame = assets[keep.to_numpy()]
    archived = np.array([is_archived(r) for r in frame[["status", "ended_at"]].to_dict("records")], dtype=bool)
    return frame[~archived] if len(frame) else frame


def _distances(ws, origin: gpd.GeoDataFrame, targets: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Walking metres (inf where there is no path) and straight-line metres from ``origin`` to each target."""
    start = origin.to_crs(settings.METRIC_CRS).geometry.representative_point()
    ends = targets.to_crs(settings.METRIC_CRS).geometry.representative_point()
    straight = ends.distance(start.iloc[0]).to_numpy(dtype=float)
    try:
        network = build_network(*ws.walk_network())
    except CoverageError:
        return np.full(len(targets), np.inf), straight  # no walk network: the straight line, documented
    xy = lambda points: np.column_stack([points.x.to_numpy(), points.y.to_numpy()])  # noqa: E731
    walk = distances_from_sites(network, snap(network, xy(start)), snap(network, xy(ends)))[0]
    return walk, straight


def with_tag(assets: gpd.GeoDataFrame, tag: str, area: str | None = None) -> gpd.GeoDataFrame:
    """Who or what in this buurt has … : the entries with a tag, optionally in one area.

    A person is listed only with consent and when not private; give the public view
    (:func:`assetmap.privacy.public_view`) for a public caller.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        The entries the caller may see.
    tag : str
        The tag, as typed (``Koken`` finds ``koken``).
    area : str, optional
        A buurt, wijk or gemeente code (``BU05032800``, ``WK050328``, ``GM0503``).

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows of ``assets``, archived entries included (they say ``gestopt``).
    """
    if not len(assets):
        return assets
    wanted = normalise_tag(tag)
    has = np.array([wanted in split_list(v) for v in assets["tags"].astype(object)], dtype=bool)
    person = (assets["building_block"] == "individual").fillna(False).to_numpy()
    allowed = (assets["consent"].fillna(False).astype(bool) & (assets["visibility"] != "private").fillna(False))
    has &= ~person | allowed.to_numpy()
    if area:
        code = area.strip().upper()
        inside = np.zeros(len(assets), dtype=bool)
        for column in ("buurt_code", "wijk_code", "gemeente_code"):
            inside |= (assets[column] == code).fillna(False).to_numpy()
        has &= inside
    return assets[has]
