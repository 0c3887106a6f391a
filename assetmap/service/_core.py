"""The core of the editing service: the one write path with history, and the reads as each role may see them.

:class:`_Core` holds the store, the transaction (:meth:`_Core.transaction`, ``_write``), the
history (``_log``), the state and version helpers every part writes through (``_put_state``,
``_states``, ``_versions``), and the role-filtered reads (assets, links, activities, history).
The parts of :class:`~assetmap.service.Workspace` (entries, moderation, accounts, activities,
initiatives, labels, map data) are built on it and call only it; who may do what is asked of
:mod:`assetmap.service.policy`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied, Problem
from assetmap.layers.activities import empty_activities
from assetmap.layers.assets import empty_assets, now_iso
from assetmap.layers.schema import ASSET_FIELDS, CONTACT_FIELDS
from assetmap.privacy import (
    GROUP_MASKED_FIELDS,
    PSEUDONYM_FIELDS,
    holds_bsn,
    mask_group_view,
    public_activities,
    public_view,
    workshop_view,
)
from assetmap.service import audit, policy
from assetmap.service._plain import _frame, _history_json, _records, _row_dict, _state, _version_map
from assetmap.service.policy import Actor, ActorLike
from assetmap.storage import PRIVATE_TABLES, Store

__all__: list[str] = []


class _Core:
    """The store, the one write path with history, and the reads as the actor's role may see them.

    Parameters
    ----------
    store : Store
        Where the tables live.
    actor : Actor, optional
        Who calls when a call names nobody (default: a coordinator).
    """

    def __init__(self, store: Store, actor: Actor | None = None):
        self.store = store
        self.actor = actor or Actor()
        self._write_depth = 0
        # Set while an update link's holder's change is written (UpdateLinks._owner_writing): only then.
        self._owner_writing_now = False
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

    def __enter__(self) -> _Core:
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
        committed = False
        try:
            with self.store.transaction():
                yield
                if outer and self._people_changed:
                    self.refresh_public_views()
            committed = outer
        finally:
            self._write_depth -= 1
            if outer:
                self._people_changed = False
                lines, self._audit_lines = getattr(self, "_audit_lines", []), []
                result = "ok" if committed else "failed"
                if len(lines) > 50:  # a bulk write (an import): one line per action and role, with a count
                    for (action, role), count in Counter((a, r) for a, _, r in lines).items():
                        audit.record(action, role=role, result=result, count=count)
                else:
                    for action, entry, role in lines:  # the structured log: only what was committed
                        audit.record(action, entry=entry, role=role, result=result)

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
            shown = public_view(self._public_rows(), self.boundaries(), self.buildings(), self.study_area())
            people = shown[(shown["building_block"] == "individual").fillna(False).to_numpy()]
            publish(people, hidden=CONTACT_FIELDS + PSEUDONYM_FIELDS, held_back=sorted(self.reported_hidden()))
        return True

    def _public_rows(self) -> gpd.GeoDataFrame:
        """The stored public rows the public view is made from: without the entries held back by
        reports (:meth:`reported_hidden`) until a coordinator decides."""
        rows = self.store.read("assets", {"visibility": "public"})
        held = self.reported_hidden()
        return rows[~rows["id"].isin(held).to_numpy()] if held and len(rows) else rows

    def reported_hidden(self) -> set[str]:
        """Ids of the entries held back from every public output: open reports reached
        ``settings.REPORTS_TO_HIDE`` and no coordinator decided yet.

        Returns
        -------
        set of str
            Asset ids (empty for a workspace without reports).
        """
        open_reports = self.store.read("entry_reports", {"decision": None})
        if open_reports.empty:
            return set()
        counts = open_reports["asset_id"].value_counts()
        return set(counts[counts >= max(1, int(settings.REPORTS_TO_HIDE))].index)

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
            (:func:`assetmap.privacy.workshop_view`) and with contact details, IBANs and BSNs
            masked in others' entries (:func:`assetmap.privacy.mask_group_view`); ``public`` the public view
            (:func:`assetmap.privacy.public_view`).

        Returns
        -------
        geopandas.GeoDataFrame
            The matching assets in the order they were written, in EPSG:4326; an empty asset
            layer when none match.
        """
        actor = self._actor(actor)
        where = {k: v for k, v in (("building_block", building_block), ("buurt_code", buurt_code)) if v}
        if policy.sees_public_view(actor):
            # The public view is made from every entry, then filtered, so a filter cannot change it.
            frame = public_view(self._public_rows(), self.boundaries(), self.buildings(), self.study_area())
            for column, value in where.items():
                frame = frame[(frame[column] == value).fillna(False).to_numpy()]
        else:
            frame = self.store.read("assets", where or None)
            if policy.is_participant(actor):
                # Another's contact details, IBAN or BSN in a free-text field: masked for a table too.
                frame = mask_group_view(workshop_view(frame, actor.pseudonym), actor.pseudonym)
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
        if not policy.sees_everything(actor):
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
        if not policy.sees_everything(actor) and len(links):
            visible = set(self.assets(actor=actor)["id"])
            links = links[(links["from_asset_id"].isin(visible) & links["to_asset_id"].isin(visible)).to_numpy()]
            if policy.sees_public_view(actor):  # a table's link waits for a coordinator (or was rejected)
                links = links[~links["id"].isin(self._queued_ids()).to_numpy()]
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

    def streets(self) -> gpd.GeoDataFrame:
        """Street names of the OSM walking ways, one point each (public map data).

        Empty for a workspace whose OSM data was imported before the layer existed.
        """
        if "streets" not in self.store.tables():
            return gpd.GeoDataFrame({"name": pd.Series([], dtype=object)},
                                    geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS))
        return self.store.read("streets")

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
        policy.check_manage(self._actor(actor))
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
        if policy.sees_public_view(actor):
            # What a table added or changed waits for a coordinator (or was rejected): not public.
            frame = frame[~frame["id"].isin(self._queued_ids()).to_numpy()]
            return public_activities(frame, self.assets(actor=actor))
        if policy.is_participant(actor):
            frame = frame[frame["asset_id"].isin(self.assets(actor=actor)["id"]).to_numpy()]
            frame = mask_group_view(frame, actor.pseudonym)
        return frame.reset_index(drop=True)

    def moderation(self) -> bool:
        """Whether moderation is on: what a ``workshop`` actor makes public waits for a coordinator.

        One setting, stored in the workspace, read alike by every face (CLI, app, service): a new
        workspace starts with it on, and opening an older one stores ``on`` where it was never set
        (schema version 6). Only a coordinator's explicit ``set_moderation(False)`` turns it off.

        Returns
        -------
        bool
            False only when the workspace's ``moderation`` setting is ``off``; a workspace that
            could not store the setting (a read-only file) counts as on, the safe side.
        """
        return self.store.meta().get("moderation") != "off"

    # ------------------------------------------------------------------ moderation of what goes public
    def _last_public_state(self, asset_id: str) -> dict | None:
        """The entry as it last was public (its last approved or public state in the history), or None."""
        history = self.store.read("history", {"asset_id": asset_id}, with_fid=True)
        for after in reversed(list(history.sort_values("fid")["after"].dropna())):
            state = json.loads(after)
            if state.get("visibility") == "public":
                return state
        return None

    def _held_for_moderation(self, actor: Actor, state: dict, stamp: str | None = None) -> dict:
        """A state a participant writes back (undo, restore) as it may be stored: public only when a
        coordinator saw exactly this content public before; else ``group``, with a request in the queue.

        Parameters
        ----------
        actor : Actor
            Who writes.
        state : dict
            The entry's state as history keeps it.
        stamp : str, optional
            When (default now).

        Returns
        -------
        dict
            ``state``, or a copy with ``visibility`` ``group`` whose request now waits.
        """
        if state.get("visibility") != "public" or not policy.is_participant(actor) or not self.moderation():
            return state
        last = self._last_public_state(state["id"])
        if last is not None and _content(last) == _content(state):
            return state  # exactly what was public before: a coordinator saw it
        self.store.delete("moderation_queue", {"asset_id": state["id"]})
        self.store.insert("moderation_queue", pd.DataFrame([{
            "asset_id": state["id"], "requested_visibility": "public", "requested_consent": state.get("consent"),
            "requested_by": actor.pseudonym, "at": stamp or now_iso()}]))
        return dict(state, visibility="group")

    def _queue_request(self, item_id: str, actor: Actor) -> None:
        """Queue an activity or a link a participant added or changed: hidden from the public until approved."""
        self.store.delete("moderation_queue", {"asset_id": item_id})
        self.store.insert("moderation_queue", pd.DataFrame([{
            "asset_id": item_id, "requested_visibility": "public", "requested_consent": None,
            "requested_by": actor.pseudonym, "at": now_iso()}]))

    def _queued_ids(self) -> set[str]:
        """Ids in the moderation queue, waiting or rejected: activities and links among them stay out of
        every public output."""
        queue = self.store.read("moderation_queue")
        return set(queue["asset_id"]) if len(queue) else set()

    # ------------------------------------------------------------------ rules
    @staticmethod
    def _refuse_bsn(records: list[dict], first_row: int = 1) -> None:
        """Refuse rows with a BSN in a free-text or contact field: the tool has no lawful ground to store one.

        Raises
        ------
        InputError
            ``bsn_refused``, one problem per row and field; nothing is written then.
        """
        problems = [Problem("bsn_refused", "fix_remove_bsn", row=number, column=column)
                    for number, record in enumerate(records, start=first_row)
                    for column in (*GROUP_MASKED_FIELDS, *CONTACT_FIELDS, "note") if holds_bsn(record.get(column))]
        if problems:
            raise InputError(problems)

    def _actor(self, actor: ActorLike) -> Actor:
        if actor is None:
            return self.actor
        if isinstance(actor, Actor):
            return actor
        return Actor(str(actor), self.actor.role)

    def _require(self, asset_id: str, actor: Actor, owner_only: bool, fields=None) -> dict:
        """The stored asset the actor may change (see :func:`~assetmap.service.policy.check_change`);
        with ``fields`` (an edit of these fields) also the holder of the entry's update link."""
        if fields is not None and policy.is_entry_owner(actor):
            self._check_owner_direct(actor)
            policy.check_owner_edit(actor, asset_id, fields)
        else:
            policy.check_write(actor)
        current = self._stored_asset(asset_id)
        if current is None:
            raise InputError("asset_gone", "fix_refresh_list", id=asset_id)
        if not policy.is_entry_owner(actor):
            policy.check_change(actor, current, asset_id, owner_only)
        return current

    def _check_owner_direct(self, actor: Actor) -> None:
        """An update link's holder writes only through :meth:`~assetmap.service.update_links.UpdateLinks.owner_change`
        (checked there, waiting for a coordinator while moderation is on), never straight through an editing method."""
        if policy.is_entry_owner(actor) and not self._owner_writing_now:
            raise PermissionDenied("permission_owner_through_link")

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
        if not hasattr(self, "_audit_lines"):
            self._audit_lines = []
        self._audit_lines += [(a, i, actor.role) for i, a in zip(asset_ids, actions)]  # written at commit
        # Plain Python values (object columns): the store takes them as they are, with no text conversion.
        self.store.insert("history", pd.DataFrame({
            "asset_id": asset_ids, "action": actions, "actor": [actor.pseudonym] * len(entries), "at": [at] * len(entries),
            "before": [None if b is None else encode(b) for b in befores],
            "after": [None if f is None else encode(f) for f in afters]}, dtype=object))


_NOT_CONTENT = frozenset({"updated_at", "created_at", "visibility", "version", "links", "undoes"})


def _content(state: dict) -> dict:
    """What a coordinator approves of an entry's state: everything but timestamps, visibility and bookkeeping."""
    return {k: v for k, v in state.items() if k not in _NOT_CONTENT}
