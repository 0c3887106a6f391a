"""What the pages read from a workspace, cached across sessions (``st.cache_data``).

Part of :mod:`assetmap.ui` (which re-exports every name here). Every read is keyed by the
workspace's version (:func:`assetmap.ui.workspace_version`), which changes on every write, so a
write is read anew on the next run. Which workspace a session reads, and as whom, is :mod:`assetmap.ui`'s.
"""

from __future__ import annotations

from types import MappingProxyType

import geopandas as gpd
import streamlit as st

from assetmap.service import Actor, open_workspace

__all__ = ["load_block_labels", "load_boundaries", "load_layers", "load_public_assets", "public_list_html", "public_map",
           "shared_public"]


@st.cache_data(show_spinner=False, max_entries=16)
def load_block_labels(path: str, version: tuple[int, int]) -> dict[str, str]:
    """The workspace's own building-block names (:meth:`assetmap.service.Workspace.labels`).

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file: the cache key, which changes on every write.

    Returns
    -------
    dict of str to str
        Building block -> label; empty for the standard labels.
    """
    with open_workspace(path, Actor(None, "public")) as ws:
        return ws.labels()


@st.cache_data(show_spinner=False, max_entries=32)
def load_layers(path: str, version: tuple[int, int], role: str, pseudonym: str | None) -> dict:
    """Assets, boundaries, links and sources of a workspace version, as one actor may see them.

    Cached with ``st.cache_data`` (32 entries, shared by every session of the server, keyed by the
    actor too); each call gets its own copy of the cached frames.

    Parameters
    ----------
    path : str
        The workspace file (a string, so that Streamlit can hash it).
    version : tuple of int
        From :func:`~assetmap.ui.workspace_version`; only a part of the cache key, so a write reads anew.
    role : str
        The actor's role (``public``, ``workshop`` or ``coordinator``).
    pseudonym : str or None
        The actor's pseudonym (a ``workshop`` actor sees their own private entries).

    Returns
    -------
    dict
        ``assets`` (what the service gives this actor: the public view, the workshop view, or
        every asset for a coordinator) and ``boundaries`` as EPSG:4326 GeoDataFrames, ``links``
        (between assets the actor sees) and ``sources`` as DataFrames.

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    actor = Actor(pseudonym, role)
    with open_workspace(path, actor) as ws:
        return {"assets": ws.assets(actor=actor), "boundaries": ws.boundaries(), "links": ws.links(actor=actor),
                "sources": ws.sources()}


@st.cache_data(show_spinner=False, max_entries=8)
def load_public_assets(path: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    """The public view of a workspace version, as the service gives it to the public role.

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file: the cache key, which changes on every write.

    Returns
    -------
    geopandas.GeoDataFrame
        The assets the public may see, in EPSG:4326 (individuals at their area's anchor,
        contact fields and ``added_by`` emptied).

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    public = Actor(None, "public")
    with open_workspace(path, public) as ws:
        return ws.assets(actor=public)


@st.cache_data(show_spinner=False, max_entries=8)
def load_boundaries(path: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    """The CBS boundaries of a workspace version: open data, the same for every role.

    For a page that needs only them (the coverage page), without reading the assets as well.

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file: the cache key, which changes on every write.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``level``, ``population`` and the other CBS fields, in EPSG:4326.

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    with open_workspace(path, Actor(None, "public")) as ws:
        return ws.boundaries()


@st.cache_resource(show_spinner=False, max_entries=4)
def shared_public(path: str, version: tuple[int, int]) -> MappingProxyType:
    """The public view of a workspace version, one object shared read-only by every session.

    Unlike :func:`load_layers` (``st.cache_data``: pickled and copied for every call), every
    resident's run gets this same object, so nothing is unpickled per visit. Only the public actor's
    view is ever stored here; a write changes ``version``, so the next run reads anew. Callers never
    modify the frames (filters make new ones).

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file: the cache key, which changes on every write.

    Returns
    -------
    types.MappingProxyType
        ``assets`` (the public view, EPSG:4326), ``boundaries``, ``links`` (between public assets) and
        ``stale_months`` (the workspace's freshness limit, for "lang niet gecontroleerd").
        ``photos`` (entry id -> thumbnails of its approved photos as ``data:`` URIs, with captions).

    Raises
    ------
    assetmap.errors.WorkspaceError
        The file is missing, not a workspace, or of a newer schema version.
    """
    public = Actor(None, "public")
    with open_workspace(path, public) as ws:
        return MappingProxyType({"assets": ws.assets(actor=public), "boundaries": ws.boundaries(),
                                 "links": ws.links(actor=public), "stale_months": ws.stale_months(),
                                 "photos": _public_photos(ws, public)})


def _public_photos(ws, public: Actor) -> dict[str, list[tuple[str, str]]]:
    """Entry id -> ``(data URI of the thumbnail, caption)`` of its approved public photos, for popups."""
    import base64

    found: dict[str, list[tuple[str, str]]] = {}
    for photo in ws.photos(actor=public).itertuples():
        image = ws.photo_image(photo.id, thumbnail=True, actor=public)
        if image is not None:
            found.setdefault(photo.asset_id, []).append(
                ("data:image/jpeg;base64," + base64.b64encode(image).decode("ascii"), photo.caption))
    return found


@st.cache_resource(show_spinner=False, max_entries=24)
def public_map(path: str, version: tuple[int, int], lang: str, ids: tuple[str, ...] | None = None):
    """The residents' map of the public view, built and rendered once and shared by every session.

    Keyed by the workspace version (a write gives a new map at once), the language and the assets
    shown (``None``: all of them, the first view every resident gets). Drawn from
    :func:`shared_public` only: never a role's wider view.

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file.
    lang : str
        Language of the map's labels and popups.
    ids : tuple of str, optional
        The ids of the public assets to draw (a filtered view); ``None`` for all.

    Returns
    -------
    assetmap._ui_widgets.RenderedMap
        What :func:`assetmap.ui.show_map` draws.
    """
    from assetmap import maps
    from assetmap._ui_widgets import render_map
    from assetmap.basemap import offline_base

    data = shared_public(path, version)
    assets = data["assets"]
    if ids is not None:
        assets = assets[assets["id"].isin(ids).to_numpy()]
    with offline_base(path):  # readable without internet: streets, water and green from the workspace
        fmap = maps.asset_map(assets, data["boundaries"], links=data["links"], lang=lang,
                              leaflet_base=maps.LOCAL_LEAFLET, stale_months=data["stale_months"],
                              photos=data["photos"])
    return render_map(fmap)


@st.cache_resource(show_spinner=False, max_entries=24)
def public_list_html(path: str, version: tuple[int, int], lang: str, ids: tuple[str, ...] | None = None) -> str:
    """The residents' list of the public view by name (the map's text equivalent), made once and shared.

    Keyed like :func:`public_map`; drawn from :func:`shared_public` only.

    Parameters
    ----------
    path : str
        The workspace file.
    version : tuple of int
        :func:`~assetmap.ui.workspace_version` of the file.
    lang : str
        Language of the list.
    ids : tuple of str, optional
        The ids of the public assets to list (a filtered view); ``None`` for all.

    Returns
    -------
    str
        :func:`assetmap.maps.asset_list_html` of the assets, sorted by name; areas by their buurt
        (or, without buurten, wijk) name.
    """
    from assetmap import maps

    data = shared_public(path, version)
    assets, boundaries = data["assets"], data["boundaries"]
    if ids is not None:
        assets = assets[assets["id"].isin(ids).to_numpy()]
    level = "buurt" if len(boundaries) and (boundaries["level"] == "buurt").any() else "wijk"
    areas = boundaries[boundaries["level"] == level] if len(boundaries) else boundaries
    area_names = dict(zip(areas["code"], areas["name"].astype(object))) if len(areas) else {}
    listed = assets.sort_values("name", key=lambda names: names.fillna("").str.casefold(), kind="stable")
    return maps.asset_list_html(listed, data["links"], lang=lang, area_names=area_names,
                                area_column=f"{level}_code", photos=data["photos"])
