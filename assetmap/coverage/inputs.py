"""Coverage stage, loading: :func:`load_inputs` reads the workspace once into :class:`CoverageInputs`.

The network and the placed residents come from the kept placement when it is up to date
(:mod:`assetmap.coverage.placement`), else they are built and placed here.
"""

from __future__ import annotations

import re

import pandas as pd
import shapely

from assetmap import settings
from assetmap.coverage._common import DATA_DATES_TABLE, _report
from assetmap.coverage.demand import CoverageInputs, _points, analysis_areas, area_profiles, demand_points
from assetmap.coverage.network import build_network, snap
from assetmap.coverage.placement import _cached_placement, _kept_network, placement_key
from assetmap.layers import categories
from assetmap.layers.assets import meeting_places
from assetmap.memory import cycle_collection_paused
from assetmap.messages import N_, Message

__all__ = ["load_inputs"]


def load_inputs(ws, meeting_place_categories: tuple[str, ...] | None = None,
                include_private: bool = False, progress=None, categories: tuple[str, ...] | None = None,
                actor=None) -> CoverageInputs:
    """Read network, demand, meeting places and candidate sites from a workspace.

    Parameters
    ----------
    ws : assetmap.storage.Workspace
        An open workspace (read only).
    meeting_place_categories : tuple of str, optional
        Categories that count as meeting places besides the assets marked
        ``is_meeting_place``. Default: the catalogue's
        (:func:`assetmap.layers.categories.meeting_place_categories`).
    include_private : bool
        Also count meeting places that are not public or lack consent (default: only public ones
        with consent count).
    progress : callable, optional
        Called as ``progress(stage, done, total)`` with a stage message code (network, residents,
        placing residents on the network); None reports nothing.
    categories : tuple of str, optional
        A restriction (``assetmap coverage --categories``): only meeting places of these
        categories count. Check them first with :func:`only_categories`. None or empty: every
        meeting place counts.
    actor : assetmap.service.Actor, optional
        Whose view of the entries and activities is read (default: the workspace's own actor). A
        public output (the printed profile) passes the public actor, so that what waits for a
        coordinator, was rejected or is not public never moves its figures, whoever prints it.

    Returns
    -------
    CoverageInputs
        Network and demand in EPSG:28992; meeting places and candidates (the catalogue's
        ``meeting_place_candidate`` categories, public, not individuals, not already meeting
        places) as EPSG:4326 points with their meeting-place attributes; the activities, the
        completeness and groups per area; notes for the user.

    Raises
    ------
    CoverageError
        The workspace has no walking network, no boundaries or no population.
    assetmap.errors.InputError
        The category catalogue cannot be read.
    """
    # A city's network and residents are hundreds of thousands of long-lived objects: the cycle
    # collector would walk them again and again while they are made.
    with cycle_collection_paused():
        return _load_inputs(ws, meeting_place_categories, include_private, progress, categories, actor)


def _load_inputs(ws, meeting_place_categories: tuple[str, ...] | None, include_private: bool,
                 progress, only: tuple[str, ...] | None = None, actor=None) -> CoverageInputs:
    _report(progress, N_("progress_network"))
    boundaries = ws.boundaries()
    key = placement_key(ws, boundaries)
    network, kept = _kept_network(ws, key)
    if network is None:  # not kept yet (see save_demand_placement), or out of date: built from the layers
        network = build_network(*ws.walk_network())
    _report(progress, N_("progress_demand"))
    areas = analysis_areas(boundaries, ws.study_area())
    cached = _cached_placement(ws, key, network, areas, kept)
    if cached is not None:  # placed before (see save_demand_placement): the slow part is skipped
        demand, demand_snap = cached
    else:
        demand = demand_points(areas, ws.buildings())
        _report(progress, N_("progress_snap"))
        demand_snap = snap(network, shapely.get_coordinates(demand.geometry.array))
    assets = ws.assets(actor=actor)
    counted = tuple(categories.meeting_place_categories() if meeting_place_categories is None
                    else meeting_place_categories)
    marked = meeting_places(assets, counted, public_only=not include_private)
    if only:
        marked = marked[marked["category"].isin(list(only)).fillna(False).to_numpy()]
    places = _points(marked)
    public = (assets["visibility"] == "public").fillna(False) & assets["consent"].fillna(False).astype(bool)
    candidates = _points(assets[assets["category"].isin(categories.candidate_categories()) & public
                                & ~assets["id"].isin(places["id"]) & (assets["building_block"] != "individual")])
    notes = []
    unreachable = int(demand.loc[~demand_snap.reachable, "population"].sum())
    if unreachable:
        notes.append(Message("note_unreachable", count=unreachable, distance=f"{settings.MAX_SNAP_DISTANCE_M:.0f}"))
    if places.empty:
        notes.append(Message("note_no_meeting_places"))
    activities = ws.activities(actor=actor) if hasattr(ws, "activities") else None
    completeness, groups = area_profiles(areas, boundaries, assets, activities, counted)
    return CoverageInputs(network, areas, demand, demand_snap, places, candidates, notes, activities,
                          completeness, groups, key, _data_dates(ws, boundaries))


def _data_dates(ws, boundaries) -> dict:
    """``osm_date`` and ``cbs_year`` as the imports kept them (the boundaries' ``year`` when no import said it)."""
    dates = {"osm_date": None, "cbs_year": None}
    if DATA_DATES_TABLE in ws.tables():
        kept = ws.read_table(DATA_DATES_TABLE)
        for name, day in zip(kept["name"], kept["data_date"]):
            key = "osm_date" if name == "OpenStreetMap" else "cbs_year" if str(name).startswith("CBS") else None
            if key and isinstance(day, str) and day:
                dates[key] = day
    if dates["cbs_year"] is None and "year" in boundaries.columns:
        years = pd.to_numeric(boundaries["year"], errors="coerce").dropna()
        dates["cbs_year"] = str(int(years.max())) if len(years) else None
    if dates["cbs_year"] is None:  # imported before the dates were kept: the year in the file's name, if any
        sources = ws.sources()
        for name, reference in zip(sources.get("name", []), sources.get("reference", [])):
            found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", str(reference)) if str(name).startswith("CBS") else []
            dates["cbs_year"] = found[0] if found else dates["cbs_year"]
    return dates
