"""What a profile shows: one area's public entries, links, coverage and suggestions, gathered.

Part of :mod:`assetmap.report` (which re-exports every public name here). Everything comes from
the public view through the service, and coverage from the same functions as ``assetmap coverage``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from assetmap import settings
from assetmap.connections import build_connections
from assetmap.coverage_notes import area_total
from assetmap.errors import InputError
from assetmap.layers.boundaries import area_code
from assetmap.layers.grid import area_of
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.maps import plain_text
from assetmap.messages import N_
from assetmap.service import Actor

__all__ = ["LEVEL_CODES", "MAX_PHOTOS", "NETWORK_BLOCKS", "SUGGESTIONS", "AreaProfile", "build_profile", "find_area"]

#: Suggested new meeting places shown in a profile.
SUGGESTIONS: int = 3
#: The building blocks of the profile's network: the area's associations, institutions and places.
NETWORK_BLOCKS: tuple[str, ...] = ("association", "institution", "resource")
#: Most story photos on a profile's photo page (a grid of 3 x 4).
MAX_PHOTOS: int = 12
#: Code of the word for each level of area.
LEVEL_CODES: dict[str, str] = {"gemeente": N_("report_level_gemeente"), "wijk": N_("report_level_wijk"),
                               "buurt": N_("report_level_buurt")}


@dataclass
class AreaProfile:
    """Everything a profile shows, from public data only (see :func:`build_profile`).

    Parameters
    ----------
    code : str
        The CBS code asked for (``GM``, ``WK`` or ``BU``).
    name : str
        The area's name (its code when the workspace has no name for it).
    level : str
        ``gemeente``, ``wijk`` or ``buurt``.
    area : shapely.Geometry
        The area's boundary in RD New (EPSG:28992).
    assets : geopandas.GeoDataFrame
        The public assets of the area (EPSG:4326), from the public view.
    links : list of tuple
        ``(from name, link kind, to name)`` between public assets of which one lies in the area,
        from the links layer and from stories' ``related_asset_id``.
    coverage : list of dict
        The rows of ``coverage --json`` (``buurten``) for the area: its own row, or the rows of
        the areas inside it. Empty when the workspace has no coverage inputs.
    coverage_total : dict or None
        ``population``, ``covered_population``, ``uncovered_population`` and ``coverage_pct``
        over ``coverage`` (the row itself when there is one row).
    minutes : float
        Walking minutes that count as nearby.
    speed_kmh : float
        Walking speed used, km/h.
    meeting_places : geopandas.GeoDataFrame
        The public meeting places counted, inside the area (EPSG:4326).
    suggestions : geopandas.GeoDataFrame
        Suggested new meeting places inside the area (``rank``, ``name``, ``added_population``,
        ``coverage_pct_after``; EPSG:4326), from ``coverage.suggest_sites``.
    sources : pandas.DataFrame
        The workspace's data sets (``name``, ``licence``, ``attribution``, ``imported_at``).
    made_on : datetime.date
        The date the profile was made.
    notes : list of str
        Message codes of things the reader should know (no coverage, no population).
    filters : dict
        The meeting-place filters applied (``when``, ``access``, ``group``; None where not set).
    place_counts : dict
        ``places`` (meeting places before the filters) and ``counted``.
    method : dict
        The method stamp of the coverage figures (:func:`assetmap.coverage.method_stamp`); empty
        without coverage.
    network : assetmap.connections.Connections or None
        The public network of the area's associations, institutions and places (:data:`NETWORK_BLOCKS`),
        with what they link to outside it; people never in it.
    photos : list of dict
        The approved photos of the area's public stories (``story``, ``caption``, ``credit``,
        ``thumbnail``: JPEG bytes as stored, no metadata), at most :data:`MAX_PHOTOS`.
    """

    code: str
    name: str
    level: str
    area: object
    assets: gpd.GeoDataFrame
    links: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    coverage_total: dict | None = None
    minutes: float = settings.COVERAGE_MINUTES
    speed_kmh: float = settings.WALK_SPEED_KMH
    meeting_places: gpd.GeoDataFrame | None = None
    suggestions: gpd.GeoDataFrame | None = None
    sources: pd.DataFrame | None = None
    made_on: date = field(default_factory=date.today)
    notes: list = field(default_factory=list)
    method: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    place_counts: dict = field(default_factory=dict)
    network: object = None
    photos: list = field(default_factory=list)

    def block_counts(self) -> dict[str, int]:
        """Number of public entries per building block and initiatives (every kind, 0 included)."""
        counts = self.assets["building_block"].value_counts() if len(self.assets) else {}
        return {block: int(counts.get(block, 0)) for block in ENTRY_KINDS}

    def category_counts(self) -> list[tuple[str, str, int]]:
        """``(building block, category, count)``, most common first (missing category as ``""``)."""
        if not len(self.assets):
            return []
        frame = self.assets.assign(category=self.assets["category"].fillna("").astype(str))
        counts = frame.groupby(["building_block", "category"]).size().reset_index(name="n")
        counts = counts.sort_values(["n", "building_block", "category"], ascending=[False, True, True])
        return [(b, c, int(n)) for b, c, n in counts.itertuples(index=False)]

    def stories(self) -> list[dict]:
        """The public stories of the area, those with a description first: ``name``, ``description``, ``about``."""
        if not len(self.assets):
            return []
        names = dict(zip(self.assets["id"], self.assets["name"].astype(object)))
        rows = self.assets[(self.assets["building_block"] == "story").fillna(False).to_numpy()]
        out = []
        for row in rows.itertuples():
            related = getattr(row, "related_asset_id", None)
            out.append({"name": plain_text(row.name), "description": plain_text(row.description),
                        "about": plain_text(names.get(related)) if plain_text(related) else ""})
        return sorted(out, key=lambda s: (not s["description"], not s["about"]))


def build_profile(ws, code: str, minutes: float | None = None, speed_kmh: float | None = None,
                  filters=None) -> AreaProfile:
    """Gather a profile of one area from the public view of a workspace.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    code : str
        CBS code of a gemeente (``GM0503``), wijk (``WK050328``) or buurt (``BU05032800``).
    minutes : float, optional
        Walking minutes that count as nearby; default ``settings.COVERAGE_MINUTES``.
    speed_kmh : float, optional
        Walking speed in km/h; default ``settings.WALK_SPEED_KMH``.
    filters : assetmap.coverage.PlaceFilters, optional
        Which meeting places count (open when, access, for whom), as on the app's page; all when None.

    Returns
    -------
    AreaProfile
        The area's public assets, links, coverage rows, meeting places and suggestions.

    Raises
    ------
    InputError
        ``report_area_unknown`` when no boundary has or names ``code``; ``minutes`` or the speed
        is not a number above 0.
    """
    from assetmap.coverage import CoverageError, area_rows, compute_coverage, load_inputs, suggest_sites

    boundaries = ws.boundaries()
    code, name, level, area = find_area(boundaries, code)
    public = Actor(None, "public")
    assets = ws.assets(actor=public)
    in_area = _in_area(assets, code, level)
    profile = AreaProfile(code=code, name=name, level=level, area=area, assets=assets[in_area].copy())
    public_links = ws.links(actor=public)
    profile.links = _links(assets, public_links, set(profile.assets["id"]))
    profile.network = build_connections(assets, public_links, anonymous_people=True, area=code, level=level,
                                        blocks=NETWORK_BLOCKS)
    profile.sources = ws.sources()
    profile.photos = _story_photos(ws, profile.assets, public)
    try:
        inputs = load_inputs(ws, actor=public)  # a coordinator's print shows what a resident's would
    except CoverageError:
        profile.notes.append(N_("report_no_coverage"))
        return profile
    result = compute_coverage(inputs, minutes, speed_kmh, filters=filters)
    profile.filters, profile.place_counts = dict(result.filters), dict(result.place_counts)
    profile.minutes, profile.speed_kmh, profile.method = result.minutes, result.speed_kmh, dict(result.method)
    rows = result.to_dict()["buurten"]
    profile.coverage = area_rows(rows, boundaries, code)
    profile.coverage_total = area_total(profile.coverage, _cbs_population(boundaries, code, profile.coverage))
    if not profile.coverage:
        profile.notes.append(N_("report_outside_coverage"))
    area_4326 = gpd.GeoSeries([area], crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS).iloc[0]
    places = result.meeting_places
    profile.meeting_places = places[places.geometry.within(area_4326).to_numpy()].reset_index(drop=True)
    # Suggest only sites inside the area: the same greedy choice as `assetmap suggest`, over the
    # area's own candidates.
    candidates = inputs.candidates[inputs.candidates.geometry.within(area_4326).to_numpy()]
    if len(candidates):
        local = dataclasses.replace(inputs, candidates=candidates.reset_index(drop=True))
        profile.suggestions = suggest_sites(local, result.minutes, result.speed_kmh, count=SUGGESTIONS)
    return profile


def _story_photos(ws, assets: gpd.GeoDataFrame, public: Actor) -> list[dict]:
    """The approved photos of the public stories among ``assets`` (the public reads them), oldest first."""
    stories = assets[(assets["building_block"] == "story").fillna(False).to_numpy()] if len(assets) else assets
    names = dict(zip(stories["id"], stories["name"].astype(object))) if len(stories) else {}
    found = []
    for photo in ws.photos(actor=public).itertuples():
        if photo.asset_id in names and len(found) < MAX_PHOTOS:
            image = ws.photo_image(photo.id, thumbnail=True, actor=public)
            if image is not None:
                found.append({"story": plain_text(names[photo.asset_id]), "caption": plain_text(photo.caption),
                              "credit": plain_text(photo.credit), "thumbnail": image})
    return found


def _in_area(assets: gpd.GeoDataFrame, code: str, level: str) -> np.ndarray:
    """Which assets belong to the area (by their stored area code): the profile's and the poster's count."""
    if not len(assets):
        return np.zeros(0, bool)
    column = {"gemeente": "gemeente_code", "wijk": "wijk_code", "buurt": "buurt_code"}[level]
    in_area = (assets[column] == code).fillna(False).to_numpy()
    if level == "wijk":
        # A wijk of a workspace without buurten is also the "buurt" code of its assets.
        in_area |= (assets["buurt_code"] == code).fillna(False).to_numpy()
    return in_area


def _links(assets: gpd.GeoDataFrame, links: pd.DataFrame, area_ids: set) -> list[tuple[str, str, str]]:
    """Links with at least one end in the area, both ends public (the public view already dropped the rest).

    A resident (an individual capacity) is never named at an end: ``None`` there, which the page writes
    as "a resident". The network of the profile counts people only (issue 35); a list of who works with
    whom would be a register of people.
    """
    names = dict(zip(assets["id"], assets["name"].astype(object))) if len(assets) else {}
    if len(assets):
        names |= {i: None for i in assets.loc[(assets["building_block"] == "individual").to_numpy(), "id"]}
    out = []
    if links is not None and len(links):
        for a, b, kind in zip(links["from_asset_id"], links["to_asset_id"], links["kind"]):
            if a in names and b in names and (a in area_ids or b in area_ids):
                out.append((_end(names[a]), plain_text(kind) or "other", _end(names[b])))
    if len(assets) and "related_asset_id" in assets.columns:
        for a, b in zip(assets["id"], assets["related_asset_id"]):
            if plain_text(b) and b in names and (a in area_ids or b in area_ids):
                out.append((_end(names[a]), "story_about", _end(names[b])))
    return out


def _end(name) -> str | None:
    """The name at one end of a link as the profile prints it; None for a resident."""
    return None if name is None else plain_text(name)


def find_area(boundaries: gpd.GeoDataFrame, code: str | None) -> tuple[str, str, str, object]:
    """The area a profile or poster is for, or the coded error that says which codes exist.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        The workspace's boundaries (EPSG:4326).
    code : str or None
        CBS code of a gemeente, wijk or buurt (case and spaces do not matter), or its name (see
        :func:`assetmap.layers.boundaries.area_code`).

    Returns
    -------
    tuple
        ``(code, name, level, geometry)``: the normalised code, the area's name, its level and its
        outline in RD New (see :func:`assetmap.layers.grid.area_of`).

    Raises
    ------
    InputError
        ``report_area_unknown`` when no boundary has ``code``; ``area_name_unknown`` or
        ``area_name_ambiguous`` for a name that fits no area or several.
    """
    code = area_code(boundaries, code)
    found = area_of(boundaries.to_crs(settings.METRIC_CRS) if len(boundaries) else None, code)
    if found is None:
        known = ", ".join(f"{n} ({c})" for c, n in sorted(zip(boundaries["code"].astype(str),
                                                               boundaries["name"].astype(str)))[:8]) \
            if len(boundaries) else "-"
        raise InputError("report_area_unknown", "fix_report_area" if len(boundaries) else "fix_import_buurten",
                         code=code, known=known)
    return (code, *found)


def _cbs_population(boundaries: gpd.GeoDataFrame, code: str, rows: list[dict]) -> int:
    """The CBS residents of the whole area: its own count, else the sum of the areas in it, else of its rows."""
    own = pd.to_numeric(boundaries.loc[boundaries["code"] == code, "population"], errors="coerce").dropna()
    if len(own):
        return int(own.iloc[0])
    parts = pd.Series(False, index=boundaries.index)
    for column in ("wijk_code", "gemeente_code"):
        if column in boundaries.columns:
            parts |= (boundaries[column] == code).fillna(False)
    finest = boundaries[parts & (boundaries["code"] != code)]
    if len(finest):
        levels = set(finest["level"])
        finest = finest[finest["level"] == ("buurt" if "buurt" in levels else "wijk")]
        counted = pd.to_numeric(finest["population"], errors="coerce").dropna()
        if len(counted):
            return int(counted.sum())
    return int(sum(r.get("population_cbs", r["population"]) for r in rows))


