"""The editing service: the one writer of a workspace.

Every face (the CLI, the app's pages, imports, the tests) reads and writes a workspace through
:class:`Workspace`. It holds the rules a store does not know:

- history: every create, edit, delete, restore and undo is recorded with who, when, and the full
  state before and after;
- undo and restore, per actor and field by field;
- ownership: with ``owner_only`` (and for the ``workshop`` role) only the one who added an entry
  may change it;
- referential checks: a story's ``related_asset_id`` and a link's ends must exist;
- derived codes: new boundaries re-code every asset in the same transaction;
- access: local accounts (argon2 password hashes, lockout after failed sign-ins), table codes
  that let a workshop table in under a pseudonym, and moderation of what tables make public.

A :class:`~assetmap.storage.Store` underneath does the I/O, one transaction per call.
"""

from __future__ import annotations

import hashlib
import json
import itertools
import math
import operator
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely
from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied, Problem
from assetmap.layers.activities import build_activities, empty_activities
from assetmap.layers.assets import build_assets, empty_assets, now_iso
from assetmap.layers.boundaries import assign_codes
from assetmap.layers.initiatives import is_archived, is_owner
from assetmap.layers.links import build_links
from assetmap.layers.schema import (
    ACTIVITY_FIELDS, ARCHIVED_STATUS, ASSET_FIELDS, BUILDING_BLOCKS, CONTACT_FIELDS, INITIATIVE, INITIATIVE_STATUSES, SEEKING_KINDS,
)
from assetmap.privacy import PSEUDONYM_FIELDS, public_activities, public_view, workshop_view
from assetmap.storage import PRIVATE_TABLES, TABLES, Store, create_store, location_exists, open_store
from assetmap.storage.geopackage import plain_value, plain_values

#: Roles, from least to most rights. ``coordinator`` is today's full rights (a local single user).
ROLES: tuple[str, ...] = ("public", "workshop", "coordinator")
#: Roles a local account may have (the public needs no account).
ACCOUNT_ROLES: tuple[str, ...] = ("workshop", "coordinator")

_TIMESTAMPS = ("updated_at", "created_at")


@dataclass(frozen=True)
class Actor:
    """Who calls the service: a pseudonym (recorded as ``added_by`` and in the history) and a role.

    Parameters
    ----------
    pseudonym : str or None
        The name a participant gave, or the name of an import (``"OpenStreetMap"``).
    role : {'public', 'workshop', 'coordinator'}
        What the actor may do. ``workshop`` may change only their own entries; ``public`` may not write.

    Raises
    ------
    ValueError
        ``role`` is not one of :data:`ROLES`.
    """

    pseudonym: str | None = None
    role: str = "coordinator"

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")


#: What an actor may be given as: an :class:`Actor`, a pseudonym, or None (the workspace's own actor).
ActorLike = Actor | str | None


@dataclass
class SaveReport:
    """What a write did: the ids added, updated and left unchanged.

    Parameters
    ----------
    added : list of str
        Ids of the assets that were new.
    updated : list of str
        Ids of stored assets that changed.
    unchanged : list of str
        Ids of stored assets the write left as they were (equal apart from their timestamps).
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class Workspace:
    """A workspace seen through the editing service.

    Parameters
    ----------
    store : Store
        Where the tables live.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator without pseudonym, as on a
        laptop used by one person).
    moderation_default : bool
        Whether moderation is on where the workspace never set it (a hosted app: on).
    """

    def __init__(self, store: Store, actor: Actor | None = None, *, moderation_default: bool = False):
        self.store = store
        self.actor = actor or Actor()
        self.moderation_default = moderation_default
        self._write_depth = 0
        # Whether the open write changed what the public sees of individuals (see refresh_public_views).
        self._people_changed = False

    # ------------------------------------------------------------------ life cycle
    @property
    def location(self) -> str:
        """Where the workspace lives: a file path, or a server URI with its password masked."""
        return self.store.location

    @property
    def path(self):
        """The workspace file (GeoPackage stores)."""
        return getattr(self.store, "path", None)

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several service calls into one transaction: all of them land, or none."""
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A store transaction; at the end of the outermost one, the public views for GIS tools are
        brought up to date inside it when the write may have changed them (server stores only)."""
        outer = self._write_depth == 0
        self._write_depth += 1
        try:
            with self.store.transaction():
                yield
                if outer and self._people_changed:
                    self.refresh_public_views()
        finally:
            self._write_depth -= 1
            if outer:
                self._people_changed = False

    def refresh_public_views(self) -> bool:
        """Write the public view for GIS tools: one view or table per entry kind in the schema
        ``<schema>_public`` of a server workspace (see :mod:`assetmap.storage.postgis`).

        The building blocks and initiatives other than individuals are SQL views over ``assets``
        (always current). Individuals cannot be: their place is the anchor of their area and their
        texts are masked (:func:`assetmap.privacy.public_view`), so their table is written here,
        from the public view, after every write that touches an individual or the map data.

        Returns
        -------
        bool
            True when the store keeps public views (a PostGIS store), False for a GeoPackage.
        """
        publish = getattr(self.store, "refresh_public_views", None)
        if publish is None:
            return False
        with self.store.transaction():
            shown = public_view(self.store.read("assets", {"visibility": "public"}), self.boundaries(),
                                self.buildings(), self.study_area())
            people = shown[(shown["building_block"] == "individual").fillna(False).to_numpy()]
            publish(people, hidden=CONTACT_FIELDS + PSEUDONYM_FIELDS)
        return True

    # ------------------------------------------------------------------ reading
    def assets(self, building_block: str | None = None, buurt_code: str | None = None, *,
               actor: ActorLike = None) -> gpd.GeoDataFrame:
        """Assets the actor may see, optionally of one building block and/or one buurt.

        Parameters
        ----------
        building_block : str, optional
            Keep only this building block (``individual``, ``association``, ``institution``,
            ``resource`` or ``story``). None or empty keeps every block.
        buurt_code : str, optional
            Keep only the assets of this buurt (a CBS code such as ``BU05180000``). None or empty
            keeps every buurt.
        actor : Actor or str, optional
            A coordinator sees every field of every entry; a ``workshop`` actor public and group
            entries plus their own private ones, without contact fields
            (:func:`assetmap.privacy.workshop_view`); ``public`` the public view
            (:func:`assetmap.privacy.public_view`).

        Returns
        -------
        geopandas.GeoDataFrame
            The matching assets in the order they were written, in EPSG:4326; an empty asset
            layer when none match.
        """
        actor = self._actor(actor)
        where = {k: v for k, v in (("building_block", building_block), ("buurt_code", buurt_code)) if v}
        if actor.role == "public":
            # The public view is made from every entry, then filtered, so a filter cannot change it.
            frame = public_view(self.store.read("assets", {"visibility": "public"}), self.boundaries(),
                                self.buildings(), self.study_area())
            for column, value in where.items():
                frame = frame[(frame[column] == value).fillna(False).to_numpy()]
        else:
            frame = self.store.read("assets", where or None)
            if actor.role == "workshop":
                frame = workshop_view(frame, actor.pseudonym)
        # ``version`` is bookkeeping for edits (see :meth:`asset`), not a field of an entry.
        frame = frame.drop(columns="version", errors="ignore")
        return frame if len(frame) else empty_assets()

    def asset(self, asset_id: str, *, actor: ActorLike = None) -> dict | None:
        """One asset the actor may see, as a dict (``geometry`` a shapely geometry), or None.

        Parameters
        ----------
        asset_id : str
            The asset's ``id``.
        actor : Actor or str, optional
            Who asks; an entry their role may not see gives None (see :meth:`assets`).

        Returns
        -------
        dict or None
            Field -> value, missing values as None and booleans as ``bool``; ``geometry`` in
            EPSG:4326; ``version`` the stored version, to give back to :meth:`update_asset` as
            ``expected_version``. None when no visible asset has this id.
        """
        actor = self._actor(actor)
        if actor.role != "coordinator":
            frame = self.assets(actor=actor)
            frame = frame[(frame["id"] == asset_id).fillna(False).to_numpy()]
            if frame.empty:
                return None
            return {**_row_dict(frame.iloc[0]), "version": self._versions([asset_id]).get(asset_id)}
        return self._stored_asset(asset_id)

    def boundaries(self, level: str | None = None) -> gpd.GeoDataFrame:
        """CBS boundaries, optionally of one level (``gemeente``, ``wijk`` or ``buurt``).

        Parameters
        ----------
        level : {'gemeente', 'wijk', 'buurt'}, optional
            Keep only this level. None (or empty) gives every level.

        Returns
        -------
        geopandas.GeoDataFrame
            Polygons in EPSG:4326 with the columns of :data:`assetmap.layers.schema.BOUNDARY_FIELDS`.
        """
        return self.store.read("boundaries", {"level": level} if level else None)

    def links(self, *, actor: ActorLike = None) -> pd.DataFrame:
        """Links between assets the actor may see (both ends visible to them).

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks (see :meth:`assets` for what each role sees).

        Returns
        -------
        pandas.DataFrame
            One row per link with the columns of :data:`assetmap.layers.schema.LINK_FIELDS`.
        """
        links = self.store.read("links")
        actor = self._actor(actor)
        if actor.role != "coordinator" and len(links):
            visible = set(self.assets(actor=actor)["id"])
            links = links[(links["from_asset_id"].isin(visible) & links["to_asset_id"].isin(visible)).to_numpy()]
        return links

    def buildings(self) -> gpd.GeoDataFrame:
        """Residential buildings (centroids with footprint in m² and levels)."""
        return self.store.read("buildings")

    def study_area(self) -> gpd.GeoDataFrame:
        """The area the imported OSM data covers."""
        return self.store.read("study_area")

    def basemap(self) -> gpd.GeoDataFrame:
        """The offline base map (OSM): ``kind`` (water, waterway, green, building) and geometry.

        Empty for a workspace whose OSM data was imported before the layer existed.
        """
        if "basemap" not in self.store.tables():
            return gpd.GeoDataFrame({"kind": pd.Series([], dtype=object)},
                                    geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
        return self.store.read("basemap")

    def sources(self) -> pd.DataFrame:
        """Imported data sets with licence, attribution and import time."""
        return self.store.read("sources")

    def walk_network(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """``(nodes, edges)`` of the walking network; edge ``length_m`` in metres."""
        return self.store.read("walk_nodes"), self.store.read("walk_edges")

    def history(self, asset_id: str | None = None, *, actor: ActorLike = None) -> pd.DataFrame:
        """Every recorded change (of one asset), oldest first: fid, asset_id, action, actor, at, before, after.

        ``before`` and ``after`` are the full states as JSON text (geometry as ``geometry_wkt``).
        Only a coordinator may read it: it holds every entry's full state.

        Parameters
        ----------
        asset_id : str, optional
            Only the changes of this asset. None (or empty) gives every change.
        actor : Actor or str, optional
            Who asks; must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            One row per change, values as Python objects and missing values as None. ``action`` is
            ``create``, ``update``, ``take over``, ``delete``, ``restore``, ``approve``, ``reject``,
            ``archive``, ``unarchive``, ``link`` (a link added, under the asset it starts from) or
            ``undo <action>``;
            ``at`` is an ISO 8601 UTC time; ``actor`` the pseudonym (None for an anonymous actor).

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        self._may_manage(self._actor(actor))
        frame = self.store.read("history", {"asset_id": asset_id} if asset_id else None, with_fid=True)
        return frame.astype({"fid": "int64"}).astype(object).where(frame.notna(), None)

    def read_table(self, name: str) -> pd.DataFrame | gpd.GeoDataFrame:
        """Any layer (analysis results such as ``coverage_buurten``) with its declared types.

        The service's own tables (``history``, ``accounts``, ``table_codes``, ``moderation_queue``)
        are read only through their methods (:meth:`history`, :meth:`accounts`, :meth:`pending`),
        which check the actor's role and never give a password or code hash.

        Parameters
        ----------
        name : str
            Table name.

        Returns
        -------
        pandas.DataFrame or geopandas.GeoDataFrame
            A GeoDataFrame in EPSG:4326 for a table with geometry.

        Raises
        ------
        WorkspaceError
            The workspace has no such table.
        PermissionDenied
            ``name`` is one of the service's own tables.
        """
        if name in PRIVATE_TABLES:
            raise PermissionDenied("permission_private_table", name=name)
        if name == "activities":
            return self.activities()  # as the workspace's actor may see them
        return self.store.read(name)

    def tables(self) -> list[str]:
        """The layers in the workspace."""
        return self.store.tables()

    def counts(self, names: Iterable[str] | None = None) -> dict[str, int]:
        """Number of rows in each layer, for an overview.

        Parameters
        ----------
        names : iterable of str, optional
            Count only these layers (those of them the workspace has); default every layer.

        Returns
        -------
        dict
            Layer name -> number of rows.
        """
        wanted = None if names is None else set(names)
        return {name: self.store.count(name) for name in self.store.tables() if wanted is None or name in wanted}

    def schema_version(self) -> int:
        """The workspace schema version."""
        return self.store.schema_version()

    # ------------------------------------------------------------------ writing assets
    def save_assets(self, assets: gpd.GeoDataFrame, actor: ActorLike = None, *, take_over: bool = False,
                    first_row: int = 1) -> SaveReport:
        """Insert new assets and update existing ones (matched on ``id``), in one transaction.

        A row never changes someone else's entry (another ``added_by``) unless a coordinator asks
        for it with ``take_over``; the history then records the action ``take over``, and even
        then the entry's visibility and consent never become more public. When an entry was
        added and when it changed are set here, never by the rows.

        Parameters
        ----------
        assets : geopandas.GeoDataFrame
            Rows validated by :func:`assetmap.layers.build_assets` (EPSG:4326).
        actor : Actor or str, optional
            Who saves. Recorded in the history; a new asset keeps ``added_by`` as the rows give it.
        take_over : bool
            A coordinator's explicit choice to change entries that belong to others.
        first_row : int
            Number of the first row in problems (a file's own row numbers for an import).

        Returns
        -------
        SaveReport
            The ids added, updated and unchanged. Buurt, wijk and gemeente codes are stored as the
            rows give them (see :func:`assetmap.layers.boundaries.assign_codes`).

        Raises
        ------
        InputError
            A ``related_asset_id`` names an asset that is neither in the batch nor in the workspace,
            or (without ``take_over``) a row would change someone else's entry.
        PermissionDenied
            The actor's role may not write, or ``take_over`` is asked by someone who is not a coordinator.
        """
        actor = self._actor(actor)
        if take_over and actor.role != "coordinator":
            raise PermissionDenied("permission_take_over")
        return self._save(assets, actor, "take over" if take_over else "refuse", first_row)

    def _save(self, assets: gpd.GeoDataFrame, actor: Actor, others: str, first_row: int = 1) -> SaveReport:
        """:meth:`save_assets`, with what happens to other people's entries: ``refuse``, ``take over``
        or ``edit`` (an explicit edit of one entry, whose rights :meth:`_require` checked).

        A ``workshop`` actor adds entries only in their own name and changes only their own. With
        moderation on, what they save as public is stored as ``group`` and queued for a coordinator
        (:meth:`approve`); saving it as private withdraws the request.
        """
        report = SaveReport()
        if assets.empty:
            return report
        self._may_write(actor)
        records = _records(assets)
        geoms = np.asarray(assets.geometry.array, dtype=object)
        # The history's after-state, made in one go: a 20,000-row import spends seconds, not minutes, here.
        wkts = shapely.to_wkt(geoms, rounding_precision=-1)
        stamp = now_iso()
        ids = [r["id"] for r in records]
        new_rows: dict[str, tuple[dict, object]] = {}
        changed_rows: dict[str, tuple[dict, object]] = {}
        log: list[tuple] = []
        problems: list[Problem] = []
        workshop = actor.role == "workshop"
        requests: dict[str, dict] = {}  # moderation: asset id -> what its author asked for
        withdrawn: set[str] = set()
        with self._write():
            moderated = workshop and self.moderation()
            self.check_related(ids, [r.get("related_asset_id") for r in records], first_row)
            stored, versions = self._states(ids, with_versions=True)
            if any(r.get("building_block") == "individual" for r in [*records, *stored.values()]):
                self._people_changed = True
            if workshop:
                self._check_related_visible(records, stored, actor, first_row)
            for number, (record, geom, wkt) in enumerate(zip(records, geoms, wkts), start=first_row):
                asset_id = record["id"]
                before = stored.get(asset_id)
                if moderated:
                    requests.pop(asset_id, None)
                    if record.get("visibility") == "public" and before is not None \
                            and before.get("visibility") == "public" \
                            and _same(before, _state({**record, "added_by": before.get("added_by")}, wkt)):
                        pass  # public already (approved) and saved unchanged: nothing to moderate
                    elif record.get("visibility") == "public":
                        requests[asset_id] = {"asset_id": asset_id, "requested_visibility": "public",
                                              "requested_consent": record.get("consent"),
                                              "requested_by": actor.pseudonym, "at": stamp}
                        record["visibility"] = "group"
                    elif record.get("visibility") == "private":
                        withdrawn.add(asset_id)
                if before is None:
                    if workshop:
                        record["added_by"] = actor.pseudonym  # never in someone else's name
                    record["created_at"] = record["updated_at"] = stamp
                    after = _state(record, wkt)
                    new_rows[asset_id] = (record, geom)
                    log.append((asset_id, "create", None, after))
                    stored[asset_id] = after  # the same id later in this batch is an update of this row
                    report.added.append(asset_id)
                    continue
                owner = before.get("added_by")
                # An initiative's owners (pseudonyms in ``owners``) may change it, as its author may.
                foreign = owner is not None and not is_owner(before, actor.pseudonym) and asset_id not in new_rows
                if workshop and asset_id not in new_rows:
                    # Also an entry without owner: a workshop participant changes only their own.
                    if not actor.pseudonym:
                        raise PermissionDenied("permission_no_pseudonym")
                    if not is_owner(before, actor.pseudonym):
                        raise PermissionDenied("permission_not_yours", id=asset_id)
                if foreign and others == "refuse":
                    problems.append(Problem("asset_belongs_to_other", "fix_new_id_or_take_over", row=number, column="id",
                                            id=asset_id))
                    continue
                if foreign and others == "take over":
                    _never_more_public(record, before)
                record["created_at"] = before["created_at"]
                record["updated_at"] = before["updated_at"]
                record["added_by"] = owner or record["added_by"]
                after = _state(record, wkt)
                if _same(before, after):
                    report.unchanged.append(asset_id)
                    continue
                record["updated_at"] = after["updated_at"] = stamp
                (new_rows if asset_id in new_rows else changed_rows)[asset_id] = (record, geom)
                log.append((asset_id, "take over" if foreign and others == "take over" else "update", before, after))
                stored[asset_id] = after
                report.updated.append(asset_id)
            if problems:
                raise InputError(problems)
            # Every change raises the asset's version: an edit made on an older version is refused
            # (update_asset's expected_version), never silently written over this one.
            self.store.insert("assets", _frame(new_rows.values(), {i: 1 for i in new_rows}))
            self.store.update("assets", _frame(changed_rows.values(),
                                               {i: (versions.get(i) or 0) + 1 for i in changed_rows}), "id")
            self._log(log, actor, stamp)
            if requests or withdrawn:
                self.store.delete("moderation_queue", {"asset_id": sorted(set(requests) | withdrawn)})
                self.store.insert("moderation_queue", pd.DataFrame(list(requests.values())))
        return report

    def add_entry(self, fields: dict, geometry, actor: ActorLike = None, *, story: str | None = None,
                  link_to: str | None = None) -> str:
        """A workshop table's entry: one asset, optionally a story about it and a link, in one transaction.

        Parameters
        ----------
        fields : dict
            Asset fields as a person fills them in (``name``, ``building_block``, ``category``,
            ``description``, ``visibility``, ``consent``, ...). Unset visibility means the privacy
            default of :func:`assetmap.layers.build_assets`.
        geometry : shapely geometry
            Where the asset is, in EPSG:4326 (lon/lat).
        actor : Actor or str, optional
            Who adds it; recorded as ``added_by``.
        story : str, optional
            A story told about the place: saved as its own ``story`` asset pointing at it, with the
            same visibility and consent.
        link_to : str, optional
            Id of an existing asset to link the new one to.

        Returns
        -------
        str
            The new asset's id.

        Raises
        ------
        InputError
            A field is not valid (every problem listed), or ``link_to`` does not exist.
        PermissionDenied
            The actor's role may not write.
        """
        actor = self._actor(actor)
        self._may_write(actor)
        new = build_assets(gpd.GeoDataFrame([fields], geometry=[geometry], crs=settings.STORAGE_CRS),
                           source="workshop", added_by=actor.pseudonym)
        place_id = new["id"].iloc[0]
        if story and story.strip():
            story_row = {"name": story.strip().splitlines()[0][:80], "building_block": "story",
                         "description": story, "related_asset_id": place_id,
                         "visibility": new["visibility"].iloc[0], "consent": new["consent"].iloc[0]}
            new = pd.concat([new, build_assets(gpd.GeoDataFrame([story_row], geometry=[geometry],
                                                                 crs=settings.STORAGE_CRS),
                                               source="workshop", added_by=actor.pseudonym)], ignore_index=True)
        with self._write():
            new = assign_codes(gpd.GeoDataFrame(new, geometry="geometry", crs=settings.STORAGE_CRS),
                               self.boundaries())
            self.save_assets(new, actor)
            if link_to:
                self.add_links(pd.DataFrame([{"from_asset_id": place_id, "to_asset_id": link_to}]), actor)
        return place_id

    def update_asset(self, asset_id: str, changes: dict, actor: ActorLike = None, *,
                     owner_only: bool = False, expected_version: int | None = None) -> dict:
        """Change some fields of one asset; ``geometry`` may be among the changes (shapely, EPSG:4326).

        Parameters
        ----------
        asset_id : str
            The asset to change.
        changes : dict
            Field -> new value. The whole row is validated again. Buurt, wijk and gemeente codes
            are not derived again from a new geometry.
        actor : Actor or str, optional
            Who changes it (default: the workspace's actor); recorded in the history.
        owner_only : bool
            Only the one who added the entry may change it.
        expected_version : int, optional
            The ``version`` of the asset when the editor opened it (:meth:`asset`). When it was
            changed since, the edit is refused (``edit_conflict``): two tables editing one entry
            never overwrite each other unnoticed. None skips the check (a script's own edit).

        Returns
        -------
        dict
            The asset as stored afterwards.

        Raises
        ------
        InputError
            No such asset, the changed row is not valid, or the asset changed since
            ``expected_version`` (``edit_conflict``).
        PermissionDenied
            Not the actor's entry (with ``owner_only`` or the ``workshop`` role), or no pseudonym given.
        """
        actor = self._actor(actor)
        with self._write():
            current = self._require(asset_id, actor, owner_only)
            if expected_version is not None and int(current.get("version") or 1) != int(expected_version):
                raise InputError("edit_conflict", "fix_reload_edit", asset_id=asset_id)
            merged = {**{k: v for k, v in current.items() if k != "version"}, **changes, "id": asset_id}
            frame = gpd.GeoDataFrame([merged], geometry="geometry", crs=settings.STORAGE_CRS)
            if "geometry" in changes:
                # A moved asset gets the codes of where it is now (none outside every boundary).
                frame = assign_codes(frame.assign(buurt_code=None, wijk_code=None, gemeente_code=None),
                                     self.boundaries())
            self._save(build_assets(frame, source=current["source"] or "workshop"), actor, "edit")
        return self.asset(asset_id, actor=actor)

    def delete_assets(self, asset_ids: list[str], actor: ActorLike = None, *, owner_only: bool = False) -> int:
        """Delete assets and their links, reversibly (see :meth:`restore_asset` and :meth:`undo_last`).

        An entry waiting for moderation leaves the queue (a restore brings it back as it was stored).

        All in one transaction. Only the assets are recorded in the history: a restore or an undo
        brings an asset back without the links it had.

        Parameters
        ----------
        asset_ids : list of str
            The assets to delete.
        actor : Actor or str, optional
            Who deletes them (default: the workspace's actor); recorded in the history.
        owner_only : bool
            Only the one who added an entry may delete it.

        Returns
        -------
        int
            How many were deleted (``len(asset_ids)``).

        Raises
        ------
        InputError
            An asset does not exist (nothing is deleted).
        PermissionDenied
            As for :meth:`update_asset`.
        """
        actor = self._actor(actor)
        log = []
        with self._write():
            for asset_id in asset_ids:
                current = self._require(asset_id, actor, owner_only)
                state = _jsonable(current)
                # The links go with the asset and come back with it (restore, undo).
                state["links"] = self._drop_links(asset_id)
                self._people_changed = True
                self.store.delete("assets", {"id": asset_id})
                self.store.delete("moderation_queue", {"asset_id": asset_id})
                log.append((asset_id, "delete", state, None))
            self._log(log, actor)
        return len(asset_ids)

    def restore_asset(self, asset_id: str, actor: ActorLike = None) -> dict:
        """Bring back a deleted asset as it was just before its last delete, or an archived one.

        Any actor who may write can restore an entry, whoever added it. Its links are not restored.
        An archived initiative or association (see :meth:`remove`) gets back the status it had
        before it was archived and loses its ``ended_at`` (history: ``unarchive``); a ``workshop``
        actor restores only their own.

        Parameters
        ----------
        asset_id : str
            The deleted asset's id.
        actor : Actor or str, optional
            Who restores it (default: the workspace's actor); recorded in the history.

        Returns
        -------
        dict
            The asset as stored afterwards (see :meth:`asset`).

        Raises
        ------
        InputError
            The asset was never deleted, or exists already.
        PermissionDenied
            The actor's role (``public``) may not write.
        """
        actor = self._actor(actor)
        self._may_write(actor)
        with self._write():
            current = self._stored_asset(asset_id)
            if current is not None and is_archived(current):
                self._unarchive(current, actor)
                return self.asset(asset_id, actor=actor)
        deletes = self.store.read("history", {"asset_id": asset_id, "action": "delete"})
        if deletes.empty:
            raise InputError("asset_never_deleted", "fix_pick_from_history", id=asset_id)
        with self._write():
            if self._stored_asset(asset_id) is not None:
                raise InputError("asset_exists", "fix_nothing_to_restore", id=asset_id)
            state = json.loads(deletes["before"].iloc[-1])
            if actor.role == "workshop" and state.get("added_by") != actor.pseudonym:
                raise PermissionDenied("permission_not_yours", id=asset_id)
            self._put_state(state)
            self._log([(asset_id, "restore", None, state)], actor)
        return self.asset(asset_id, actor=actor)

    # ------------------------------------------------------------------ initiatives
    def add_initiative(self, fields: dict, geometry=None, actor: ActorLike = None, *, buurt_code: str | None = None,
                       story: str | None = None) -> str:
        """Start an initiative at a workshop table or as a resident: one entry, at a place or for a whole area.

        The same road as :meth:`add_entry`: with moderation on, what a ``workshop`` actor makes
        public waits for a coordinator. The one who adds it is its first owner.

        Parameters
        ----------
        fields : dict
            ``name`` and optionally ``description``, ``status`` (default ``idee``), ``seeks``,
            ``offers``, ``tags``, ``owners`` (semicolon lists), ``visibility``, ``consent``.
        geometry : shapely geometry, optional
            Where it happens, in EPSG:4326. Without it, ``buurt_code`` places it in its area.
        actor : Actor or str, optional
            Who starts it; recorded as ``added_by`` and, without ``owners``, as its owner.
        buurt_code : str, optional
            The buurt (or wijk) the initiative is for: it is placed at that area's representative point.
        story : str, optional
            How it began: saved as a story about it.

        Returns
        -------
        str
            The initiative's id.

        Raises
        ------
        InputError
            A field is not valid, or neither a place nor a known area is given.
        PermissionDenied
            The actor's role (``public``) may not write.
        """
        actor = self._actor(actor)
        fields = {**fields, "building_block": INITIATIVE}
        if geometry is None:
            areas = self.boundaries()
            area = areas[(areas["code"] == buurt_code).fillna(False).to_numpy()] if buurt_code and len(areas) else areas[:0]
            if area.empty:
                raise InputError("initiative_no_place", "fix_initiative_place", code=buurt_code or "")
            geometry = area.to_crs(settings.METRIC_CRS).representative_point().to_crs(settings.STORAGE_CRS).iloc[0]
        return self.add_entry(fields, geometry, actor, story=story)

    def set_status(self, asset_id: str, status: str, actor: ActorLike = None) -> dict:
        """Move an initiative (or association) along its life cycle: ``idee`` … ``gestopt``.

        ``gestopt`` archives the entry (:meth:`remove`: ``ended_at`` set, history ``archive``); any
        other status clears ``ended_at``.

        Parameters
        ----------
        asset_id : str
            The initiative.
        status : str
            One of :data:`assetmap.layers.schema.INITIATIVE_STATUSES`.
        actor : Actor or str, optional
            Who changes it; a ``workshop`` actor must be one of its owners.

        Returns
        -------
        dict
            The entry as stored afterwards.

        Raises
        ------
        InputError
            No such entry, the status is not one of the life cycle, or the entry is no initiative
            or association.
        PermissionDenied
            Not an owner, or the role may not write.
        """
        status = str(status).strip().lower()
        if status not in INITIATIVE_STATUSES:
            raise InputError("value_not_allowed", "fix_use_one_of", column="status", value=status,
                             allowed=", ".join(INITIATIVE_STATUSES))
        actor = self._actor(actor)
        with self._write():
            current = self._require(asset_id, actor, False)
            if current.get("building_block") not in SEEKING_KINDS:
                raise InputError("status_not_for_block", "fix_status_on_initiative", column="status",
                                 block=current.get("building_block"))
            if status == ARCHIVED_STATUS:
                self.remove([asset_id], actor)  # recorded as ``archive``, as the changes over time count it
            else:
                if is_archived(current):
                    self._unarchive(current, actor)  # back from the archive, recorded as such
                self.update_asset(asset_id, {"status": status, "ended_at": None}, actor)
        return self.asset(asset_id, actor=actor)

    def remove(self, asset_ids: list[str], actor: ActorLike = None, *, permanently: bool = False) -> int:
        """Remove entries as people mean it: an initiative or association is archived, the rest deleted.

        An archived entry stays, with its story, as ``gestopt`` (status ``gestopt``, ``ended_at``
        now; history: ``archive``); :meth:`restore_asset` brings it back. Only its owner or a
        coordinator may remove it for good (``permanently``), which is :meth:`delete_assets`.

        Parameters
        ----------
        asset_ids : list of str
            The entries.
        actor : Actor or str, optional
            Who removes them; a ``workshop`` actor only their own (as author or owner).
        permanently : bool
            Delete initiatives and associations too, instead of archiving them.

        Returns
        -------
        int
            How many entries were archived or deleted.

        Raises
        ------
        InputError
            An entry does not exist (nothing changes).
        PermissionDenied
            Not the actor's entry, or the role may not write.
        """
        actor = self._actor(actor)
        owner_only = actor.role != "coordinator"
        log, gone = [], []
        stamp = now_iso()
        with self._write():
            for asset_id in asset_ids:
                current = self._require(asset_id, actor, owner_only)
                if permanently or current.get("building_block") not in SEEKING_KINDS:
                    gone.append(asset_id)
                    continue
                if is_archived(current):
                    continue  # archived already: nothing changes
                before = _jsonable(current)
                after = dict(before, status=ARCHIVED_STATUS, ended_at=stamp, updated_at=stamp)
                self._put_state(after, update=True)
                log.append((asset_id, "archive", before, after))
            self._log(log, actor, stamp)
            if gone:
                self.delete_assets(gone, actor, owner_only=owner_only)
        return len(asset_ids)

    def _unarchive(self, current: dict, actor: Actor) -> None:
        """Bring an archived entry back with the status it had before it was archived."""
        asset_id = current["id"]
        if actor.role == "workshop" and not is_owner(current, actor.pseudonym):
            raise PermissionDenied("permission_not_yours", id=asset_id)
        archives = self.store.read("history", {"asset_id": asset_id, "action": "archive"})
        earlier = json.loads(archives["before"].iloc[-1]).get("status") if len(archives) else None
        if earlier in (None, ARCHIVED_STATUS):
            earlier = "loopt" if current.get("building_block") == INITIATIVE else None
        before = _jsonable(current)
        stamp = now_iso()
        after = dict(before, status=earlier, ended_at=None, updated_at=stamp)
        self._put_state(after, update=True)
        self._log([(asset_id, "unarchive", before, after)], actor, stamp)

    def accept_match(self, initiative_id: str, asset_id: str, actor: ActorLike = None, *,
                     note: str | None = None) -> int:
        """Accept a match (see :func:`assetmap.matching.match`): record that they could work together.

        Parameters
        ----------
        initiative_id : str
            The initiative (or association) that seeks.
        asset_id : str
            The entry that answers it.
        actor : Actor or str, optional
            Who accepts it; recorded with the link and in the history (action ``link``).
        note : str, optional
            What it answers (``space``), kept as the link's note.

        Returns
        -------
        int
            1, the link added.

        Raises
        ------
        InputError
            An end does not exist (or the actor cannot see it), or the first is no initiative or
            association.
        PermissionDenied
            The actor's role (``public``) may not write.
        """
        current = self.asset(initiative_id, actor=actor)
        if current is None or current.get("building_block") not in SEEKING_KINDS:
            raise InputError("not_an_initiative", "fix_pick_initiative", id=initiative_id)
        return self.add_links(pd.DataFrame([{"from_asset_id": initiative_id, "to_asset_id": asset_id,
                                             "kind": "could_work_with", "note": note}]), actor)

    def mark_checked(self, asset_ids: list[str], actor: ActorLike = None) -> int:
        """Record that entries were checked and are still right today (``last_checked``).

        Parameters
        ----------
        asset_ids : list of str
            The entries.
        actor : Actor or str, optional
            Who checked them; a ``workshop`` actor only their own.

        Returns
        -------
        int
            How many were marked.

        Raises
        ------
        InputError
            An entry does not exist.
        PermissionDenied
            Not the actor's entry, or the role may not write.
        """
        today = now_iso()[:10]
        with self._write():
            for asset_id in asset_ids:
                self.update_asset(asset_id, {"last_checked": today}, actor)
        return len(asset_ids)

    def undo_last(self, actor: ActorLike = None) -> str | None:
        """Undo the actor's most recent change. Returns the asset id, or None when there is nothing to undo.

        Only what the actor changed is taken back: an edit is undone field by field, and a field
        someone else has changed since keeps their value. An entry someone else deleted since stays
        deleted, and a deleted entry someone restored since is not written twice.

        Parameters
        ----------
        actor : Actor or str, optional
            Whose change to undo (default: the workspace's actor). Changes are found by pseudonym,
            so an actor without one has nothing to undo.

        Returns
        -------
        str or None
            The id of the asset the undo touched, or None when there is nothing to undo.

        Raises
        ------
        PermissionDenied
            The actor's role (``public``) may not write.
        """
        actor = self._actor(actor)
        self._may_write(actor)
        if not actor.pseudonym:
            return None
        with self._write():
            mine = self.store.read("history", {"actor": actor.pseudonym}, with_fid=True)
            undo = mine["action"].str.startswith("undo").fillna(False).to_numpy()
            undone = {json.loads(a).get("undoes") for a in mine.loc[undo, "after"].dropna()}
            # Activities keep their own history entries, and a link is recorded for the changes over
            # time and goes with its asset: undo takes back asset changes only.
            activity = mine["action"].str.startswith("activity").fillna(False).to_numpy()
            link = (mine["action"] == "link").fillna(False).to_numpy()
            candidates = mine[~undo & ~activity & ~link & ~mine["fid"].isin(undone).to_numpy()]
            if candidates.empty:
                return None
            target = candidates.iloc[-1]
            fid, asset_id, action = int(target["fid"]), target["asset_id"], target["action"]
            current = self._stored_asset(asset_id)
            current_state = None if current is None else _jsonable(current)
            if action in ("create", "restore"):
                state = {"links": self._drop_links(asset_id)} if current is not None else {}
                self._people_changed = True
                self.store.delete("assets", {"id": asset_id})
                self.store.delete("moderation_queue", {"asset_id": asset_id})
            elif action == "delete":
                state = json.loads(target["before"])
                if current is None:
                    self._put_state(state)
                else:
                    state = current_state  # restored by someone already
            else:
                old, new = json.loads(target["before"]), json.loads(target["after"])
                state = None
                if current is not None:
                    state = dict(current_state)
                    for key in old:
                        if key in _TIMESTAMPS or old.get(key) == new.get(key):
                            continue
                        if current_state.get(key) == new.get(key):  # nobody changed it since
                            state[key] = old[key]
                    if state != current_state:
                        state["updated_at"] = now_iso()
                        self._put_state(state, update=True)
                    if state.get("visibility") != "group":
                        # back to public (approved before) or private: a waiting request is moot
                        self.store.delete("moderation_queue", {"asset_id": asset_id})
            self._log([(asset_id, "undo " + action, current_state, {**(state or {}), "undoes": fid})], actor)
        return asset_id

    def check_related(self, ids: list[str], related_ids: list, first_row: int = 1) -> None:
        """A story may point at a place: that place must be in the same batch or in the workspace.

        Parameters
        ----------
        ids : list of str
            Ids of the batch.
        related_ids : list
            ``related_ids[k]`` belongs to ``ids[k]``; empty values are skipped.
        first_row : int
            Number of the batch's first row in problems (a file's own row numbers for an import).

        Raises
        ------
        InputError
            One problem per row whose related asset exists nowhere.
        """
        batch = set(ids)
        wanted = [(n, r) for n, r in enumerate(related_ids, start=first_row)
                  if r is not None and not pd.isna(r) and r and r not in batch]
        if not wanted:
            return
        found = self.store.exists("assets", "id", sorted({r for _, r in wanted}))
        problems = [Problem("asset_missing", "fix_link_existing_id", row=n, column="related_asset_id", id=r)
                    for n, r in wanted if r not in found]
        if problems:
            raise InputError(problems)

    # ------------------------------------------------------------------ writing other layers
    def add_links(self, links: pd.DataFrame, actor: ActorLike = None) -> int:
        """Add links between existing assets (validated by :func:`assetmap.layers.build_links`).

        Parameters
        ----------
        links : pandas.DataFrame
            One row per link with ``from_asset_id`` and ``to_asset_id``, optionally ``kind``,
            ``note``, ``id`` and ``created_at``.
        actor : Actor or str, optional
            Who adds them (default: the workspace's actor); fills an empty ``added_by``. A
            ``workshop`` actor links only entries they can see, always in their own name.

        Returns
        -------
        int
            How many links were added.

        Raises
        ------
        InputError
            A link's end does not exist (or the ``workshop`` actor cannot see it), or the link is
            not valid.
        PermissionDenied
            The actor's role (``public``) may not write.
        """
        actor = self._actor(actor)
        self._may_write(actor)
        with self._write():
            ends = sorted(set(links["from_asset_id"]) | set(links["to_asset_id"]))
            known = self.store.exists("assets", "id", ends)
            if actor.role == "workshop":
                # An entry they cannot see is as good as missing: a link must not tell it exists.
                known &= set(self.assets(actor=actor)["id"])
                links = links.drop(columns=["added_by"], errors="ignore")
            checked = build_links(links, known, added_by=actor.pseudonym)
            self.store.insert("links", checked)
            # Recorded under the asset it starts from, so that changes over time show what was linked.
            records = checked.astype(object).where(checked.notna(), None).to_dict("records")
            self._log([(r["from_asset_id"], "link", None, r) for r in records], actor)
        return len(checked)

    def replace_boundaries(self, boundaries: gpd.GeoDataFrame, *, keep_other_levels: bool = True,
                           actor: ActorLike = None) -> int:
        """Replace the boundaries of the levels present in ``boundaries`` and re-code every asset.

        Other levels stay unless ``keep_other_levels`` is False. Buurt, wijk and gemeente codes of
        the assets are derived data, so the re-coding is not recorded in the history.

        Parameters
        ----------
        boundaries : geopandas.GeoDataFrame
            Boundaries as :func:`assetmap.layers.build_boundaries` makes them (EPSG:4326). An empty
            frame has no level, so it removes the boundaries of every level.
        keep_other_levels : bool
            Keep the stored boundaries of levels that ``boundaries`` does not hold.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Returns
        -------
        int
            How many boundaries were written.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        with self._write():
            if keep_other_levels and boundaries.empty:
                return 0  # no level given, none replaced
            levels = sorted(set(boundaries["level"])) if keep_other_levels else None
            self._people_changed = True  # individuals are shown at the anchors of their areas
            self.store.replace("boundaries", boundaries, {"level": levels} if levels else None)
            assets = self.store.read("assets")
            if len(assets):
                self.store.update("assets", assign_codes(assets, self.boundaries()), "id")
        return len(boundaries)

    def replace_walk_network(self, nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the walking network (nodes with ``node_id``; edges ``u``, ``v``, ``length_m`` in metres).

        Parameters
        ----------
        nodes : geopandas.GeoDataFrame
            Points (EPSG:4326) with ``node_id``.
        edges : geopandas.GeoDataFrame
            Lines (EPSG:4326) from node ``u`` to node ``v`` with their ``length_m`` in metres.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        with self._write():
            self.store.replace("walk_nodes", nodes)
            self.store.replace("walk_edges", edges)

    def replace_buildings(self, buildings: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the residential buildings.

        Parameters
        ----------
        buildings : geopandas.GeoDataFrame
            Building centroids (EPSG:4326) with ``osm_ref``, ``building``, ``footprint_m2`` (m²)
            and ``levels``.
        actor : Actor or str, optional
            Who loads them (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        with self._write():
            self._people_changed = True  # anchors keep away from homes
            self.store.replace("buildings", buildings)

    def replace_study_area(self, area: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the study area (what the OSM data covers).

        Parameters
        ----------
        area : geopandas.GeoDataFrame
            Polygon(s) in EPSG:4326 with ``name`` and ``source``.
        actor : Actor or str, optional
            Who loads it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        with self._write():
            self._people_changed = True  # anchors are chosen inside the study area
            self.store.replace("study_area", area)

    def replace_basemap(self, basemap: gpd.GeoDataFrame, actor: ActorLike = None) -> None:
        """Replace the offline base map.

        Parameters
        ----------
        basemap : geopandas.GeoDataFrame
            Outlines and lines (EPSG:4326) with ``kind``: ``water``, ``waterway``, ``green`` or
            ``building``.
        actor : Actor or str, optional
            Who loads it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        self.store.replace("basemap", basemap, description="Offline base map (OSM): water, green and buildings")

    def log_source(self, name: str, reference: str, licence: str, attribution: str, rows: int,
                   actor: ActorLike = None) -> None:
        """Record an imported data set with its licence and attribution.

        Parameters
        ----------
        name : str
            The data set (``OpenStreetMap``, ``CBS wijk- en buurtkaart``, ``workshop``).
        reference : str
            Where it came from (a file name, a place, ``PDOK GM0518``).
        licence : str
            Its licence (``ODbL 1.0``, ``CC BY 4.0``, ``own data``).
        attribution : str
            The attribution every map and export must carry.
        rows : int
            How many rows were imported.
        actor : Actor or str, optional
            Who imported it (default: the workspace's actor).

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        self.store.insert("sources", pd.DataFrame([{"name": name, "reference": reference, "licence": licence,
                                                    "attribution": attribution, "imported_at": now_iso(),
                                                    "rows": rows}]))

    def save_result(self, name: str, frame: pd.DataFrame | gpd.GeoDataFrame, description: str = "",
                    actor: ActorLike = None) -> None:
        """Store an analysis result as its own table (replacing an earlier one of that name).

        Parameters
        ----------
        name : str
            Table name, e.g. ``coverage_buurten``.
        frame : pandas.DataFrame or geopandas.GeoDataFrame
            The result. Geometry in another CRS is stored reprojected to EPSG:4326.
        description : str
            Shown in GIS tools (``gpkg_contents``); used only when the table is created.
        actor : Actor or str, optional
            Who stores it (default: the workspace's actor).

        Raises
        ------
        ValueError
            ``name`` is one of the workspace's own tables, which only the service's other methods write.
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        if name in TABLES or name in PRIVATE_TABLES or not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
            raise ValueError(f"{name!r} cannot be an analysis result: use lower-case letters, digits and _, "
                             "and not the name of a workspace table")
        self._may_manage(self._actor(actor))
        self.store.replace(name, frame, description=description)

    # ------------------------------------------------------------------ accounts and sign-in
    def create_account(self, name: str, password: str, role: str, actor: ActorLike = None) -> None:
        """Add a local account; its password is stored only as an argon2 hash.

        Parameters
        ----------
        name : str
            The account name, also the pseudonym its entries are recorded under. Surrounding spaces
            are dropped; names are unique regardless of case (``Anna`` and ``anna`` are one name).
        password : str
            At least :data:`assetmap.settings.PASSWORD_MIN_LENGTH` characters. Never stored, logged
            or put in an error.
        role : {'workshop', 'coordinator'}
            What the account may do once signed in (see :data:`ACCOUNT_ROLES`).
        actor : Actor or str, optional
            Who creates it (default: the workspace's actor); must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            Every problem at once: the name is empty, too long or holds control characters, or an
            account of that name exists; the role is unknown; the password is empty, too short or
            too long.
        """
        actor = self._actor(actor)
        self._may_manage(actor)
        problems = []
        clean, fault = _clean_name(name)
        limit = settings.NAME_MAX_LENGTH
        if fault == "missing":
            problems.append(Problem("account_name_missing", "fix_account_name", max=limit))
        elif fault == "invalid":
            problems.append(Problem("account_name_invalid", "fix_account_name", name=clean[:limit], max=limit))
        if role not in ACCOUNT_ROLES:
            problems.append(Problem("account_role_unknown", "fix_account_roles", role=role,
                                    roles=", ".join(ACCOUNT_ROLES)))
        problems += _password_problems(password)
        if problems:
            raise InputError(problems)
        hashed = _hasher().hash(password)  # slow on purpose: outside the write lock
        with self._write():
            if self._account(clean) is not None:
                raise InputError("account_exists", "fix_other_account_name", name=clean)
            self.store.insert("accounts", pd.DataFrame([{
                "name": clean, "password_hash": hashed, "role": role, "failed_attempts": 0, "locked_until": None,
                "created_at": _iso(_utcnow()), "created_by": actor.pseudonym}]))

    def sign_in(self, name: str, password: str) -> Actor:
        """Check a name and password; gives the account's actor.

        A wrong name and a wrong password give the same error, after the same work (a password is
        checked against a stand-in hash when the name is unknown). After
        :data:`assetmap.settings.SIGN_IN_MAX_FAILURES` failures in a row the account is locked for
        :data:`assetmap.settings.SIGN_IN_LOCK_MINUTES` minutes, whatever password is given; after
        that it has as many tries again. A success clears the failures. The password is never
        stored, logged or put in an error.

        Parameters
        ----------
        name : str
            The account name (case does not matter).
        password : str
            The password.

        Returns
        -------
        Actor
            ``Actor(name, role)`` with the name as the account has it.

        Raises
        ------
        PermissionDenied
            ``sign_in_failed`` for an unknown name or a wrong password; ``sign_in_locked`` (with
            the ``minutes`` left) while the account is locked, also on the failure that locks it.
        """
        name = name.strip() if isinstance(name, str) else ""
        password = password if isinstance(password, str) else ""
        row = self._account(name) if name else None
        now = _utcnow()
        if row is None:
            _verify(_stand_in_hash(), password)  # as slow as a real check: the time tells nothing
            raise PermissionDenied("sign_in_failed", "fix_sign_in")
        locked = _parse_time(row["locked_until"])
        if locked is not None and locked > now:
            raise PermissionDenied("sign_in_locked", minutes=_minutes_left(locked, now))
        right = _verify(row["password_hash"], password)  # slow on purpose: outside the write lock
        with self._write():
            row = self._account(row["name"])  # fresh: another table may have signed in meanwhile
            if row is None:
                raise PermissionDenied("sign_in_failed", "fix_sign_in")
            locked = _parse_time(row["locked_until"])
            if locked is not None and locked > now:  # locked by a failure meanwhile
                lock_until = locked
            elif right:
                lock_until = None
                rehash = _hasher().check_needs_rehash(row["password_hash"])
                if rehash or row["failed_attempts"] or locked is not None:
                    if rehash:
                        row["password_hash"] = _hasher().hash(password)
                    row.update(failed_attempts=0, locked_until=None)
                    self.store.update("accounts", pd.DataFrame([row]), "name")
            else:
                # A lock that has run out starts a new count.
                failures = (0 if locked is not None else int(row["failed_attempts"] or 0)) + 1
                lock_until = None
                if failures >= settings.SIGN_IN_MAX_FAILURES:
                    lock_until, failures = now + timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES), 0
                row.update(failed_attempts=failures, locked_until=None if lock_until is None else _iso(lock_until))
                self.store.update("accounts", pd.DataFrame([row]), "name")
        if lock_until is not None:
            raise PermissionDenied("sign_in_locked", minutes=_minutes_left(lock_until, now))
        if not right:
            raise PermissionDenied("sign_in_failed", "fix_sign_in")
        return Actor(row["name"], row["role"])

    def accounts(self, actor: ActorLike = None) -> pd.DataFrame:
        """The local accounts, without their password hashes.

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks (default: the workspace's actor); must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            One row per account, in the order they were made: ``name``, ``role``,
            ``failed_attempts``, ``locked_until`` and ``created_at`` (ISO 8601 UTC, or None) and
            ``created_by``.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        frame = self.store.read("accounts")
        return frame[[c for c in frame.columns if c != "password_hash"]].reset_index(drop=True)

    def remove_account(self, name: str, actor: ActorLike = None) -> None:
        """Remove a local account. The entries it added stay, under its name.

        Parameters
        ----------
        name : str
            The account name (case does not matter).
        actor : Actor or str, optional
            Who removes it (default: the workspace's actor); must be a coordinator, and not
            signed in with this account.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            No account has this name, or it is the actor's own account.
        """
        actor = self._actor(actor)
        self._may_manage(actor)
        name = name.strip() if isinstance(name, str) else ""
        with self._write():
            row = self._account(name) if name else None
            if row is None:
                raise InputError("account_missing", "fix_account_list", name=name)
            if actor.pseudonym and actor.pseudonym.casefold() == row["name"].casefold():
                raise InputError("account_remove_self", "fix_other_coordinator", name=row["name"])
            self.store.delete("accounts", {"name": row["name"]})

    # ------------------------------------------------------------------ table codes
    def issue_table_code(self, actor: ActorLike = None, hours: float = 8) -> str:
        """A new table code such as ``K7PW-4QXM``, with which a workshop table joins under a pseudonym.

        Only a hash of the code is stored, with its expiry; codes that have expired are dropped.
        The code uses letters and digits that cannot be mistaken for each other (no ``0``/``O``,
        ``1``/``I``/``L``); eight of 31 symbols (about 8.5·10¹¹ codes) keep guessing at redeem
        hopeless within a code's lifetime, while it stays short enough to read out to a table.

        Parameters
        ----------
        actor : Actor or str, optional
            Who issues it (default: the workspace's actor); must be a coordinator.
        hours : float
            How long the code is valid, more than 0 and at most
            :data:`assetmap.settings.TABLE_CODE_MAX_HOURS`.

        Returns
        -------
        str
            The code, four characters, a dash and four characters. It is shown only this once.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            ``hours`` is not a number in the allowed range.
        """
        actor = self._actor(actor)
        self._may_manage(actor)
        try:
            hours = float(hours)
        except (TypeError, ValueError):
            hours = math.nan
        if not 0 < hours <= settings.TABLE_CODE_MAX_HOURS:
            raise InputError("table_code_hours", "fix_table_code_hours", hours=hours, max=settings.TABLE_CODE_MAX_HOURS)
        now = _utcnow()
        with self._write():
            codes = self.store.read("table_codes")
            expired = [h for h, at in zip(codes["code_hash"], codes["expires_at"]) if _parse_time(at) <= now]
            if expired:
                self.store.delete("table_codes", {"code_hash": expired})
            while True:
                code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
                code = f"{code[:4]}-{code[4:]}"
                if not self.store.exists("table_codes", "code_hash", [_code_hash(code)]):
                    break
            self.store.insert("table_codes", pd.DataFrame([{
                "code_hash": _code_hash(code), "expires_at": _iso(now + timedelta(hours=hours)),
                "created_at": _iso(now), "created_by": actor.pseudonym}]))
        return code

    def redeem_table_code(self, code: str, pseudonym: str) -> Actor:
        """Join a workshop table: a valid table code and a pseudonym give a ``workshop`` actor.

        Case, spaces and dashes in the code do not matter. The code stays valid until it expires,
        so a participant can join again under the same pseudonym and find their own entries.

        Parameters
        ----------
        code : str
            A code from :meth:`issue_table_code`.
        pseudonym : str
            The name the participant's entries are recorded under (surrounding spaces dropped). It
            may not be the name of a local account, nor the name an import records its entries
            under (``OpenStreetMap``).

        Returns
        -------
        Actor
            ``Actor(pseudonym, "workshop")``.

        Raises
        ------
        PermissionDenied
            ``table_code_invalid``: the code is unknown or has expired.
        InputError
            The pseudonym is empty, too long, holds control characters or is taken.
        """
        found = self.store.read("table_codes", {"code_hash": _code_hash(code if isinstance(code, str) else "")})
        if found.empty or _parse_time(found["expires_at"].iloc[0]) <= _utcnow():
            raise PermissionDenied("table_code_invalid", "fix_ask_table_code")
        clean, fault = _clean_name(pseudonym)
        limit = settings.NAME_MAX_LENGTH
        if fault == "missing":
            raise InputError("pseudonym_missing", "fix_pseudonym", max=limit)
        if fault == "invalid":
            raise InputError("pseudonym_invalid", "fix_pseudonym", name=clean[:limit], max=limit)
        if self._account(clean) is not None or self._imported_under(clean):
            raise InputError("pseudonym_taken", "fix_other_pseudonym", name=clean)
        return Actor(clean, "workshop")

    # ------------------------------------------------------------------ moderation
    def moderation(self) -> bool:
        """Whether moderation is on: what a ``workshop`` actor makes public waits for a coordinator.

        Returns
        -------
        bool
            The workspace's ``moderation`` setting (``on``/``off``); where it was never set, the
            default the workspace was opened with (off; on for a hosted app).
        """
        setting = self.store.meta().get("moderation")
        return self.moderation_default if setting is None else setting == "on"

    def set_moderation(self, on: bool, actor: ActorLike = None) -> None:
        """Turn moderation on or off for this workspace.

        Turning it off leaves the waiting entries in the queue; they stay ``group`` until a
        coordinator approves or rejects them.

        Parameters
        ----------
        on : bool
            True to turn it on.
        actor : Actor or str, optional
            Who changes it (default: the workspace's actor); must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        TypeError
            ``on`` is not a bool.
        """
        self._may_manage(self._actor(actor))
        if not isinstance(on, (bool, np.bool_)):
            raise TypeError(f"on must be True or False, not {on!r}")
        self.store.set_meta("moderation", "on" if on else "off")

    def pending(self, actor: ActorLike = None) -> pd.DataFrame:
        """Entries waiting for a coordinator, oldest first.

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks (default: the workspace's actor); must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            ``asset_id``, ``name``, ``building_block``, ``requested_visibility``,
            ``requested_consent``, ``requested_by`` and ``at`` (ISO 8601 UTC), one row per entry.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        self._may_manage(self._actor(actor))
        queue = self.store.read("moderation_queue")
        assets = self.store.read("assets", {"id": list(queue["asset_id"])}) if len(queue) else None
        names = {} if assets is None else dict(zip(assets["id"], zip(assets["name"], assets["building_block"])))
        out = queue.assign(name=[names.get(i, (None, None))[0] for i in queue["asset_id"]],
                           building_block=[names.get(i, (None, None))[1] for i in queue["asset_id"]])
        columns = ["asset_id", "name", "building_block", "requested_visibility", "requested_consent",
                   "requested_by", "at"]
        return pd.DataFrame(out[columns]).reset_index(drop=True)

    def approve(self, asset_id: str, actor: ActorLike = None) -> None:
        """Give a waiting entry the visibility and consent its author asked for.

        Recorded in the history as ``approve`` (an undo by the coordinator makes it ``group`` again).

        Parameters
        ----------
        asset_id : str
            The entry, as :meth:`pending` lists it.
        actor : Actor or str, optional
            Who approves (default: the workspace's actor); must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            The entry is not waiting for approval.
        """
        actor = self._actor(actor)
        self._may_manage(actor)
        with self._write():
            request, before = self._queued(asset_id)
            after = dict(before, visibility=request["requested_visibility"], updated_at=now_iso())
            if request["requested_consent"] is not None and not pd.isna(request["requested_consent"]):
                after["consent"] = bool(request["requested_consent"])
            self._put_state(after, update=True)
            self.store.delete("moderation_queue", {"asset_id": asset_id})
            self._log([(asset_id, "approve", before, after)], actor, after["updated_at"])

    def reject(self, asset_id: str, actor: ActorLike = None) -> None:
        """Take an entry out of the queue; it stays visible to the group only.

        Recorded in the history as ``reject``.

        Parameters
        ----------
        asset_id : str
            The entry, as :meth:`pending` lists it.
        actor : Actor or str, optional
            Who rejects (default: the workspace's actor); must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            The entry is not waiting for approval.
        """
        actor = self._actor(actor)
        self._may_manage(actor)
        with self._write():
            _request, state = self._queued(asset_id)
            self.store.delete("moderation_queue", {"asset_id": asset_id})
            self._log([(asset_id, "reject", state, state)], actor)

    # ------------------------------------------------------------------ activities
    def activities(self, asset_id: str | None = None, *, actor: ActorLike = None) -> pd.DataFrame:
        """Activities the actor may see, optionally of one asset.

        An activity is seen by whoever may see its asset: the public only activities of public
        assets (never of an individual), without ``added_by``.

        Parameters
        ----------
        asset_id : str, optional
            Only the activities of this place or association.
        actor : Actor or str, optional
            Who asks (see :meth:`assets` for what each role sees).

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`assetmap.layers.schema.ACTIVITY_FIELDS`, in the order they were added.
        """
        actor = self._actor(actor)
        frame = self.store.read("activities", {"asset_id": asset_id} if asset_id else None)
        if frame.empty:
            return empty_activities()
        if actor.role == "public":
            return public_activities(frame, self.assets(actor=actor))
        if actor.role == "workshop":
            frame = frame[frame["asset_id"].isin(self.assets(actor=actor)["id"]).to_numpy()]
        return frame.reset_index(drop=True)

    def add_activity(self, fields: dict, actor: ActorLike = None) -> str:
        """Add an activity to a place or an association, recorded in the history.

        Parameters
        ----------
        fields : dict
            ``asset_id``, ``name``, ``recurring_time`` (``Tu 19:00-21:00``), optionally
            ``target_group``, ``free`` and ``walk_in`` (see
            :func:`assetmap.layers.activities.build_activities`).
        actor : Actor or str, optional
            Who adds it; recorded as ``added_by`` (a ``workshop`` actor always in their own name).

        Returns
        -------
        str
            The new activity's id.

        Raises
        ------
        InputError
            A field is not valid, the asset does not exist (or the actor cannot see it), or it is
            an individual or a story (``activity_not_place``).
        PermissionDenied
            The actor's role may not write.
        """
        actor = self._actor(actor)
        self._may_write(actor)
        fields = dict(fields)
        if actor.role == "workshop":
            fields["added_by"] = actor.pseudonym
        fields.pop("created_at", None)
        row = build_activities(pd.DataFrame([fields]), added_by=actor.pseudonym)
        record = _plain_activity(row.iloc[0])
        with self._write():
            self._activity_asset_visible(record["asset_id"], actor)
            if self.store.exists("activities", "id", [record["id"]]):
                raise InputError("id_duplicate", "fix_unique_id", column="id", id=record["id"])
            self.store.insert("activities", pd.DataFrame([record]))
            self._log([(record["id"], "activity create", None, record)], actor)
        return record["id"]

    def update_activity(self, activity_id: str, changes: dict, actor: ActorLike = None, *,
                        owner_only: bool = False) -> dict:
        """Change some fields of an activity, recorded in the history.

        Parameters
        ----------
        activity_id : str
            The activity.
        changes : dict
            Field -> new value; the whole row is validated again. ``id``, ``added_by`` and
            ``created_at`` are kept.
        actor : Actor or str, optional
            Who changes it.
        owner_only : bool
            Only the one who added it may change it (always so for the ``workshop`` role).

        Returns
        -------
        dict
            The activity as stored afterwards.

        Raises
        ------
        InputError
            No such activity, the asset does not exist, or a field is not valid.
        PermissionDenied
            The role may not write, or the activity is someone else's.
        """
        actor = self._actor(actor)
        with self._write():
            before = self._require_activity(activity_id, actor, owner_only)
            merged = {**before, **changes, "id": activity_id, "added_by": before["added_by"],
                      "created_at": before["created_at"]}
            after = _plain_activity(build_activities(pd.DataFrame([merged])).iloc[0])
            if after["asset_id"] != before["asset_id"]:
                self._activity_asset_visible(after["asset_id"], actor)
            if after != before:
                self.store.update("activities", pd.DataFrame([after]), "id")
                self._log([(activity_id, "activity update", before, after)], actor)
        return after

    def delete_activity(self, activity_id: str, actor: ActorLike = None, *, owner_only: bool = False) -> None:
        """Delete an activity; the history keeps its last state.

        Parameters
        ----------
        activity_id : str
            The activity.
        actor : Actor or str, optional
            Who deletes it.
        owner_only : bool
            Only the one who added it may delete it (always so for the ``workshop`` role).

        Raises
        ------
        InputError
            No such activity.
        PermissionDenied
            The role may not write, or the activity is someone else's.
        """
        actor = self._actor(actor)
        with self._write():
            before = self._require_activity(activity_id, actor, owner_only)
            self.store.delete("activities", {"id": activity_id})
            self._log([(activity_id, "activity delete", before, None)], actor)

    # ------------------------------------------------------------------ labels
    def labels(self) -> dict[str, str]:
        """The workspace's own names for its building blocks (``{"individual": "Talenten"}``).

        Returns
        -------
        dict of str to str
            Building block -> label; empty when the workspace uses the standard labels.
        """
        raw = self.store.meta().get("labels")
        try:
            labels = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return {k: str(v) for k, v in labels.items() if k in BUILDING_BLOCKS and v} if isinstance(labels, dict) else {}

    def set_labels(self, labels: dict[str, str | None], actor: ActorLike = None) -> dict[str, str]:
        """Rename building blocks for this workspace (an empty label brings back the standard one).

        Parameters
        ----------
        labels : dict
            Building block -> its label here, e.g. ``{"individual": "Talenten"}``; ``None`` or
            ``""`` removes a label.
        actor : Actor or str, optional
            Who renames; must be a coordinator.

        Returns
        -------
        dict of str to str
            Every label of the workspace afterwards.

        Raises
        ------
        InputError
            A key is not a building block (``label_unknown_block``) or a label is too long
            (``text_too_long``).
        PermissionDenied
            The actor is not a coordinator.
        """
        self._may_manage(self._actor(actor))
        problems = []
        for block, label in labels.items():
            if block not in BUILDING_BLOCKS:
                problems.append(Problem("label_unknown_block", "fix_use_one_of", column=str(block), name=str(block),
                                        allowed=", ".join(BUILDING_BLOCKS)))
            elif label is not None and len(str(label).strip()) > settings.NAME_MAX_LENGTH:
                problems.append(Problem("text_too_long", "fix_shorten", column=block, limit=settings.NAME_MAX_LENGTH))
        if problems:
            raise InputError(problems)
        with self._write():
            current = self.labels()
            for block, label in labels.items():
                text = "" if label is None else str(label).strip()
                if text:
                    current[block] = text
                else:
                    current.pop(block, None)
            self.store.set_meta("labels", json.dumps(current, ensure_ascii=False))
        return current

    def _require_activity(self, activity_id: str, actor: Actor, owner_only: bool) -> dict:
        self._may_write(actor)
        frame = self.store.read("activities", {"id": activity_id})
        if frame.empty:
            raise InputError("activity_gone", "fix_refresh_list", id=activity_id)
        current = _plain_activity(frame.iloc[0])
        if owner_only or actor.role == "workshop":
            if not actor.pseudonym:
                raise PermissionDenied("permission_no_pseudonym")
            if current.get("added_by") != actor.pseudonym:
                raise PermissionDenied("permission_not_yours", id=activity_id)
        return current

    def _activity_asset_visible(self, asset_id: str, actor: Actor) -> None:
        """An activity belongs to an existing asset the actor can see (a hidden one reads as missing)."""
        known = self.store.exists("assets", "id", [asset_id])
        if known and actor.role == "workshop":
            known &= set(self.assets(actor=actor)["id"])
        if not known:
            raise InputError("asset_missing", "fix_link_existing_id", column="asset_id", id=asset_id)
        block = (self._stored_asset(asset_id) or {}).get("building_block")
        if block in ("individual", "story"):
            # A person's talents and a story have no opening times: an activity is of a place or a group.
            raise InputError("activity_not_place", "fix_activity_place", column="asset_id", id=asset_id, block=block)

    # ------------------------------------------------------------------ rules
    def _actor(self, actor: ActorLike) -> Actor:
        if actor is None:
            return self.actor
        if isinstance(actor, Actor):
            return actor
        return Actor(str(actor), self.actor.role)

    @staticmethod
    def _may_write(actor: Actor) -> None:
        if actor.role == "public":
            raise PermissionDenied("permission_public_read_only")

    @staticmethod
    def _may_manage(actor: Actor) -> None:
        if actor.role != "coordinator":
            raise PermissionDenied("permission_coordinator_only")

    def _require(self, asset_id: str, actor: Actor, owner_only: bool) -> dict:
        self._may_write(actor)
        current = self._stored_asset(asset_id)
        if current is None:
            raise InputError("asset_gone", "fix_refresh_list", id=asset_id)
        if owner_only or actor.role == "workshop":
            if not actor.pseudonym:
                raise PermissionDenied("permission_no_pseudonym")
            if not is_owner(current, actor.pseudonym):
                raise PermissionDenied("permission_not_yours", id=asset_id)
        return current

    def _check_related_visible(self, records: list[dict], stored: dict, actor: Actor, first_row: int) -> None:
        """A workshop participant's story may point only at entries they can see: a hidden one reads as
        missing, so that saving tells nothing about it. A pointer already stored may stay."""
        batch = {r["id"] for r in records}
        wanted = []
        for number, record in enumerate(records, start=first_row):
            related = record.get("related_asset_id")
            if related and related not in batch and related != (stored.get(record["id"]) or {}).get("related_asset_id"):
                wanted.append((number, related))
        if not wanted:
            return
        visible = set(self.assets(actor=actor)["id"])
        problems = [Problem("asset_missing", "fix_link_existing_id", row=n, column="related_asset_id", id=r)
                    for n, r in wanted if r not in visible]
        if problems:
            raise InputError(problems)

    def _account(self, name: str) -> dict | None:
        """The stored account of this name, case not counting (hash included: never for an actor's eyes)."""
        frame = self.store.read("accounts")
        wanted = name.casefold()
        for record in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if record["name"].casefold() == wanted:
                return record
        return None

    def _imported_under(self, pseudonym: str) -> bool:
        """Whether an import records entries under this name (``OpenStreetMap``): no participant may own them."""
        if not self.store.exists("assets", "added_by", [pseudonym]):
            return False
        sources = self.store.read("assets", {"added_by": pseudonym})["source"]
        return bool((sources.fillna("") != "workshop").any())

    def _queued(self, asset_id: str) -> tuple[dict, dict]:
        """The moderation request of an entry and the entry's state (as history keeps it)."""
        queue = self.store.read("moderation_queue", {"asset_id": asset_id})
        current = self._stored_asset(asset_id)
        if queue.empty or current is None:
            raise InputError("not_pending", "fix_pending_list", id=asset_id)
        request = queue.astype(object).where(queue.notna(), None).iloc[0].to_dict()
        return request, _jsonable(current)

    def _stored_asset(self, asset_id: str) -> dict | None:
        """The asset as stored, every field (for the service's own checks, never for an actor's eyes)."""
        frame = self.store.read("assets", {"id": asset_id})
        return None if frame.empty else _row_dict(frame.iloc[0])

    def _states(self, ids: list[str], *, with_versions: bool = False):
        """The stored rows of these ids as history keeps them (plain values, ``geometry_wkt``), and
        with ``with_versions`` their versions (id -> int)."""
        frame = self.store.read("assets", {"id": ids})
        wkts = shapely.to_wkt(np.asarray(frame.geometry.array, dtype=object), rounding_precision=-1)
        states = {r["id"]: _state(r, w) for r, w in zip(_records(frame), wkts)}
        if not with_versions:
            return states
        return states, _version_map(frame)

    def _versions(self, ids: list[str]) -> dict[str, int]:
        """The stored version of each of these assets (id -> int)."""
        return _version_map(self.store.read("assets", {"id": ids}))

    def _put_state(self, state: dict, *, update: bool = False) -> None:
        """Write an asset state from the history back (insert, or overwrite with ``update``).

        A deleted asset's links come back with it where their other end still exists.
        """
        record = {c: state.get(c) for c in ASSET_FIELDS}
        asset_id = record["id"]
        self._people_changed = True
        rows = [(record, shapely.from_wkt(state["geometry_wkt"]) if state.get("geometry_wkt") else None)]
        if update:
            self.store.update("assets", _frame(rows, {asset_id: (self._versions([asset_id]).get(asset_id) or 0) + 1}),
                              "id")
            return
        self.store.insert("assets", _frame(rows, {asset_id: 1}))
        links = pd.DataFrame(state.get("links") or [])
        if len(links):
            ends = self.store.exists("assets", "id", sorted(set(links["from_asset_id"]) | set(links["to_asset_id"])))
            links = links[links["from_asset_id"].isin(ends) & links["to_asset_id"].isin(ends)]
            links = links[~links["id"].isin(self.store.exists("links", "id", list(links["id"])))]
            self.store.insert("links", links)

    def _drop_links(self, asset_id: str) -> list[dict]:
        """Delete the links of an asset; returns them as plain records (for the history)."""
        links = pd.concat([self.store.read("links", {"from_asset_id": asset_id}),
                           self.store.read("links", {"to_asset_id": asset_id})]).drop_duplicates("id")
        self.store.delete("links", {"from_asset_id": asset_id})
        self.store.delete("links", {"to_asset_id": asset_id})
        return links.astype(object).where(links.notna(), None).to_dict("records")

    def _log(self, entries: list[tuple], actor: Actor, at: str | None = None) -> None:
        """Append ``(asset_id, action, before, after)`` entries to the history."""
        if not entries:
            return
        at = at or now_iso()
        encode = _history_json
        asset_ids, actions, befores, afters = zip(*entries)
        # Plain Python values (object columns): the store takes them as they are, with no text conversion.
        self.store.insert("history", pd.DataFrame({
            "asset_id": asset_ids, "action": actions, "actor": [actor.pseudonym] * len(entries), "at": [at] * len(entries),
            "before": [None if b is None else encode(b) for b in befores],
            "after": [None if f is None else encode(f) for f in afters]}, dtype=object))


# ---------------------------------------------------------------------- opening
def open_workspace(location: str | os.PathLike, actor: Actor | None = None, *,
                   moderation_default: bool = False) -> Workspace:
    """Open an existing workspace through the editing service.

    Parameters
    ----------
    location : path-like or str
        A workspace ``.gpkg`` file, or a PostgreSQL URI ``postgresql://user:password@host:port/db?schema=name``.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator).
    moderation_default : bool
        Whether moderation is on where the workspace never set it (a hosted app: on).

    Returns
    -------
    Workspace

    Raises
    ------
    assetmap.errors.WorkspaceError
        Missing, not a workspace, or of a newer schema version.
    """
    return Workspace(open_store(location), actor, moderation_default=moderation_default)


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


# ---------------------------------------------------------------------- helpers
def _records(frame: pd.DataFrame) -> list[dict]:
    """Asset rows as plain values (see :func:`assetmap.storage.geopackage.plain_value`)."""
    columns = [plain_values(frame[c], kind) if c in frame.columns else [None] * len(frame)
               for c, kind in ASSET_FIELDS.items()]
    names = list(ASSET_FIELDS)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _frame(rows, versions: dict[str, int] | None = None) -> gpd.GeoDataFrame:
    """Plain asset records with their geometries (and versions, by id) as a frame for the store."""
    rows = list(rows)
    if not rows:
        return gpd.GeoDataFrame()
    records = [r for r, _ in rows]
    # Object columns of the plain values: the store writes them as they are (no dtype guessing,
    # no conversion to text arrays and back).
    names = list(dict.fromkeys(itertools.chain.from_iterable(records)))
    pick = operator.itemgetter(*names)
    try:
        values = zip(*map(pick, records)) if len(names) > 1 else ([pick(r) for r in records],)
    except KeyError:  # records with different fields: a missing one is None
        values = ([r.get(name) for r in records] for name in names)
    columns = dict(zip(names, map(list, values)))
    if versions is not None:
        columns["version"] = [versions.get(r["id"]) for r in records]
    return gpd.GeoDataFrame(pd.DataFrame(columns, dtype=object), geometry=[g for _, g in rows],
                            crs=settings.STORAGE_CRS)


def _version_map(frame: pd.DataFrame) -> dict[str, int]:
    """id -> stored version of an asset frame (1 where a row has none)."""
    if "version" not in frame.columns:
        return {i: 1 for i in frame["id"]}
    return {i: (1 if pd.isna(v) else int(v)) for i, v in zip(frame["id"], frame["version"])}


def _history_json(state: dict) -> str:
    """A state as the history keeps it: JSON text, non-ASCII as written (orjson: an import's
    10,000 entries in hundredths of a second instead of tenths)."""
    return orjson.dumps(state, default=_json_plain, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _json_plain(value):
    """A value orjson does not know (a numpy or pandas scalar) as plain Python, as ``json`` took it."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float):  # a subclass of float
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")

_BOOLEAN_FIELDS = frozenset(k for k, kind in ASSET_FIELDS.items() if kind == "BOOLEAN")


def _state(record: dict, wkt: str | None) -> dict:
    """A record of plain values as history keeps it: booleans as JSON booleans, geometry as WKT."""
    out = dict(record)  # a copy in C; then only the few yes/no fields are touched (order stays)
    out.pop("geometry", None)
    for k in _BOOLEAN_FIELDS.intersection(out):
        if out[k] is not None:
            out[k] = bool(out[k])
    out["geometry_wkt"] = wkt
    return out


def _jsonable(record: dict) -> dict:
    """An asset dict (as :meth:`Workspace.asset` gives it) as history keeps it."""
    geometry = record.get("geometry")
    plain = {k: plain_value(v, ASSET_FIELDS.get(k, "TEXT")) for k, v in record.items() if k != "geometry"}
    return _state(plain, None if geometry is None else shapely.to_wkt(geometry, rounding_precision=-1))


def _row_dict(row: pd.Series) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = None if (v is pd.NA or v is None or (isinstance(v, float) and np.isnan(v))) else v
        if isinstance(out[k], np.bool_):
            out[k] = bool(out[k])
    return out


def _plain_activity(row) -> dict:
    """An activity row as plain values (as stored and as the history keeps it)."""
    return {c: (bool(v) if v is not None and kind == "BOOLEAN" else v)
            for c, kind in ACTIVITY_FIELDS.items() for v in [plain_value(row.get(c), kind)]}


_VISIBILITY_RANK = {"private": 0, "group": 1, "public": 2}


def _never_more_public(record: dict, before: dict) -> None:
    """Keep visibility and consent of a taken-over entry at most as public as they were."""
    old, new = before.get("visibility"), record.get("visibility")
    if _VISIBILITY_RANK.get(new, 0) > _VISIBILITY_RANK.get(old, 0):
        record["visibility"] = old
    if not before.get("consent"):
        record["consent"] = before.get("consent")


def _same(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k not in _TIMESTAMPS} == \
        {k: v for k, v in after.items() if k not in _TIMESTAMPS}


# ---------------------------------------------------------------------- access helpers
#: Letters and digits of table codes: none that can be mistaken for another (0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended parameters (RFC 9106 low-memory profile)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash of a random secret: an unknown name is checked against it, as slowly as a real one."""
    return _hasher().hash(secrets.token_urlsafe(24))


def _verify(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``; False, never an error, for anything else."""
    try:
        return _hasher().verify(hashed, password)
    except (Argon2Error, InvalidHashError, TypeError, ValueError):
        return False


def _code_hash(code: str) -> str:
    """The stored form of a table code: case, spaces and dashes do not count."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"assetmap table code:{normal}".encode()).hexdigest()


def _utcnow() -> datetime:
    """Now, in UTC (tests move the clock by replacing this function)."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    """A UTC time as the workspace stores it (ISO 8601 with milliseconds and ``Z``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value) -> datetime | None:
    """A stored time back as an aware UTC datetime; None for an empty value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value):
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _minutes_left(until: datetime, now: datetime) -> int:
    """Whole minutes until ``until``, rounded up, at least 1."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _clean_name(value) -> tuple[str, str | None]:
    """A name or pseudonym without surrounding spaces, and what is wrong with it: None,
    ``missing`` (empty) or ``invalid`` (too long, or holding control characters)."""
    clean = value.strip() if isinstance(value, str) else ""
    if not clean:
        return clean, "missing"
    if len(clean) > settings.NAME_MAX_LENGTH or any(unicodedata.category(ch).startswith("C") for ch in clean):
        return clean, "invalid"
    return clean, None


def _password_problems(password) -> list[Problem]:
    """What is wrong with a new password (its text is never put in a problem)."""
    shortest, longest = settings.PASSWORD_MIN_LENGTH, settings.PASSWORD_MAX_LENGTH
    if not isinstance(password, str) or not password:
        return [Problem("password_empty", "fix_password_length", min=shortest)]
    if len(password) < shortest:
        return [Problem("password_too_short", "fix_password_length", min=shortest)]
    if len(password) > longest:
        return [Problem("password_too_long", "fix_password_max", max=longest)]
    return []
