"""The editing service's face: :class:`Workspace`, and opening or creating one.

:class:`Workspace` is a thin facade: it only puts the parts of the service together, each built
on the same core (:mod:`assetmap.service._core`).
"""

from __future__ import annotations

import os

from assetmap.service.accounts import Accounts
from assetmap.service.activities import Activities
from assetmap.service.freshness import Freshness
from assetmap.service.initiatives import Initiatives
from assetmap.service.labels import Labels
from assetmap.service.map_data import MapData
from assetmap.service.photos import Photos
from assetmap.service.policy import Actor
from assetmap.service.reports import Reports
from assetmap.service.retention import Retention
from assetmap.service.update_links import UpdateLinks
from assetmap.storage import create_store, location_exists, open_store

__all__ = ["Workspace", "create_workspace", "open_workspace"]


class Workspace(Initiatives, Reports, Photos, Accounts, Activities, Labels, MapData, Retention, Freshness,
                UpdateLinks):
    """A workspace seen through the editing service.

    Its methods come from the parts of the service, each built on the same core: entries and
    initiatives, moderation and reports, photos, accounts and table codes, activities, labels and map data,
    retention (expiry of pseudonyms, erasure, access, status), freshness (entries nobody checked for
    too long) and update links (an entry's owner keeps it up to date).

    Parameters
    ----------
    store : Store
        Where the tables live.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator without pseudonym, as on a
        laptop used by one person).
    """


# ---------------------------------------------------------------------- opening
def open_workspace(location: str | os.PathLike, actor: Actor | None = None) -> Workspace:
    """Open an existing workspace through the editing service.

    Parameters
    ----------
    location : path-like or str
        A workspace ``.gpkg`` file, or a PostgreSQL URI ``postgresql://user:password@host:port/db?schema=name``.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator).

    Returns
    -------
    Workspace

    Raises
    ------
    assetmap.errors.WorkspaceError
        Missing, not a workspace, or of a newer schema version.
    """
    workspace = Workspace(open_store(location), actor)
    if getattr(workspace.store, "migrated", False):  # new columns: the views for GIS tools show them too
        workspace.refresh_public_views()
        workspace.store.migrated = False
    return workspace


def create_workspace(location: str | os.PathLike, *, exist_ok: bool = False, actor: Actor | None = None
                     ) -> Workspace:
    """Create a new, empty workspace (or open it, with ``exist_ok``).

    Parameters
    ----------
    location : path-like or str
        The ``.gpkg`` file to create, or a PostgreSQL URI (see :func:`open_workspace`).
    exist_ok : bool
        Open the file instead when it exists already.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator).

    Returns
    -------
    Workspace
        The workspace, open.

    Raises
    ------
    assetmap.errors.InputError
        The file exists (without ``exist_ok``), has the wrong suffix, or its folder is missing.
    assetmap.errors.WorkspaceError
        With ``exist_ok``: the existing file is not a workspace, or of a newer schema version.
    """
    if exist_ok and location_exists(location):
        return open_workspace(location, actor)
    workspace = Workspace(create_store(location), actor)
    workspace.refresh_public_views()  # a server workspace has its public views for GIS tools at once
    return workspace
