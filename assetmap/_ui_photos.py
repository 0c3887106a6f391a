"""Photos in the app: a table adds one to an entry on the workshop page (phone camera or file), and
a coordinator approves or rejects the waiting ones on the Data page, each shown with its entry.

Every read and write goes through the service with the session's actor
(:meth:`~assetmap.service.Workspace.add_photo`, ``photos``, ``pending_photos``, ``approve_photos``,
``reject_photos``); the photo is made clean (no EXIF, no GPS) there, before it is stored. The pages
only call these functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from assetmap import settings, ui
from assetmap.errors import AssetmapError
from assetmap.i18n import block_label, t
from assetmap.layers.photos import MAX_PHOTO_BYTES, PHOTO_LICENCES
from assetmap.messages import N_
from assetmap.service import Actor, policy

__all__ = ["photo_form", "photo_queue"]

#: File kinds the upload offers (a phone's file picker offers its camera for these).
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"]
#: A photo's status -> how a table reads it.
_STATES = {"pending": N_("photo_state_pending"), "approved": N_("photo_state_approved"),
           "rejected": N_("photo_state_rejected")}


def photo_form(entries: pd.DataFrame, actor: Actor, me: str | None, lang: str) -> None:
    """The workshop page's photo section: pick an entry, a photo, a caption and a credit; save.

    Parameters
    ----------
    entries : pandas.DataFrame
        The entries this table sees (``id``, ``name``, ``building_block``, ``added_by``); a person's
        entry is offered only to its author (the service checks again).
    actor : Actor
        The session's actor.
    me : str or None
        The table's pseudonym; without one nothing can be saved.
    lang : str
        Language code.
    """
    st.subheader(t("photo_title", lang))
    st.caption(t("photo_intro", lang))
    if not len(entries):
        st.caption(t("no_own_entries", lang))
        return
    person = (entries["building_block"] == "individual").fillna(False).to_numpy()
    own = (entries["added_by"] == me).fillna(False).to_numpy() if me else np.zeros(len(entries), dtype=bool)
    offered = entries[~person | own]
    names = dict(zip(offered["id"], offered["name"].astype(object)))
    with st.form("photo_add", clear_on_submit=True, enter_to_submit=False):
        entry = st.selectbox(t("photo_entry", lang), list(names), key="photo_entry", placeholder=t("choose_one", lang),
                             format_func=lambda i: names.get(i, i), index=None)
        upload = st.file_uploader(t("photo_file", lang), type=UPLOAD_TYPES, key="photo_file",
                                  help=t("photo_file_help", lang, limit=MAX_PHOTO_BYTES // 2**20))
        caption = st.text_input(t("photo_caption", lang), key="photo_caption", max_chars=settings.PHOTO_CAPTION_MAX,
                                help=t("photo_caption_help", lang))
        c1, c2 = st.columns(2)
        credit = c1.text_input(t("photo_credit", lang), key="photo_credit", max_chars=settings.PHOTO_CREDIT_MAX)
        licence = c2.selectbox(t("photo_licence_label", lang), PHOTO_LICENCES, key="photo_licence",
                               placeholder=t("choose_one", lang),
                               format_func=lambda v: t("photo_all_rights_reserved", lang) if v == "all-rights-reserved" else v)
        submitted = st.form_submit_button(t("photo_save", lang), disabled=not me)
    if submitted:
        if not entry or upload is None:
            st.error(t("photo_pick_both", lang))
        else:
            try:
                with ui.workspace() as ws:
                    added = ws.add_photo(entry, upload.getvalue(), caption=caption, credit=credit,
                                         licence=licence, name=upload.name, actor=actor)
            except AssetmapError as exc:
                ui.show_error(exc, lang)
            else:
                for code in added["warnings"]:
                    ui.flash("warning", t("cli_photo_warning", lang, warning=t(code, lang)))
                ui.flash("success", t("photo_saved_waits", lang, name=names.get(entry, entry)))
                st.rerun()
    _own_photos(actor, me, lang, names)


def _own_photos(actor: Actor, me: str | None, lang: str, names: dict) -> None:
    """The table's own photos and where each stands: waiting, approved, or rejected and why."""
    if not me:
        return
    try:
        with ui.workspace() as ws:
            photos = ws.photos(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    mine = photos[(photos["added_by"] == me).fillna(False).to_numpy()] if len(photos) else photos
    if not len(mine):
        return
    st.dataframe(pd.DataFrame({
        t("photo_entry", lang): [names.get(i, i) for i in mine["asset_id"]],
        t("photo_caption", lang): mine["caption"].astype(object),
        t("own_col_state", lang): [t(_STATES.get(s, "photo_state_pending"), lang) + (f": {r}" if r else "")
                                   for s, r in zip(mine["status"], mine["reason"])],
    }), hide_index=True, width="stretch", key="own_photos")


def photo_queue(actor: Actor, lang: str) -> None:
    """The Data page's photo queue: every waiting photo with its entry, approved or rejected one by one.

    Parameters
    ----------
    actor : Actor
        The session's actor; drawn only for one who may manage (the service checks again).
    lang : str
        Language code.
    """
    if not policy.may_manage(actor):
        return
    try:
        with ui.workspace() as ws:
            waiting = ws.pending_photos(actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    st.subheader(t("photo_queue_title", lang))
    if not len(waiting):
        st.caption(t("photo_queue_none", lang))
        return
    st.caption(t("photo_queue_intro", lang))
    for row in waiting.itertuples():
        with st.container(border=True):
            c1, c2 = st.columns([1, 2])
            c1.image(row.thumbnail, caption=row.caption)
            about = t("photo_queue_entry", lang, name=row.entry_name or row.asset_id,
                      block=block_label(row.building_block, lang) if row.building_block else "-",
                      visibility=t(f"visibility_{row.entry_visibility}", lang) if row.entry_visibility else "-")
            c2.markdown(about)
            c2.caption(t("photo_queue_by", lang, by=row.added_by or "-", credit=row.credit or "-",
                         licence=row.licence or "-"))
            for code in row.warnings:
                c2.warning(t(code, lang))
            reason = c2.text_input(t("moderation_reason", lang), key=f"photo_reason_{row.id}",
                                   max_chars=settings.REASON_MAX_LENGTH)
            b1, b2 = c2.columns(2)
            yes = b1.button(t("approve", lang), key=f"photo_approve_{row.id}", type="primary")
            no = b2.button(t("reject", lang), key=f"photo_reject_{row.id}")
            if yes or no:
                _decide(row.id, yes, reason, actor, lang)


def _decide(photo_id: str, approve: bool, reason: str, actor: Actor, lang: str) -> None:
    try:
        with ui.workspace() as ws:
            if approve:
                ws.approve_photos([photo_id], actor)
            else:
                ws.reject_photos([photo_id], actor, reason=reason or None)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    ui.flash("success", t("cli_photos_approved" if approve else "cli_photos_rejected", lang, count=1))
    st.rerun()
