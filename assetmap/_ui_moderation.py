"""Moderation in the app: the coordinator's queue (Data page), the state of a table's own entries
(workshop page) and the residents' "Melden" control (Kaart).

Every read and decision goes through the service with the session's actor
(:meth:`~assetmap.service.Workspace.pending`, ``approve``, ``reject``, ``reported``,
``decide_reports``, ``entry_states``, ``report``); who may decide or report is the policy's
(:mod:`assetmap.service.policy`). The pages only call these functions.
"""

from __future__ import annotations

import secrets

import pandas as pd
import streamlit as st

from assetmap import settings, ui
from assetmap.errors import AssetmapError
from assetmap.i18n import LANGUAGE_NAMES, block_label, t
from assetmap.layers.schema import TRANSLATION_FIELDS
from assetmap.messages import N_
from assetmap.service import Actor, policy

__all__ = ["moderation_queue", "own_entry_states", "report_control", "saved_message"]

_SELECT = "_select"
_SHOWN = "_moderation_shown"
#: What a waiting item is: a new entry, an edit of a public one, an activity or a link (of an entry).
_KINDS = {"new": N_("moderation_kind_new"), "edit": N_("moderation_kind_edit"),
          "activity": N_("moderation_kind_activity"), "link": N_("moderation_kind_link")}


# ---------------------------------------------------------------------- the coordinator's queue
def moderation_queue(actor: Actor, lang: str) -> None:
    """The queue on the Data page: the setting, every waiting entry whole, and the reported entries,
    each with a select column and one decision for the selection.

    Parameters
    ----------
    actor : Actor
        The session's actor; the section is drawn only for one who may manage (the service checks again).
    lang : str
        Language code.
    """
    if not policy.may_manage(actor):
        return
    try:
        with ui.workspace() as ws:
            moderating = ws.moderation()
            pending = ws.pending(actor)
            reported = ws.reported(actor) if policy.may_decide_reports(actor) else pd.DataFrame()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    # Approve names what this coordinator saw: the versions of the queue as drawn last time, kept
    # across the rerun a click starts (the queue read now may hold an edit made since).
    shown_before = st.session_state.get(_SHOWN, {})
    st.session_state[_SHOWN] = dict(zip(pending["asset_id"], pending["version"]))
    st.subheader(t("moderation_title", lang))
    st.caption(t("moderation_setting_on" if moderating else "moderation_setting_off", lang))
    if not len(pending):
        st.caption(t("moderation_none", lang))
    else:
        _decide_block(pending, _pending_table(pending, lang), "moderation", lang, actor, shown_before)
    if len(reported):
        st.subheader(t("reported_title", lang))
        st.caption(t("reported_intro", lang, n=settings.REPORTS_TO_HIDE))
        _decide_block(reported, _reported_table(reported, lang), "reports", lang, actor)


def _pending_table(pending: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What a coordinator needs to decide, one row per waiting entry; contact fields stay out."""
    rows = pending.astype(object).where(pending.notna(), None)
    return pd.DataFrame({
        _SELECT: [False] * len(rows),
        t("moderation_col_number", lang): list(range(1, len(rows) + 1)),
        t("name", lang): rows["name"],
        t("moderation_col_id", lang): rows["short_id"],
        t("building_block", lang): [block_label(b, lang) if b else "" for b in rows["building_block"]],
        t("moderation_col_kind", lang): [t(_KINDS.get(k, _KINDS["new"]), lang) for k in rows["kind"]],
        t("description", lang): rows["description"].fillna(""),
        t("moderation_col_translations", lang): ["\n".join(f"{_field_label(f, lang)}: {_value(v)}" for f, v in (given or {}).items())
                                                 for given in rows["translations"]],
        t("moderation_col_story", lang): [s or (t("moderation_story_about", lang, name=a) if a else "")
                           for s, a in zip(rows["stories"], rows["about"])],
        t("moderation_col_changes", lang): ["\n".join(_change_text(c, lang) for c in changes)
                                            for changes in rows["changes"]],
        t("moderation_col_check", lang): ["\n".join(t(code, lang) for code in codes) for codes in rows["warnings"]],
        t("moderation_col_area", lang): rows["area"].fillna("-"),
        t("moderation_col_place", lang): [_place(lat, lon) for lat, lon in zip(rows["lat"], rows["lon"])],
        t("moderation_by", lang): rows["requested_by"].fillna("-"),
        t("moderation_col_when", lang): [str(a or "")[:16].replace("T", " ") for a in rows["at"]],
    })


def _reported_table(reported: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Reported entries with how many reports, their reasons and whether they are held back now."""
    rows = reported.astype(object).where(reported.notna(), None)
    return pd.DataFrame({
        _SELECT: [False] * len(rows),
        t("name", lang): rows["name"],
        t("moderation_col_id", lang): rows["short_id"],
        t("building_block", lang): [block_label(b, lang) if b else "" for b in rows["building_block"]],
        t("reported_col_count", lang): rows["reports"],
        t("reported_col_reasons", lang): ["; ".join(r) for r in rows["reasons"]],
        t("reported_col_hidden", lang): [t("yes" if h else "no", lang) for h in rows["hidden"]],
        t("description", lang): rows["description"].fillna(""),
        t("moderation_col_area", lang): rows["area"].fillna("-"),
        t("moderation_col_place", lang): [_place(lat, lon) for lat, lon in zip(rows["lat"], rows["lon"])],
        t("moderation_by", lang): rows["added_by"].fillna("-"),
    })


def _decide_block(frame: pd.DataFrame, table: pd.DataFrame, kind: str, lang: str, actor: Actor,
                  shown: dict | None = None) -> None:
    """A table with a select column, a reason, and the two decisions for the selection (an approval
    with the versions ``shown`` when the table was drawn)."""
    select_label = t("moderation_col_select", lang)
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=f"{kind}_editor",
        disabled=[c for c in table.columns if c != _SELECT],
        column_config={_SELECT: st.column_config.CheckboxColumn(select_label, default=False)})
    chosen = [i for i, picked in zip(frame["asset_id"], edited[_SELECT]) if bool(picked)]
    select_all = st.checkbox(t("moderation_select_all", lang), key=f"{kind}_all")
    if select_all:
        chosen = list(frame["asset_id"])
    reason = st.text_input(t("moderation_reason", lang), key=f"{kind}_reason", max_chars=settings.REASON_MAX_LENGTH)
    c1, c2 = st.columns(2)
    if kind == "moderation":
        yes = c1.button(t("approve", lang), key="moderation_approve", type="primary")
        no = c2.button(t("reject", lang), key="moderation_reject")
    else:
        yes = c1.button(t("reported_keep", lang), key="reports_keep", type="primary")
        no = c2.button(t("reported_hide", lang), key="reports_hide")
    if not (yes or no):
        return
    if not chosen:
        st.warning(t("moderation_none_selected", lang))
        return
    try:
        with ui.workspace() as ws:
            if kind == "moderation" and yes:
                count = ws.approve({i: (shown or {}).get(i) for i in chosen}, actor)
            elif kind == "moderation":
                count = ws.reject(chosen, actor, reason=reason)
            else:
                count = ws.decide_reports(chosen, yes, actor, reason=None if yes else reason)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if kind == "moderation":
        done = t("moderation_approved_many" if yes else "moderation_rejected_many", lang, count=count)
    else:
        done = t("reported_kept" if yes else "reported_hidden", lang, count=count)
    ui.flash("success", done)
    st.rerun()


def _change_text(change, lang: str) -> str:
    field, before, after = change
    label = t("moderation_col_place", lang) if field == "place" else _field_label(field, lang)
    return t("moderation_change", lang, field=label, before=_value(before), after=_value(after))


#: Fields whose label the catalogue holds under the field's own name.
_FIELD_LABELS = frozenset({"name", "description", "category", "building_block", "consent", "opening_hours",
                           "status", "seeks", "offers", "tags", "capacity"})


def _field_label(field: str, lang: str) -> str:
    """A field as the coordinator reads it: its label, and for a text in another language the
    language's own name (``Naam · Türkçe``)."""
    if field in TRANSLATION_FIELDS:
        base, language = field.rsplit("_", 1)
        return f"{t(base, lang)} · {LANGUAGE_NAMES[language]}"
    return t(field, lang) if field in _FIELD_LABELS else field


def _value(value) -> str:
    return "-" if value is None or value == "" else " ".join(str(value).split())


def _place(lat, lon) -> str:
    return "-" if lat is None or lon is None else f"{float(lat):.5f}, {float(lon):.5f}"


# ---------------------------------------------------------------------- a table's own entries
def own_entry_states(asset_ids: list[str], actor: Actor, lang: str) -> list[str]:
    """The state of each of a table's own entries, in words: waiting, public, group only, private,
    rejected (with the reason), or held back after reports.

    Parameters
    ----------
    asset_ids : list of str
        The entries, in the order of the table they go into.
    actor : Actor
        The session's actor (a workshop table, or a coordinator).
    lang : str
        Language code.

    Returns
    -------
    list of str
        One text per id ("" where the service gave no state, e.g. not the actor's own).
    """
    try:
        with ui.workspace() as ws:
            states = ws.entry_states(list(asset_ids), actor)
    except AssetmapError:
        return [""] * len(asset_ids)
    known = {r["asset_id"]: (r["state"], r["reason"]) for r in
             states.astype(object).where(states.notna(), None).to_dict("records")}
    out = []
    for asset_id in asset_ids:
        state, reason = known.get(asset_id, (None, None))
        if state is None:
            out.append("")
        elif state == "rejected" and reason:
            out.append(t("state_rejected_reason", lang, reason=reason))
        else:
            out.append(_state_text(state, lang))
    return out


def _state_text(state: str, lang: str) -> str:
    """One of :data:`assetmap.service.moderation.ENTRY_STATES` in words (each code written out, so
    the catalogue extraction finds it)."""
    texts = {"pending": t("state_pending", lang), "public": t("state_public", lang), "group": t("state_group", lang),
             "private": t("state_private", lang), "rejected": t("state_rejected", lang),
             "reported": t("state_reported", lang)}
    return texts.get(state, state)


def saved_message(ws, asset_id: str, name: str, lang: str, *, updated: bool = False) -> str:
    """The message after a save: says so when the entry waits for a coordinator.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        The open workspace the save went through.
    asset_id : str
        The saved entry.
    name : str
        Its name, as typed.
    lang : str
        Language code.
    updated : bool
        An edit of an existing entry (else a new one).

    Returns
    -------
    str
        ``saved``/``updated``, or ``saved_waits``/``updated_waits`` when it waits for approval.
    """
    states = ws.entry_states([asset_id])
    waits = bool(len(states)) and states["state"].iloc[0] == "pending"
    if updated:
        return t("updated_waits" if waits else "updated", lang, name=name)
    return t("saved_waits" if waits else "saved", lang, name=name)


# ---------------------------------------------------------------------- residents report an entry
def report_control(public: pd.DataFrame, lang: str, area_names: dict[str, str] | None = None) -> None:
    """A small "Melden" control on the map: pick a public entry, give a reason if you like, report.

    No account is needed; the session gets a random token (kept only as a hash by the service), and
    reports each entry once.

    Parameters
    ----------
    public : pandas.DataFrame
        The public view the map shows (``id``, ``name``, ``buurt_code``/``wijk_code``).
    lang : str
        Language code.
    area_names : dict of str to str, optional
        Area code -> name, to tell entries of the same name apart.
    """
    actor = Actor(None, "public")
    if not len(public) or not policy.may_report(actor):
        return
    state = st.session_state
    token = state.setdefault("_report_token", secrets.token_urlsafe(24))
    done: set = state.setdefault("_reported_ids", set())
    areas = area_names or {}
    labels = {}
    for row in public.astype(object).where(public.notna(), None).to_dict("records"):
        area = areas.get(row.get("buurt_code")) or areas.get(row.get("wijk_code"))
        labels[row["id"]] = f"{row.get('name') or '-'}" + (f" ({area})" if area else "")
    counts = pd.Series(list(labels.values())).value_counts()
    labels = {i: (f"{label} · {i[:6]}" if counts[label] > 1 else label) for i, label in labels.items()}
    with st.expander(t("flag_title", lang)):
        st.caption(t("flag_intro", lang))
        picked = st.selectbox(t("flag_pick", lang), sorted(labels, key=lambda i: labels[i].casefold()),
                              index=None, key="flag_pick", placeholder=t("choose_one", lang),
                              format_func=lambda i: labels.get(i, i))
        reason = st.text_input(t("flag_reason", lang), key="flag_reason", max_chars=settings.REASON_MAX_LENGTH)
        clicked = st.button(t("flag_button", lang), key="flag_send", disabled=picked is None or picked in done)
        answer = state.pop("_flag_answer", None)  # the outcome of the report this session just sent
        if answer:
            st.success(answer)
        elif picked in done:
            st.caption(t("flag_already", lang))
        if not clicked or picked is None:
            return
        try:
            with ui.workspace() as ws:
                recorded = ws.report(picked, token, reason or None, actor)
        except AssetmapError as exc:
            ui.show_error(exc, lang)
            return
        done.add(picked)
        state["_flag_answer"] = t("flag_done", lang) if recorded else t("flag_already", lang)
        st.rerun()  # drawn again: the button is off for this entry, and a third report takes it off the map
