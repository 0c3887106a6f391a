"""Moderation: what a workshop table makes public waits for a coordinator, who approves or rejects it.

Whether moderation is on is read by the write path itself (``_Core.moderation``); the queue is
filled by :meth:`~assetmap.service.entries.Entries.save_assets`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assetmap.errors import InputError
from assetmap.layers.assets import now_iso
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service._plain import _jsonable
from assetmap.service.policy import ActorLike

__all__ = ["Moderation"]


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
        policy.check_manage(self._actor(actor))
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
        policy.check_manage(actor)
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
        policy.check_manage(actor)
        with self._write():
            _request, state = self._queued(asset_id)
            self.store.delete("moderation_queue", {"asset_id": asset_id})
            self._log([(asset_id, "reject", state, state)], actor)


    def _queued(self, asset_id: str) -> tuple[dict, dict]:
        """The moderation request of an entry and the entry's state (as history keeps it)."""
        queue = self.store.read("moderation_queue", {"asset_id": asset_id})
        current = self._stored_asset(asset_id)
        if queue.empty or current is None:
            raise InputError("not_pending", "fix_pending_list", id=asset_id)
        request = queue.astype(object).where(queue.notna(), None).iloc[0].to_dict()
        return request, _jsonable(current)
