"""Entries: save, add, change, delete, restore and undo assets; links between them.

Every write goes through the core's one write path (``_write``, ``_log``, ``_put_state``), so it is
recorded in the history with who, when, and the full state before and after. Who may change
which entry is asked of :mod:`assetmap.service.policy`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.assets import build_assets, now_iso
from assetmap.layers.boundaries import assign_codes
from assetmap.layers.initiatives import is_archived
from assetmap.layers.links import build_links
from assetmap.layers.schema import ARCHIVED_STATUS, INITIATIVE, text_fields
from assetmap.messages import N_
from assetmap.privacy import story_warnings
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service._plain import (
    _TIMESTAMPS,
    _frame,
    _jsonable,
    _never_more_public,
    _records,
    _same,
    _state,
)
from assetmap.service.policy import Actor, ActorLike

__all__ = ["Entries", "SaveReport"]

#: The longest first line of a story that is taken as its title (a longer one is a sentence, not a name).
_STORY_TITLE_MAX = 80


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


class Entries(_Core):  # numpydoc ignore=PR01
    """Writing entries: save and add assets, change, delete, restore, undo, check and link them."""

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
        if take_over:
            policy.check_take_over(actor)
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
        records = _records(assets)
        if policy.is_entry_owner(actor) and others == "edit":
            self._check_owner_direct(actor)
            for record in records:  # an update link's holder: their one entry, through update_asset only
                policy.check_owner_edit(actor, record["id"])
        else:
            policy.check_write(actor)
        self._refuse_bsn(records, first_row)
        geoms = np.asarray(assets.geometry.array, dtype=object)
        # The history's after-state, made in one go: a 20,000-row import spends seconds, not minutes, here.
        wkts = shapely.to_wkt(geoms, rounding_precision=-1)
        ids = [r["id"] for r in records]
        batch = _Batch(actor, others, now_iso(), report)
        with self._write():
            moderated = policy.is_participant(actor) and self.moderation()
            self.check_related(ids, [r.get("related_asset_id") for r in records], first_row)
            batch.stored, versions = self._states(ids, with_versions=True)
            if any(r.get("building_block") == "individual" for r in [*records, *batch.stored.values()]):
                self._people_changed = True
            if policy.is_participant(actor):
                self._check_related_visible(records, batch.stored, actor, first_row)
            for number, (record, geom, wkt) in enumerate(zip(records, geoms, wkts), start=first_row):
                # A person's health (GDPR art. 9) in a table's public text waits for a coordinator even
                # with moderation off: it needs that person's explicit consent, which a coordinator checks.
                if moderated or (policy.is_participant(actor) and _names_health(record)):
                    batch.queue_for_moderation(record, wkt)
                batch.take(number, record, geom, wkt)
            if batch.problems:
                raise InputError(batch.problems)
            self._write_rows(batch, versions)
        return report

    def _write_rows(self, batch: _Batch, versions: dict[str, int]) -> None:
        """Write a checked batch: new rows, changed rows (a version up), the history, the moderation queue."""
        # Every change raises the asset's version: an edit made on an older version is refused
        # (update_asset's expected_version), never silently written over this one.
        self.store.insert("assets", _frame(batch.new_rows.values(), {i: 1 for i in batch.new_rows}))
        self.store.update("assets", _frame(batch.changed_rows.values(),
                                           {i: (versions.get(i) or 0) + 1 for i in batch.changed_rows}), "id")
        self._log(batch.log, batch.actor, batch.stamp)
        if batch.requests or batch.withdrawn:
            self.store.delete("moderation_queue", {"asset_id": sorted(set(batch.requests) | batch.withdrawn)})
            self.store.insert("moderation_queue", pd.DataFrame(list(batch.requests.values())))
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
        policy.check_write(actor)
        new = build_assets(gpd.GeoDataFrame([fields], geometry=[geometry], crs=settings.STORAGE_CRS),
                           source="workshop", added_by=actor.pseudonym)
        place_id = new["id"].iloc[0]
        if story and story.strip():
            # Its own entry about the place, never a text cut mid-word: a short first line is the
            # teller's title, else the story is named after its place; the whole text is its description.
            title = story.strip().splitlines()[0].strip()
            story_row = {"name": title if len(title) <= _STORY_TITLE_MAX else new["name"].iloc[0],
                         "building_block": "story",
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
            Only the one who added the entry may change it. The holder of an update link of this
            entry may change its public fields (:data:`~assetmap.service.policy.OWNER_FIELDS`).
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
            current = self._require(asset_id, actor, owner_only, fields=changes)
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
        policy.check_write(actor)
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
            policy.check_restore(actor, state, asset_id)
            state = self._held_for_moderation(actor, state)
            self._put_state(state)
            self._log([(asset_id, "restore", None, state)], actor)
        return self.asset(asset_id, actor=actor)

    def _unarchive(self, current: dict, actor: Actor) -> None:
        """Bring an archived entry back with the status it had before it was archived."""
        asset_id = current["id"]
        policy.check_unarchive(actor, current, asset_id)
        archives = self.store.read("history", {"asset_id": asset_id, "action": "archive"})
        earlier = json.loads(archives["before"].iloc[-1]).get("status") if len(archives) else None
        if earlier in (None, ARCHIVED_STATUS):
            earlier = "loopt" if current.get("building_block") == INITIATIVE else None
        before = _jsonable(current)
        stamp = now_iso()
        after = dict(before, status=earlier, ended_at=None, updated_at=stamp)
        self._put_state(after, update=True)
        self._log([(asset_id, "unarchive", before, after)], actor, stamp)

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
        policy.check_write(actor)
        if not actor.pseudonym:
            return None
        with self._write():
            mine = self.store.read("history", {"actor": actor.pseudonym}, with_fid=True)
            undo = mine["action"].str.startswith("undo").fillna(False).to_numpy()
            undone = {json.loads(a).get("undoes") for a in mine.loc[undo, "after"].dropna()}
            # Activities keep their own history entries, and a link is recorded for the changes over
            # time and goes with its asset: undo takes back asset changes only.
            activity = mine["action"].str.startswith("activity").fillna(False).to_numpy()
            link = mine["action"].str.startswith("link").fillna(False).to_numpy()
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
                    state = self._held_for_moderation(actor, state)
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
                        # back to text no coordinator saw public: it waits again (never public unseen)
                        state = self._held_for_moderation(actor, state, state["updated_at"])
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
        policy.check_write(actor)
        with self._write():
            ends = sorted(set(links["from_asset_id"]) | set(links["to_asset_id"]))
            known = self.store.exists("assets", "id", ends)
            if policy.is_participant(actor):
                # An entry they cannot see is as good as missing: a link must not tell it exists.
                known &= set(self.assets(actor=actor)["id"])
                links = links.drop(columns=["added_by"], errors="ignore")
            checked = build_links(links, known, added_by=actor.pseudonym)
            self._refuse_bsn(checked.astype(object).to_dict("records"))
            self.store.insert("links", checked)
            if policy.is_participant(actor) and self.moderation():
                for link_id in checked["id"]:  # public once a coordinator approves, like an entry
                    self._queue_request(link_id, actor)
            # Recorded under the asset it starts from, so that changes over time show what was linked.
            records = checked.astype(object).where(checked.notna(), None).to_dict("records")
            self._log([(r["from_asset_id"], "link", None, r) for r in records], actor)
        return len(checked)


def _names_health(record: dict) -> bool:
    """Whether a row's free text seems to be about a person's health or care need (special category data)."""
    return any(N_("story_names_health") in story_warnings(record.get(field))
               for field in (*text_fields("name", "description"), "seeks", "offers"))


@dataclass
class _Batch:
    """One save in progress (:meth:`Entries._save`): the rows taken so far, what the history and the
    moderation queue will get, and the problems found; each row goes through the named steps below."""

    actor: Actor
    others: str  # what happens to other people's entries: "refuse", "take over" or "edit"
    stamp: str
    report: SaveReport
    stored: dict[str, dict] = field(default_factory=dict)  # id -> state, kept current within the batch
    new_rows: dict[str, tuple[dict, object]] = field(default_factory=dict)
    changed_rows: dict[str, tuple[dict, object]] = field(default_factory=dict)
    log: list[tuple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    requests: dict[str, dict] = field(default_factory=dict)  # moderation: asset id -> what its author asked for
    withdrawn: set[str] = field(default_factory=set)

    def queue_for_moderation(self, record: dict, wkt: str | None) -> None:
        """A participant's public row is stored as ``group`` and queued; a private one withdraws the request."""
        asset_id = record["id"]
        before = self.stored.get(asset_id)
        self.requests.pop(asset_id, None)
        visibility = record.get("visibility")
        if visibility == "private":
            self.withdrawn.add(asset_id)
            return
        if visibility != "public":
            return
        if before is not None and before.get("visibility") == "public" \
                and _same(before, _state({**record, "added_by": before.get("added_by")}, wkt)):
            return  # public already (approved) and saved unchanged: nothing to moderate
        self.requests[asset_id] = {"asset_id": asset_id, "requested_visibility": "public",
                                   "requested_consent": record.get("consent"),
                                   "requested_by": self.actor.pseudonym, "at": self.stamp}
        record["visibility"] = "group"

    def take(self, number: int, record: dict, geom, wkt: str | None) -> None:
        """Take one row: a new entry, a change of a stored one, an unchanged one, or a problem."""
        before = self.stored.get(record["id"])
        if before is None:
            self._add(record, geom, wkt)
        else:
            self._change(number, record, before, geom, wkt)

    def _add(self, record: dict, geom, wkt: str | None) -> None:
        """A new entry: in the participant's own name, stamped now, recorded as ``create``."""
        asset_id = record["id"]
        if policy.is_participant(self.actor):
            record["added_by"] = self.actor.pseudonym  # never in someone else's name
        record["created_at"] = record["updated_at"] = self.stamp
        after = _state(record, wkt)
        self.new_rows[asset_id] = (record, geom)
        self.log.append((asset_id, "create", None, after))
        self.stored[asset_id] = after  # the same id later in this batch is an update of this row
        self.report.added.append(asset_id)

    def _change(self, number: int, record: dict, before: dict, geom, wkt: str | None) -> None:
        """A row for a stored entry: refused, taken over, unchanged, or recorded as ``update``."""
        asset_id = record["id"]
        foreign = self._check_ownership(before, asset_id)
        if foreign and self.others == "refuse":
            self.problems.append(Problem("asset_belongs_to_other", "fix_new_id_or_take_over", row=number,
                                         column="id", id=asset_id))
            return
        taken_over = foreign and self.others == "take over"
        if taken_over:
            _never_more_public(record, before)
        after = _merge_with_stored(record, before, wkt, keep_owners=taken_over)
        if _same(before, after):
            self.report.unchanged.append(asset_id)
            return
        record["updated_at"] = after["updated_at"] = self.stamp
        if after.get("last_checked") == before.get("last_checked"):
            # Every edit is a check too (freshness); an explicit new ``last_checked`` is kept as given.
            record["last_checked"] = after["last_checked"] = self.stamp[:10]
        (self.new_rows if asset_id in self.new_rows else self.changed_rows)[asset_id] = (record, geom)
        self.log.append((asset_id, "take over" if taken_over else "update", before, after))
        self.stored[asset_id] = after
        self.report.updated.append(asset_id)

    def _check_ownership(self, before: dict, asset_id: str) -> bool:
        """Refuse a participant's change of an entry not their own; gives whether it is someone else's."""
        added_here = asset_id in self.new_rows
        # An initiative's owners (pseudonyms in ``owners``) may change it, as its author may; an entry
        # without either belongs to the coordinators (policy.belongs_to): foreign to an import under a name.
        foreign = not added_here and not policy.belongs_to(self.actor, before)
        if policy.is_participant(self.actor) and not added_here:
            # Also an entry without owner: a workshop participant changes only their own.
            policy.check_change(self.actor, before, asset_id)
        return foreign


def _merge_with_stored(record: dict, before: dict, wkt: str | None, keep_owners: bool = False) -> dict:
    """A changed row keeps when its entry was added and changed, and who added it; gives its new state.

    With ``keep_owners`` (an import that takes over an entry not its own, or one without an owner) it
    keeps who added it, also when nobody did, and its ``owners``: a row never makes an entry its saver's.
    """
    record["created_at"] = before["created_at"]
    record["updated_at"] = before["updated_at"]
    record["added_by"] = before.get("added_by") if keep_owners else (before.get("added_by") or record["added_by"])
    if keep_owners and "owners" in before:
        record["owners"] = before.get("owners")
    return _state(record, wkt)
