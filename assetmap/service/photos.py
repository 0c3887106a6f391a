"""Photos of entries: added through the service, approved by a coordinator before they are public.

A photo is made safe before anything is written (:func:`assetmap.layers.photos.process_photo`:
decoded, turned upright, re-encoded without any metadata, at a display size and a thumbnail) and
stored in the workspace's ``photos`` table with its checksums, so one file or one database holds
everything and ``copy``, ``backup``, ``handover`` and ``export`` carry it.

Every photo starts ``pending``, whoever adds it and whether moderation is on or off: a photo can
show a face, a house or a number plate that no text check finds. Only a coordinator's approval
(:meth:`Photos.approve_photos`) makes it ``approved``, and only an approved photo of an entry of the
public view is ever public (:meth:`Photos.photos` with the ``public`` actor). A photo of a person's
entry (``individual``) is added only by its owner and never reaches a public output: the public
sees a person at the anchor of their area with masked texts, and a photo cannot be masked.
"""

from __future__ import annotations

import pandas as pd

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.assets import new_asset_id, now_iso
from assetmap.layers.photos import PHOTO_LICENCES, PHOTO_MIME, process_photo
from assetmap.privacy import is_public, story_warnings
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service.moderation import _id_list, _reason
from assetmap.service.policy import ActorLike

__all__ = ["PHOTO_COLUMNS", "PHOTO_STATUSES", "Photos"]

#: Where a photo stands: waiting for a coordinator, approved (public where its entry is), or rejected.
PHOTO_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")
#: The columns :meth:`Photos.photos` gives (no image bytes: see :meth:`Photos.photo_image`).
PHOTO_COLUMNS: tuple[str, ...] = ("id", "asset_id", "caption", "credit", "licence", "status", "reason", "added_by",
                                  "added_at", "width", "height", "mime", "sha256", "thumbnail_sha256")
_PUBLIC_HIDDEN = ("added_by", "reason", "status")


class Photos(_Core):  # numpydoc ignore=PR01
    """Adding a photo to an entry, reading photos as each role may see them, approving and rejecting."""

    def add_photo(self, asset_id: str, data: bytes, *, caption: str, credit: str | None = None,
                  licence: str | None = None, name: str = "", approve: bool = False,
                  actor: ActorLike = None) -> dict:
        """Add a photo to an entry: made clean first, stored with its checksums, ``pending``.

        Parameters
        ----------
        asset_id : str
            The entry (a story, place, association, initiative; a person's entry only by its owner).
        data : bytes
            The image file as uploaded or read (JPEG, PNG, WebP, ...).
        caption : str
            What the photo shows, in a sentence: its ``alt`` text wherever it is shown. Required.
        credit : str, optional
            Who made it.
        licence : str, optional
            One of :data:`assetmap.layers.photos.PHOTO_LICENCES` (default the first).
        name : str
            The file's name, for messages.
        approve : bool
            A coordinator adding a photo they have looked at: approve it in the same transaction.
        actor : Actor or str, optional
            Who adds it (default: the workspace's actor); recorded as ``added_by``.

        Returns
        -------
        dict
            ``id``, ``status``, ``sha256``, ``thumbnail_sha256``, ``width``, ``height`` and
            ``warnings`` (message codes of :func:`assetmap.privacy.story_warnings` for the caption).

        Raises
        ------
        InputError
            The file is not a photo, too large or broken (``photo_*``), the caption is missing or
            too long, the licence unknown, or the entry is not one the actor may see; nothing is written.
        PermissionDenied
            The actor may not write, or the entry is a person's and not theirs; ``approve`` by anyone
            but a coordinator.
        """
        actor = self._actor(actor)
        policy.check_write(actor)
        if approve:
            policy.check_manage(actor)
        caption = _text(caption, "caption", settings.PHOTO_CAPTION_MAX, required=True)
        credit = _text(credit, "credit", settings.PHOTO_CREDIT_MAX)
        licence = (licence or PHOTO_LICENCES[0]).strip()
        if licence not in PHOTO_LICENCES:
            raise InputError("photo_licence", "fix_use_one_of", value=licence, allowed=", ".join(PHOTO_LICENCES))
        clean = process_photo(data, name)  # before the transaction: a broken file changes nothing
        with self._write():
            entry = self._stored_asset(asset_id)
            if entry is None or (not policy.sees_everything(actor) and self.asset(asset_id, actor=actor) is None):
                raise InputError("asset_gone", "fix_refresh_list", id=asset_id)
            policy.check_add_photo(actor, entry, asset_id)
            stamp = now_iso()
            photo_id = new_asset_id()
            self.store.insert("photos", pd.DataFrame([{
                "id": photo_id, "asset_id": asset_id, "caption": caption, "credit": credit, "licence": licence,
                "status": "approved" if approve else "pending", "reason": None, "added_by": actor.pseudonym,
                "added_at": stamp, "decided_by": actor.pseudonym if approve else None,
                "decided_at": stamp if approve else None, "width": clean.width, "height": clean.height,
                "mime": PHOTO_MIME, "sha256": clean.sha256, "thumbnail_sha256": clean.thumbnail_sha256,
                "image": clean.image, "thumbnail": clean.thumbnail}], dtype=object))
            self._audit("photo add", photo_id, actor)
        return {"id": photo_id, "status": "approved" if approve else "pending", "sha256": clean.sha256,
                "thumbnail_sha256": clean.thumbnail_sha256, "width": clean.width, "height": clean.height,
                "warnings": story_warnings(caption)}

    def photos(self, asset_id: str | None = None, *, actor: ActorLike = None) -> pd.DataFrame:
        """The photos the actor may see (without their bytes), oldest first.

        A coordinator sees every photo; a workshop participant the approved photos of the entries
        they see, and their own whatever their status; the public only approved photos of entries of
        the public view that are no person's, without ``added_by``, ``status`` and ``reason``.

        Parameters
        ----------
        asset_id : str, optional
            Only the photos of this entry.
        actor : Actor or str, optional
            Who asks.

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`PHOTO_COLUMNS` (the public's without the hidden ones).
        """
        actor = self._actor(actor)
        frame = self._photo_rows(asset_id)
        if policy.sees_public_view(actor):
            frame = frame[frame["asset_id"].isin(self.public_photo_entries()).to_numpy()
                          & (frame["status"] == "approved").fillna(False).to_numpy()]
            return frame.drop(columns=list(_PUBLIC_HIDDEN)).reset_index(drop=True)
        if policy.is_participant(actor):
            seen = set(self.assets(actor=actor)["id"])
            mine = (frame["added_by"] == actor.pseudonym).fillna(False).to_numpy() if actor.pseudonym else False
            approved = (frame["status"] == "approved").fillna(False).to_numpy()
            frame = frame[frame["asset_id"].isin(seen).to_numpy() & (approved | mine)]
        return frame.reset_index(drop=True)

    def photo_image(self, photo_id: str, *, thumbnail: bool = False, actor: ActorLike = None) -> bytes | None:
        """The stored JPEG of a photo the actor may see (see :meth:`photos`), or None.

        Parameters
        ----------
        photo_id : str
            The photo's id.
        thumbnail : bool
            The thumbnail instead of the display image.
        actor : Actor or str, optional
            Who asks.

        Returns
        -------
        bytes or None
            The JPEG, exactly as stored (its checksum is the photo's ``sha256`` or
            ``thumbnail_sha256``); None when there is no such photo the actor may see.
        """
        stored = self.store.read("photos", {"id": photo_id})
        if stored.empty:
            return None
        seen = self.photos(stored["asset_id"].iloc[0], actor=actor)
        if photo_id not in set(seen["id"]):
            return None
        return stored["thumbnail" if thumbnail else "image"].iloc[0]

    def public_photo_entries(self) -> set[str]:
        """Ids of the entries whose approved photos the public may see: in the public view, no person's.

        Returns
        -------
        set of str
            Entry ids (public with consent, not held back by reports, not ``individual``).
        """
        rows = self._public_rows()
        if rows.empty:
            return set()
        shown = is_public(rows).to_numpy() & (rows["building_block"] != "individual").fillna(False).to_numpy()
        return set(rows.loc[shown, "id"])

    def pending_photos(self, actor: ActorLike = None) -> pd.DataFrame:
        """Photos waiting for a coordinator, oldest first, with what is needed to decide.

        Parameters
        ----------
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`PHOTO_COLUMNS`, and ``entry_name``, ``entry_visibility``,
            ``building_block``, ``thumbnail`` (JPEG bytes) and ``warnings`` (message codes for the caption).

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        policy.check_manage(self._actor(actor))
        waiting = self.store.read("photos", {"status": "pending"})
        waiting = waiting.sort_values("added_at", kind="stable") if len(waiting) else waiting
        entries = self.store.read("assets", {"id": list(waiting["asset_id"])}) if len(waiting) else None
        about = {} if entries is None else {
            r["id"]: r for r in entries.astype(object).where(entries.notna(), None).to_dict("records")}
        rows = []
        for photo in waiting.astype(object).where(waiting.notna(), None).to_dict("records"):
            entry = about.get(photo["asset_id"]) or {}
            rows.append({**{c: photo.get(c) for c in PHOTO_COLUMNS}, "entry_name": entry.get("name"),
                         "entry_visibility": entry.get("visibility"), "building_block": entry.get("building_block"),
                         "thumbnail": photo["thumbnail"], "warnings": story_warnings(photo.get("caption"))})
        columns = [*PHOTO_COLUMNS, "entry_name", "entry_visibility", "building_block", "thumbnail", "warnings"]
        return pd.DataFrame(rows, columns=columns)

    def approve_photos(self, photo_ids, actor: ActorLike = None) -> int:
        """Approve waiting photos, all in one transaction: public from now on where their entry is.

        Parameters
        ----------
        photo_ids : str or list of str
            The photos, as :meth:`pending_photos` lists them.
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        int
            How many photos were approved.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            One of the photos is not waiting (one problem each); nothing is approved then.
        """
        return self._decide_photos(photo_ids, "approved", None, actor)

    def reject_photos(self, photo_ids, actor: ActorLike = None, *, reason: str | None = None) -> int:
        """Reject waiting photos, all in one transaction: never public; their authors see why.

        Parameters
        ----------
        photo_ids : str or list of str
            The photos, as :meth:`pending_photos` lists them.
        actor : Actor or str, optional
            Must be a coordinator.
        reason : str, optional
            Why, in a few words (at most ``settings.REASON_MAX_LENGTH`` characters).

        Returns
        -------
        int
            How many photos were rejected.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            One of the photos is not waiting, or the reason is too long; nothing is rejected then.
        """
        return self._decide_photos(photo_ids, "rejected", _reason(reason), actor)

    def delete_photo(self, photo_id: str, actor: ActorLike = None) -> bool:
        """Remove a photo: by the one who added it, the owner of its entry, or a coordinator.

        Parameters
        ----------
        photo_id : str
            The photo's id.
        actor : Actor or str, optional
            Who removes it.

        Returns
        -------
        bool
            True when it was removed.

        Raises
        ------
        PermissionDenied
            The actor may not remove it.
        InputError
            There is no such photo.
        """
        actor = self._actor(actor)
        policy.check_write(actor)
        with self._write():
            stored = self.store.read("photos", {"id": photo_id})
            if stored.empty:
                raise InputError("photo_gone", "fix_refresh_list", id=photo_id)
            photo = stored.drop(columns=["image", "thumbnail"]).astype(object).iloc[0].to_dict()
            policy.check_remove_photo(actor, photo, self._stored_asset(photo["asset_id"]) or {}, photo_id)
            self.store.delete("photos", {"id": photo_id})
            self._audit("photo delete", photo_id, actor)
        return True

    # ------------------------------------------------------------------ internals
    def _photo_rows(self, asset_id: str | None) -> pd.DataFrame:
        """The stored photos (of one entry), without their bytes, missing values as None."""
        frame = self.store.read("photos", {"asset_id": asset_id} if asset_id else None)
        frame = frame.drop(columns=["image", "thumbnail", "decided_by", "decided_at"], errors="ignore")
        frame = frame.sort_values("added_at", kind="stable") if len(frame) else frame
        return pd.DataFrame(frame.astype(object).where(frame.notna(), None), columns=list(PHOTO_COLUMNS))

    def _decide_photos(self, photo_ids, status: str, reason: str | None, actor: ActorLike) -> int:
        actor = self._actor(actor)
        policy.check_manage(actor)
        ids = _id_list(photo_ids)
        with self._write():
            stored = self.store.read("photos", {"id": ids})
            waiting = set(stored.loc[(stored["status"] == "pending").fillna(False).to_numpy(), "id"])
            problems = [Problem("photo_not_pending", "fix_photo_pending_list", id=i) for i in ids if i not in waiting]
            if problems:
                raise InputError(problems)
            stamp = now_iso()
            rows = stored.assign(status=status, reason=reason, decided_by=actor.pseudonym, decided_at=stamp)
            self.store.update("photos", rows, "id")
            for photo_id in ids:
                self._audit("photo approve" if status == "approved" else "photo reject", photo_id, actor)
        return len(ids)

    def _audit(self, action: str, photo_id: str, actor) -> None:
        """Note an action for the structured log, written when the transaction commits (see ``_write``)."""
        if not hasattr(self, "_audit_lines"):
            self._audit_lines = []
        self._audit_lines.append((action, photo_id, actor.role))


def _text(value, field: str, limit: int, *, required: bool = False) -> str | None:
    """A caption or credit as stored: trimmed, None when empty; refused when missing (``required``) or too long."""
    text = " ".join(str(value).split()) if isinstance(value, str) else ""
    if not text:
        if required:
            raise InputError("photo_caption_needed", "fix_photo_caption")
        return None
    if len(text) > limit:
        raise InputError("photo_text_too_long", "fix_shorten", field=field, length=len(text), limit=limit)
    return text
