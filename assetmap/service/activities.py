"""Activities of places and associations (``Tu 19:00-21:00``): add, change, delete, with history.

Reading them, as each role may see them, is part of the core (:meth:`_Core.activities`).
"""

from __future__ import annotations

import pandas as pd

from assetmap.errors import InputError
from assetmap.layers.activities import build_activities
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service._plain import _plain_activity
from assetmap.service.policy import Actor, ActorLike

__all__ = ["Activities"]


class Activities(_Core):  # numpydoc ignore=PR01
    """Adding, changing and deleting activities; only their author changes them where ownership counts."""

    # ------------------------------------------------------------------ activities
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

        Notes
        -----
        With moderation on, a ``workshop`` actor's activity (added or changed) waits for a
        coordinator, like an entry: public outputs leave it out until it is approved.
        """
        actor = self._actor(actor)
        fields = dict(fields)
        policy.check_entry_write(actor, fields.get("asset_id"))
        self._check_owner_direct(actor)
        if policy.is_participant(actor) or policy.is_entry_owner(actor):
            fields["added_by"] = actor.pseudonym
        fields.pop("created_at", None)
        row = build_activities(pd.DataFrame([fields]), added_by=actor.pseudonym)
        record = _plain_activity(row.iloc[0])
        self._refuse_bsn([record])
        with self._write():
            self._activity_asset_visible(record["asset_id"], actor)
            if self.store.exists("activities", "id", [record["id"]]):
                raise InputError("id_duplicate", "fix_unique_id", column="id", id=record["id"])
            self.store.insert("activities", pd.DataFrame([record]))
            self._log([(record["id"], "activity create", None, record)], actor)
            if policy.is_participant(actor) and self.moderation():
                self._queue_request(record["id"], actor)  # public once a coordinator approves, like an entry
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
            self._refuse_bsn([after])
            if after["asset_id"] != before["asset_id"]:
                policy.check_entry_write(actor, after["asset_id"])
                self._activity_asset_visible(after["asset_id"], actor)
            if after != before:
                self.store.update("activities", pd.DataFrame([after]), "id")
                self._log([(activity_id, "activity update", before, after)], actor)
                if policy.is_participant(actor) and self.moderation():
                    self._queue_request(activity_id, actor)
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
            self.store.delete("moderation_queue", {"asset_id": activity_id})
            self._log([(activity_id, "activity delete", before, None)], actor)


    def _require_activity(self, activity_id: str, actor: Actor, owner_only: bool) -> dict:
        """The stored activity the actor may change (see :func:`~assetmap.service.policy.check_change`)."""
        if not policy.is_entry_owner(actor):
            policy.check_write(actor)
        frame = self.store.read("activities", {"id": activity_id})
        if frame.empty:
            raise InputError("activity_gone", "fix_refresh_list", id=activity_id)
        current = _plain_activity(frame.iloc[0])
        if policy.is_entry_owner(actor):  # an update link's holder: the activities of their entry
            self._check_owner_direct(actor)
            policy.check_owner_edit(actor, current["asset_id"])
        else:
            policy.check_change(actor, current, activity_id, owner_only)
        return current

    def _activity_asset_visible(self, asset_id: str, actor: Actor) -> None:
        """An activity belongs to an existing asset the actor can see (a hidden one reads as missing)."""
        known = self.store.exists("assets", "id", [asset_id])
        if known and policy.is_participant(actor):
            known &= set(self.assets(actor=actor)["id"])
        if not known:
            raise InputError("asset_missing", "fix_link_existing_id", column="asset_id", id=asset_id)
        block = (self._stored_asset(asset_id) or {}).get("building_block")
        if block in ("individual", "story"):
            # A person's talents and a story have no opening times: an activity is of a place or a group.
            raise InputError("activity_not_place", "fix_activity_place", column="asset_id", id=asset_id, block=block)

