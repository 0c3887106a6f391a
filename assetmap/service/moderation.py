"""Moderation: what a workshop table makes public waits for a coordinator, who approves or rejects it.

One setting, stored in the workspace (:meth:`_Core.moderation`): a new workspace starts with it on,
and only a coordinator turns it off. The queue is filled by
:meth:`~assetmap.service.entries.Entries.save_assets`; a coordinator sees each waiting entry whole
(:meth:`Moderation.pending`: texts, stories, place, who, when, and for an edit what changed) and
approves or rejects several at once, a rejection with an optional reason that its author sees
(:meth:`Moderation.entry_states`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.assets import now_iso
from assetmap.layers.schema import ASSET_FIELDS, TRANSLATION_FIELDS
from assetmap.privacy import story_warnings
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service._plain import _jsonable
from assetmap.service.policy import ActorLike

__all__ = ["COMPARED_FIELDS", "ENTRY_STATES", "Moderation", "short_id"]

#: What :meth:`Moderation.entry_states` says of an entry: waiting for a coordinator, public, group
#: only, private, rejected (with the coordinator's reason), or held back after reports.
ENTRY_STATES: tuple[str, ...] = ("pending", "public", "group", "private", "rejected", "reported")

#: Fields compared for "what changed" in an edit that waits (timestamps and bookkeeping left out; the
#: contact field too: the queue never shows contact details).
COMPARED_FIELDS: tuple[str, ...] = tuple(
    f for f in ASSET_FIELDS if f not in ("id", "created_at", "updated_at", "added_by", "source", "buurt_code",
                                         "wijk_code", "gemeente_code", "visibility", "contact")) + ("place",)

_SHORT = 8


def short_id(asset_id) -> str:
    """The first characters of an entry's id: enough to tell two entries of the same name apart.

    Parameters
    ----------
    asset_id : str
        The entry's id.

    Returns
    -------
    str
        Its first eight characters.
    """
    return str(asset_id)[:_SHORT]


class Moderation(_Core):  # numpydoc ignore=PR01
    """Turning moderation on or off, the queue of waiting entries, approve and reject."""

    # ------------------------------------------------------------------ moderation
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
        policy.check_manage(self._actor(actor))
        if not isinstance(on, (bool, np.bool_)):
            raise TypeError(f"on must be True or False, not {on!r}")
        self.store.set_meta("moderation", "on" if on else "off")

    def pending(self, actor: ActorLike = None) -> pd.DataFrame:
        """Entries, activities and links waiting for a coordinator, oldest first, each whole.

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks (default: the workspace's actor); must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            One row per waiting item: ``asset_id`` (the id of the entry, activity or link),
            ``short_id`` (its first 8 characters), ``kind`` (``new``, ``edit`` for an entry that
            was public before, ``activity`` or ``link``), ``name``, ``building_block``,
            ``category``, ``description`` (of an activity: its time and target group; of a link:
            its note), ``stories`` (the texts of the story entries about it, joined by blank
            lines), ``about`` (for a story: the name of the place it is about; for an activity or
            a link: the entry it belongs to), ``lon``, ``lat``, ``area`` (the name of its buurt,
            else wijk), ``requested_visibility``, ``requested_consent``, ``requested_by``, ``at``
            (ISO 8601 UTC), ``changes`` (for an edit: a list of ``(field, before, after)``,
            ``place`` for a move; empty otherwise), ``warnings`` (message codes of what to check
            before it goes public, see :func:`assetmap.privacy.story_warnings`) and ``version``:
            a fingerprint of everything shown, to give back to :meth:`approve`.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        return self._queue_frame()

    def _queue_frame(self) -> pd.DataFrame:
        """:meth:`pending` without the role check (approve compares with it)."""
        queue = self._open_requests()
        columns = ["asset_id", "short_id", "kind", "name", "building_block", "category", "description", "translations",
                   "stories", "about", "lon", "lat", "area", "requested_visibility", "requested_consent", "requested_by", "at",
                   "changes", "warnings", "version"]
        if queue.empty:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        ids = list(queue["asset_id"])
        stored = self._plain_rows(self.store.read("assets", {"id": ids}))
        others = self._other_rows(ids)
        queue = queue[queue["asset_id"].isin(set(stored) | set(others)).to_numpy()]
        rows = []
        for request in queue.astype(object).where(queue.notna(), None).to_dict("records"):
            if request["asset_id"] in others:
                rows.append({**request, **others[request["asset_id"]], "short_id": short_id(request["asset_id"])})
                continue
            entry = stored[request["asset_id"]]
            before = self._last_public_state(request["asset_id"])
            rows.append({**request, **entry, "short_id": short_id(request["asset_id"]),
                         "kind": "new" if before is None else "edit",
                         "changes": [] if before is None else _changes(before, entry["state"])})
        if not rows:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        out = self._with_context(pd.DataFrame(rows))
        sought = [state.get("seeks") if isinstance(state, dict) else None for state in out["state"]]
        out["warnings"] = [list(dict.fromkeys(code for text in (*texts, *other.values()) for code in story_warnings(text)))
                           for *texts, other in zip(out["name"], out["description"], out["stories"], sought,
                                                    out["translations"])]
        shown = [c for c in columns if c not in ("short_id", "version")]
        out["version"] = [_fingerprint({**{c: r[c] for c in shown}, "state": r.get("state")})
                          for r in out.astype(object).where(out.notna(), None).to_dict("records")]
        return pd.DataFrame(out[columns]).reset_index(drop=True)

    def _other_rows(self, ids: list[str]) -> dict[str, dict]:
        """The waiting activities and links among ``ids``, as the queue shows them (id -> fields)."""
        out = {}
        activities = self.store.read("activities", {"id": ids})
        links = self.store.read("links", {"id": ids})
        ends = list(activities["asset_id"]) + list(links["from_asset_id"]) + list(links["to_asset_id"])
        entries = self._plain_rows(self.store.read("assets", {"id": ends})) if ends else {}
        for record in activities.astype(object).where(activities.notna(), None).to_dict("records"):
            entry = entries.get(record["asset_id"], {})
            when = " · ".join(str(v) for v in (record.get("recurring_time"), record.get("target_group")) if v)
            out[record["id"]] = {**_place_of(entry), "kind": "activity", "name": record.get("name"),
                                 "building_block": None, "category": None, "description": when or None,
                                 "translations": {}, "related_asset_id": record["asset_id"], "changes": [], "state": record}
        for record in links.astype(object).where(links.notna(), None).to_dict("records"):
            start, end = entries.get(record["from_asset_id"], {}), entries.get(record["to_asset_id"], {})
            out[record["id"]] = {**_place_of(start), "kind": "link",
                                 "name": f"{start.get('name') or '-'} → {end.get('name') or '-'}",
                                 "building_block": None, "category": record.get("kind"),
                                 "description": record.get("note"), "translations": {},
                                 "related_asset_id": record["from_asset_id"],
                                 "changes": [], "state": record}
        return out

    def approve(self, versions: Mapping[str, str], actor: ActorLike = None) -> int:
        """Give waiting entries the visibility and consent their authors asked for, all in one transaction.

        Approve names what the coordinator saw: each entry's ``version`` as :meth:`pending` gave it.
        An entry that changed since (its author edited it, a story about it was added or changed,
        the request was made anew) is not approved: the coordinator looks again. Each approval is
        recorded in the history as ``approve`` (an undo by the coordinator makes it ``group``
        again); a waiting activity or link becomes public (``activity approve``, ``link approve``).

        Parameters
        ----------
        versions : mapping of str to str
            Id of each waiting item -> its ``version`` as :meth:`pending` showed it.
        actor : Actor or str, optional
            Who approves (default: the workspace's actor); must be a coordinator.

        Returns
        -------
        int
            How many were approved.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            ``approve_needs_version`` when ``versions`` is not a mapping of ids to versions, or
            names no version for an item; ``not_pending`` for an item that does not wait, ``changed_since_shown`` for one that
            changed since it was shown (one problem per item); nothing is approved then.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        if not isinstance(versions, Mapping):
            raise InputError("approve_needs_version", "fix_approve_version", id=str(versions))
        ids = _id_list(list(versions))
        with self._write():
            found = self._queued(ids)
            now = dict(zip(*self._queue_frame()[["asset_id", "version"]].to_numpy().T)) if ids else {}
            changed = [Problem("approve_needs_version", "fix_approve_version", id=i) if not versions[i]
                       else Problem("changed_since_shown", "fix_look_again", id=i) for i in ids
                       if not versions[i] or now.get(i) != str(versions[i])]
            if changed:
                raise InputError(changed)
            stamp = now_iso()
            log = []
            for asset_id in ids:
                request, before = found[asset_id]
                if "building_block" not in before:  # an activity or a link: public from now on
                    log.append((asset_id, _action(before, "approve"), before, before))
                    continue
                after = dict(before, visibility=request["requested_visibility"], updated_at=stamp)
                if request["requested_consent"] is not None and not pd.isna(request["requested_consent"]):
                    after["consent"] = bool(request["requested_consent"])
                self._put_state(after, update=True)
                log.append((asset_id, "approve", before, after))
            self.store.delete("moderation_queue", {"asset_id": ids})
            self._log(log, actor, stamp)
        return len(ids)

    def reject(self, asset_ids, actor: ActorLike = None, *, reason: str | None = None) -> int:
        """Reject waiting entries, all in one transaction: they stay visible to the group only.

        The request is kept as ``rejected`` with the reason, so that its author sees why
        (:meth:`entry_states`); saving the entry as public again asks anew. Recorded in the
        history as ``reject``.

        Parameters
        ----------
        asset_ids : str or list of str
            The entries, as :meth:`pending` lists them.
        actor : Actor or str, optional
            Who rejects (default: the workspace's actor); must be a coordinator.
        reason : str, optional
            Why, in a few words, for the authors (at most ``settings.REASON_MAX_LENGTH`` characters).

        Returns
        -------
        int
            How many entries were rejected.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            One of the entries is not waiting for approval, or the reason is too long; nothing is
            rejected then.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        ids = _id_list(asset_ids)
        reason = _reason(reason)
        with self._write():
            found = self._queued(ids)
            stamp = now_iso()
            self._mark_rejected(ids, reason, actor.pseudonym, stamp)
            self._log([(i, _action(found[i][1], "reject"), found[i][1], found[i][1]) for i in ids], actor, stamp)
        return len(ids)

    def entry_states(self, asset_ids, actor: ActorLike = None) -> pd.DataFrame:
        """Where each entry stands: waiting, public, group only, private, rejected (and why), or held back.

        A workshop participant gets the states of their own entries only (others are left out); a
        coordinator those of any entry.

        Parameters
        ----------
        asset_ids : str or list of str
            The entries.
        actor : Actor or str, optional
            Who asks; may not be ``public``.

        Returns
        -------
        pandas.DataFrame
            ``asset_id``, ``state`` (one of :data:`ENTRY_STATES`) and ``reason`` (the coordinator's
            reason of a rejection, else None), one row per entry found.

        Raises
        ------
        PermissionDenied
            The actor is ``public``.
        """
        actor = self._actor(actor)
        policy.check_write(actor)
        ids = _id_list(asset_ids)
        frame = self.store.read("assets", {"id": ids})
        queue = self.store.read("moderation_queue", {"asset_id": ids})
        requests = {r["asset_id"]: r for r in queue.astype(object).where(queue.notna(), None).to_dict("records")}
        held = self.reported_hidden()
        rows = []
        for entry in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if not policy.sees_everything(actor) and not policy.owns(actor, entry):
                continue
            request = requests.get(entry["id"])
            state, reason = entry.get("visibility") or "private", None
            if request is not None and request.get("status") is None:
                state = "pending"
            elif request is not None and request.get("status") == "rejected" and state != "public":
                state, reason = "rejected", request.get("reason")
            elif state == "public" and entry["id"] in held:
                state = "reported"
            rows.append({"asset_id": entry["id"], "state": state, "reason": reason})
        return pd.DataFrame(rows, columns=["asset_id", "state", "reason"])

    # ------------------------------------------------------------------ internals
    def _open_requests(self) -> pd.DataFrame:
        """The requests that wait (no decision yet), oldest first."""
        queue = self.store.read("moderation_queue")
        if "status" in queue.columns:
            queue = queue[queue["status"].isna().to_numpy()]
        return queue.sort_values("at", kind="stable") if len(queue) else queue

    def _queued(self, ids: list[str]) -> dict[str, tuple[dict, dict]]:
        """Each entry's waiting request and state (as history keeps it); every id not waiting is a problem."""
        queue = self.store.read("moderation_queue", {"asset_id": ids})
        waiting = queue[queue["status"].isna().to_numpy()] if "status" in queue.columns else queue
        requests = {r["asset_id"]: r for r in waiting.astype(object).where(waiting.notna(), None).to_dict("records")}
        found, problems = {}, []
        others = self._other_rows([i for i in ids if i in requests])
        for asset_id in ids:
            current = self._stored_asset(asset_id)
            if asset_id in requests and current is None and asset_id in others:
                found[asset_id] = (requests[asset_id], others[asset_id]["state"])  # an activity or a link
                continue
            if asset_id not in requests or current is None:
                problems.append(Problem("not_pending", "fix_pending_list", id=asset_id))
                continue
            found[asset_id] = (requests[asset_id], _jsonable(current))
        if problems:
            raise InputError(problems)
        return found

    def _mark_rejected(self, ids: list[str], reason: str | None, by: str | None, stamp: str,
                       requests: list[dict] | None = None) -> None:
        """Keep the requests of these entries as rejected, with the reason (a new row per entry in ``requests``)."""
        queue = self.store.read("moderation_queue", {"asset_id": ids})
        rows = queue.astype(object).where(queue.notna(), None).to_dict("records")
        rows += [r for r in requests or [] if r["asset_id"] not in set(queue["asset_id"])]
        self.store.delete("moderation_queue", {"asset_id": ids})
        if rows:
            self.store.insert("moderation_queue", pd.DataFrame([
                {**{k: v for k, v in r.items() if k != "fid"}, "status": "rejected", "reason": reason,
                 "decided_by": by, "decided_at": stamp} for r in rows], dtype=object))

    def _plain_rows(self, frame: pd.DataFrame) -> dict[str, dict]:
        """id -> the fields a coordinator reads to decide, with the place and the state as history keeps it."""
        out = {}
        points = frame.geometry.representative_point() if len(frame) else []
        for record, point in zip(frame.astype(object).where(frame.notna(), None).to_dict("records"), points):
            geometry = record.get("geometry")
            wkt = None if geometry is None else shapely.to_wkt(geometry, rounding_precision=-1)
            state = {k: record.get(k) for k in ASSET_FIELDS} | {"geometry_wkt": wkt}
            out[record["id"]] = {
                "name": record.get("name"), "building_block": record.get("building_block"),
                "category": record.get("category"), "description": record.get("description"),
                "translations": {f: record[f] for f in TRANSLATION_FIELDS if str(record.get(f) or "").strip()},
                "related_asset_id": record.get("related_asset_id"),
                "buurt_code": record.get("buurt_code"), "wijk_code": record.get("wijk_code"),
                "lon": None if point is None or point.is_empty else round(point.x, 6),
                "lat": None if point is None or point.is_empty else round(point.y, 6), "state": state}
        return out

    def _with_context(self, out: pd.DataFrame) -> pd.DataFrame:
        """Add the stories told about each entry, what a story is about, and the name of its area."""
        ids = list(out["asset_id"])
        stories = self.store.read("assets", {"related_asset_id": ids})
        told: dict[str, list[str]] = {}
        for related, block, text in zip(stories["related_asset_id"], stories["building_block"],
                                        stories["description"]):
            if block == "story" and isinstance(text, str) and text.strip():
                told.setdefault(related, []).append(text.strip())
        related_ids = [r for r in out["related_asset_id"] if isinstance(r, str)]
        related = self.store.read("assets", {"id": related_ids}) if related_ids else None
        related_names = {} if related is None else dict(zip(related["id"], related["name"]))
        areas = self.boundaries()
        area_names = dict(zip(areas["code"], areas["name"])) if len(areas) else {}
        return out.assign(
            stories=["\n\n".join(told.get(i, [])) or None for i in ids],
            about=[related_names.get(r) if isinstance(r, str) else None for r in out["related_asset_id"]],
            area=[area_names.get(b) or area_names.get(w) for b, w in zip(out["buurt_code"], out["wijk_code"])])


def _changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """``(field, before, after)`` for every compared field that differs; ``place`` when it moved."""
    out = []
    for field in COMPARED_FIELDS:
        if field == "place":
            old, new = _point_text(before.get("geometry_wkt")), _point_text(after.get("geometry_wkt"))
        else:
            old, new = before.get(field), after.get(field)
        if old != new and not (old in (None, "") and new in (None, "")):
            out.append((field, old, new))
    return out


def _point_text(wkt: str | None) -> str | None:
    """A place as ``lat, lon`` rounded to about a metre."""
    if not wkt:
        return None
    point = shapely.from_wkt(wkt).representative_point()
    return f"{point.y:.5f}, {point.x:.5f}"


def _id_list(asset_ids) -> list[str]:
    """One id or several as a list without repeats, in the order given."""
    if isinstance(asset_ids, str):
        return [asset_ids]
    return list(dict.fromkeys(str(i) for i in asset_ids))


def _reason(reason: str | None) -> str | None:
    """A reason as stored: trimmed, None when empty; refused when longer than ``settings.REASON_MAX_LENGTH``."""
    if reason is None or not str(reason).strip():
        return None
    reason = str(reason).strip()
    if len(reason) > settings.REASON_MAX_LENGTH:
        raise InputError("reason_too_long", "fix_shorten_reason", length=len(reason),
                         limit=settings.REASON_MAX_LENGTH)
    return reason


def _place_of(entry: dict) -> dict:
    """Where an activity or a link is shown in the queue: the place of the entry it belongs to."""
    return {k: entry.get(k) for k in ("lon", "lat", "buurt_code", "wijk_code")}


def _fingerprint(shown: dict) -> str:
    """A short fingerprint of what the queue shows of an item: any change gives another one."""
    text = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _action(state: dict, decision: str) -> str:
    """The history's name of a decision: ``approve``, or ``activity approve`` / ``link approve`` (likewise reject)."""
    if "building_block" in state:
        return decision
    return ("activity " if "recurring_time" in state else "link ") + decision
