"""Initiatives and associations with a life cycle: started, moved along, archived, matched.

An initiative is an entry with owners and a status, so this part is built on
:class:`~assetmap.service.entries.Entries` and writes through its methods.
"""

from __future__ import annotations

import pandas as pd

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.assets import now_iso
from assetmap.layers.initiatives import is_archived
from assetmap.layers.schema import ARCHIVED_STATUS, INITIATIVE, INITIATIVE_STATUSES, SEEKING_KINDS
from assetmap.service import policy
from assetmap.service._plain import _jsonable
from assetmap.service.entries import Entries
from assetmap.service.policy import ActorLike

__all__ = ["Initiatives"]


class Initiatives(Entries):  # numpydoc ignore=PR01
    """Initiatives: add one at a place or for an area, set its status, archive or remove it, accept a match."""

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
        owner_only = not policy.may_manage(actor)  # the others remove only their own
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
