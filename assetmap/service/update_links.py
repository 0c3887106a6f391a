"""Update links: the owner of one entry (an association, a buurthuis) keeps it up to date.

A coordinator issues a link for one entry: a long random code, stored only as a SHA-256 hash,
valid for a number of days and revocable. Whoever holds it gets an actor tied to that entry
(:func:`~assetmap.service.policy.owner_actor`) and may change its public fields, its opening hours
and its activities, and nothing else (:mod:`assetmap.service.policy` decides). While moderation
is on, what they change waits in ``owner_changes`` until a coordinator approves it; the history
then records it under the owner's name (``owner:<entry id>``). A "klopt nog" changes nothing a
resident reads, so it is recorded at once.

The clock is :func:`_utcnow`, looked up here at call time (tests move it by replacing it here).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import geopandas as gpd
import pandas as pd

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied
from assetmap.layers.activities import build_activities
from assetmap.layers.assets import build_assets, new_asset_ids, now_iso
from assetmap.layers.hours import to_osm_hours
from assetmap.service import audit, policy
from assetmap.service._core import _Core
from assetmap.service._plain import _plain_activity
from assetmap.service.policy import OWNER_FIELDS, Actor, ActorLike

__all__ = ["UpdateLinks", "UPDATE_LINK_BLOCKS", "OWNER_CHANGE_KINDS"]

#: The kinds of entry an update link may be given for: places and groups, never a person or a story.
UPDATE_LINK_BLOCKS: tuple[str, ...] = ("association", "institution", "resource", "initiative")
#: What an owner's change may be.
OWNER_CHANGE_KINDS: tuple[str, ...] = ("entry", "activity add", "activity update", "activity delete")
#: Letters and digits of a link's code: none that can be mistaken for another (0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _utcnow() -> datetime:
    """Now, in UTC (tests move the clock by replacing this function)."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _code_hash(code) -> str:
    """The stored form of a link's code: case, spaces and dashes do not count."""
    normal = "".join(ch for ch in (code if isinstance(code, str) else "").upper() if ch.isalnum())
    return hashlib.sha256(f"assetmap update link:{normal}".encode()).hexdigest()


class UpdateLinks(_Core):  # numpydoc ignore=PR01
    """Issuing, listing and revoking update links; what their holders may read and change."""

    # ------------------------------------------------------------------ the coordinator's side
    def issue_update_link(self, asset_id: str, days: float = settings.UPDATE_LINK_DAYS,
                          actor: ActorLike = None) -> tuple[str, str]:
        """A new update link for one entry.

        Parameters
        ----------
        asset_id : str
            The entry: a place or a group (:data:`UPDATE_LINK_BLOCKS`).
        days : float
            How long it is valid: more than 0, at most :data:`assetmap.settings.UPDATE_LINK_MAX_DAYS`.
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        (str, str)
            The code (five groups of four letters and digits, about 10²⁹ codes; shown only this
            once) and the link's public id, to list and revoke it by.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            No such entry, an entry of a person or a story, or ``days`` out of range.
        """
        actor = self._actor(actor)
        policy.check_issue_update_links(actor)
        try:
            days = float(days)
        except (TypeError, ValueError):
            days = math.nan
        if not 0 < days <= settings.UPDATE_LINK_MAX_DAYS:
            raise InputError("update_link_days", "fix_update_link_days", days=days, max=settings.UPDATE_LINK_MAX_DAYS)
        now = _utcnow()
        with self._write():
            entry = self._stored_asset(asset_id)
            if entry is None:
                raise InputError("asset_missing", "fix_link_existing_id", column="id", id=asset_id)
            if entry.get("building_block") not in UPDATE_LINK_BLOCKS:
                raise InputError("update_link_not_for_block", "fix_update_link_block", id=asset_id,
                                 block=entry.get("building_block"))
            code = "".join(secrets.choice(_ALPHABET) for _ in range(20))
            code = "-".join(code[k:k + 4] for k in range(0, 20, 4))
            link_id = new_asset_ids(1)[0][:12]
            self.store.insert("update_links", pd.DataFrame([{
                "id": link_id, "code_hash": _code_hash(code), "asset_id": asset_id,
                "expires_at": _iso(now + timedelta(days=days)), "created_at": _iso(now),
                "created_by": actor.pseudonym, "revoked_at": None, "revoked_by": None}], dtype=object))
        audit.record("update link", entry=asset_id, role=actor.role)
        return code, link_id

    def update_links(self, asset_id: str | None = None, *, actor: ActorLike = None) -> pd.DataFrame:
        """The update links issued (of one entry), newest first, never their codes.

        Parameters
        ----------
        asset_id : str, optional
            Only the links of this entry.
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            ``id``, ``asset_id``, ``name`` (of the entry), ``expires_at``, ``created_at``,
            ``created_by``, ``revoked_at`` and ``state`` (``valid``, ``expired`` or ``revoked``).

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        policy.check_issue_update_links(self._actor(actor))
        frame = self.store.read("update_links", {"asset_id": asset_id} if asset_id else None)
        columns = ["id", "asset_id", "name", "expires_at", "created_at", "created_by", "revoked_at", "state"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        assets = self.store.read("assets", {"id": sorted(set(frame["asset_id"]))})
        names = dict(zip(assets["id"], assets["name"].astype(object)))
        now = _utcnow()
        out = frame.astype(object).where(frame.notna(), None)
        out["name"] = [names.get(a) for a in out["asset_id"]]
        out["state"] = ["revoked" if r else "expired" if _parse(e) <= now else "valid"
                        for r, e in zip(out["revoked_at"], out["expires_at"])]
        return out[columns].iloc[::-1].reset_index(drop=True)

    def revoke_update_link(self, link_id: str, actor: ActorLike = None) -> None:
        """Revoke an update link: from now on it lets nobody in.

        Parameters
        ----------
        link_id : str
            The link's id (:meth:`update_links`).
        actor : Actor or str, optional
            Must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            No link has this id.
        """
        actor = self._actor(actor)
        policy.check_issue_update_links(actor)
        with self._write():
            found = self.store.read("update_links", {"id": str(link_id).strip()})
            if found.empty:
                raise InputError("update_link_missing", "fix_update_link_list", id=link_id)
            row = found.astype(object).where(found.notna(), None).iloc[0].to_dict()
            if not row.get("revoked_at"):
                row.update(revoked_at=_iso(_utcnow()), revoked_by=actor.pseudonym)
                self.store.update("update_links", pd.DataFrame([row], dtype=object), "code_hash")
        audit.record("update link revoke", entry=row["asset_id"], role=actor.role)

    # ------------------------------------------------------------------ the holder's side
    def redeem_update_link(self, code: str) -> Actor:
        """The actor of whoever holds a valid update link.

        Parameters
        ----------
        code : str
            The code (case, spaces and dashes do not matter).

        Returns
        -------
        Actor
            :func:`~assetmap.service.policy.owner_actor` of the link's entry.

        Raises
        ------
        PermissionDenied
            ``update_link_invalid``: unknown, expired or revoked, or its entry is gone.
        """
        found = self.store.read("update_links", {"code_hash": _code_hash(code)})
        row = None if found.empty else found.astype(object).where(found.notna(), None).iloc[0]
        if row is None or row["revoked_at"] or _parse(row["expires_at"]) <= _utcnow() \
                or self._stored_asset(row["asset_id"]) is None:
            audit.record("update link", result="refused")
            raise PermissionDenied("update_link_invalid", "fix_ask_update_link")
        audit.record("update link", entry=row["asset_id"], role="public")
        return policy.owner_actor(row["asset_id"])

    def owner_entry(self, actor: ActorLike = None) -> dict:
        """The entry an update link's holder keeps: its id, kind and the fields they may change.

        Parameters
        ----------
        actor : Actor
            The holder (:meth:`redeem_update_link`).

        Returns
        -------
        dict
            ``id``, ``building_block``, ``visibility`` and every field of
            :data:`~assetmap.service.policy.OWNER_FIELDS` as stored (never its contact or owners).

        Raises
        ------
        PermissionDenied
            The actor holds no update link.
        InputError
            The entry is gone.
        """
        actor = self._actor(actor)
        if not policy.is_entry_owner(actor):
            raise PermissionDenied("permission_owner_other_entry", id="")
        stored = self._stored_asset(actor.entry)
        if stored is None:
            raise InputError("asset_gone", "fix_refresh_list", id=actor.entry)
        keep = ("id", "building_block", "visibility", "updated_at", *OWNER_FIELDS)
        return {k: stored.get(k) for k in keep}

    def owner_activities(self, actor: ActorLike = None) -> pd.DataFrame:
        """The activities of the entry an update link's holder keeps (without who added them).

        Parameters
        ----------
        actor : Actor
            The holder.

        Returns
        -------
        pandas.DataFrame
            The entry's activities.

        Raises
        ------
        PermissionDenied
            The actor holds no update link.
        """
        actor = self._actor(actor)
        if not policy.is_entry_owner(actor):
            raise PermissionDenied("permission_owner_other_entry", id="")
        frame = self.store.read("activities", {"asset_id": actor.entry})
        return frame.drop(columns="added_by", errors="ignore").reset_index(drop=True)

    def owner_change(self, kind: str, payload: dict | None = None, target_id: str | None = None,
                     actor: ActorLike = None) -> str:
        """Change the holder's entry or its activities: at once, or waiting for a coordinator while
        moderation is on.

        Parameters
        ----------
        kind : {'entry', 'activity add', 'activity update', 'activity delete'}
            What is changed.
        payload : dict, optional
            The entry's fields -> new values (``entry``), the activity's fields (``activity add``)
            or its changes (``activity update``).
        target_id : str, optional
            The activity (``activity update`` and ``activity delete``).
        actor : Actor
            The holder of the entry's update link.

        Returns
        -------
        str
            ``saved`` (written now) or ``waiting`` (for a coordinator).

        Raises
        ------
        PermissionDenied
            Not the holder's entry or activity, or a field they may not change.
        InputError
            A value is not valid (checked at once, also while the change waits), or no such activity.
        """
        actor = self._actor(actor)
        if kind not in OWNER_CHANGE_KINDS:
            raise InputError("value_not_allowed", "fix_use_one_of", value=kind, allowed=", ".join(OWNER_CHANGE_KINDS))
        payload = dict(payload or {})
        with self._write():
            self._check_owner_change(kind, payload, target_id, actor)
            if not self.moderation():
                self._apply_owner_change(kind, payload, target_id, actor)
                return "saved"
            self.store.insert("owner_changes", pd.DataFrame([{
                "id": new_asset_ids(1)[0], "asset_id": actor.entry, "kind": kind, "target_id": target_id,
                "payload": json.dumps(payload, ensure_ascii=False, default=str), "link_id": None, "at": now_iso(),
                "status": None, "decided_by": None, "decided_at": None}], dtype=object))
        audit.record("owner change", entry=actor.entry, role=actor.role, result="waiting")
        return "waiting"

    def owner_confirm(self, actor: ActorLike = None) -> None:
        """"Klopt nog": the holder says their entry is still right today (``last_checked``).

        Parameters
        ----------
        actor : Actor
            The holder of the entry's update link.

        Raises
        ------
        PermissionDenied
            The actor holds no update link.
        """
        actor = self._actor(actor)
        if not policy.is_entry_owner(actor):
            raise PermissionDenied("permission_owner_other_entry", id="")
        with self._owner_writing():
            self.update_asset(actor.entry, {"last_checked": now_iso()[:10]}, actor)

    def owner_changes(self, *, waiting_only: bool = True, actor: ActorLike = None) -> pd.DataFrame:
        """The changes owners made through update links (those waiting for a coordinator).

        Parameters
        ----------
        waiting_only : bool
            Only those no coordinator decided on yet.
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            ``id``, ``asset_id``, ``name`` (of the entry), ``kind``, ``target_id``, ``payload``
            (a dict), ``at``, ``status``, oldest first.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        policy.check_issue_update_links(self._actor(actor))
        frame = self.store.read("owner_changes", {"status": None} if waiting_only else None)
        columns = ["id", "asset_id", "name", "kind", "target_id", "payload", "at", "status"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        out = frame.astype(object).where(frame.notna(), None)
        assets = self.store.read("assets", {"id": sorted(set(out["asset_id"]))})
        names = dict(zip(assets["id"], assets["name"].astype(object)))
        out["name"] = [names.get(a) for a in out["asset_id"]]
        out["payload"] = [json.loads(p) if p else {} for p in out["payload"]]
        return out[columns].reset_index(drop=True)

    def decide_owner_change(self, change_id: str, approve: bool, actor: ActorLike = None) -> None:
        """Approve (write it, in the owner's name) or reject an owner's waiting change.

        Parameters
        ----------
        change_id : str
            The change (:meth:`owner_changes`).
        approve : bool
            Write it (True) or drop it (False).
        actor : Actor or str, optional
            Must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            No waiting change has this id, or it no longer fits (its activity is gone, a value
            no longer validates): it stays waiting.
        """
        actor = self._actor(actor)
        policy.check_issue_update_links(actor)
        with self._write():
            found = self.store.read("owner_changes", {"id": change_id, "status": None})
            if found.empty:
                raise InputError("owner_change_missing", "fix_refresh_list", id=change_id)
            row = found.astype(object).where(found.notna(), None).iloc[0].to_dict()
            if approve:
                owner = policy.owner_actor(row["asset_id"])
                payload = json.loads(row["payload"]) if row["payload"] else {}
                self._check_owner_change(row["kind"], payload, row["target_id"], owner)
                self._apply_owner_change(row["kind"], payload, row["target_id"], owner)
            row.update(status="approved" if approve else "rejected", decided_by=actor.pseudonym, decided_at=now_iso())
            self.store.update("owner_changes", pd.DataFrame([row], dtype=object), "id")
        audit.record("owner change", entry=row["asset_id"], role=actor.role, result=row["status"])

    # ------------------------------------------------------------------ inner steps
    def _check_owner_change(self, kind: str, payload: dict, target_id, actor: Actor) -> None:
        """Refuse what the holder may not do, and a value that is not valid, before anything is written."""
        entry_id = actor.entry if policy.is_entry_owner(actor) else None
        if kind == "entry":
            policy.check_owner_edit(actor, entry_id, payload)
            current = self._stored_asset(entry_id)
            if current is None:
                raise InputError("asset_gone", "fix_refresh_list", id=entry_id)
            hours = payload.get("opening_hours")
            if isinstance(hours, str) and hours.strip():
                try:  # an owner's hours must read: "hours unknown" is for data nobody keeps
                    payload["opening_hours"] = to_osm_hours(hours)
                except ValueError as exc:
                    raise InputError("opening_hours_invalid", "fix_opening_hours", column="opening_hours",
                                     value=hours, reason=str(exc), name=current.get("name") or "-") from None
            merged = {**{k: v for k, v in current.items() if k != "version"}, **payload}
            build_assets(gpd.GeoDataFrame([merged], geometry="geometry", crs=settings.STORAGE_CRS),
                         source=current["source"] or "workshop")
            return
        policy.check_owner_edit(actor, entry_id)
        if kind == "activity add":
            build_activities(pd.DataFrame([{**payload, "asset_id": entry_id}]))
            return
        frame = self.store.read("activities", {"id": target_id}) if target_id else pd.DataFrame()
        if frame.empty:
            raise InputError("activity_gone", "fix_refresh_list", id=target_id)
        current = _plain_activity(frame.iloc[0])
        policy.check_owner_edit(actor, current["asset_id"])
        if kind == "activity update":
            build_activities(pd.DataFrame([{**current, **payload, "asset_id": current["asset_id"]}]))

    @contextlib.contextmanager
    def _owner_writing(self) -> Iterator[None]:
        """Let an update link's holder's change through the editing methods (see ``_check_owner_direct``)."""
        before, self._owner_writing_now = self._owner_writing_now, True
        try:
            yield
        finally:
            self._owner_writing_now = before

    def _apply_owner_change(self, kind: str, payload: dict, target_id, actor: Actor) -> None:
        """Write a checked change through the service's own paths, in the owner's name."""
        with self._owner_writing():
            self._write_owner_change(kind, payload, target_id, actor)

    def _write_owner_change(self, kind: str, payload: dict, target_id, actor: Actor) -> None:
        if kind == "entry":
            self.update_asset(actor.entry, payload, actor)
        elif kind == "activity add":
            self.add_activity({**payload, "asset_id": actor.entry}, actor)
        elif kind == "activity update":
            self.update_activity(target_id, {k: v for k, v in payload.items() if k != "asset_id"}, actor)
        else:
            self.delete_activity(target_id, actor)
