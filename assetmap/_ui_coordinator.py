"""The coordinator's workshop page ("Werksessie"): accounts, table codes and cards, labels, activities.

Also the first coordinator of a hosted workspace: a one-time setup code that the server prints to
its own log once, and the form on the start page that takes it (:func:`first_coordinator`).
Every read and write goes through :mod:`assetmap.service` as the session's actor; the service
refuses what the role may not do, whatever the page shows.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from assetmap import ui
from assetmap.errors import AssetmapError
from assetmap.i18n import block_label, t
from assetmap.layers.schema import BUILDING_BLOCKS, TARGET_GROUPS
from assetmap.messages import N_
from assetmap.service import Actor, create_workspace, open_workspace, policy
from assetmap.table_cards import public_url, table_cards_pdf

__all__ = ["PAGE_KEYS", "accounts_section", "activities_section", "date_hours", "ensure_setup_code",
           "first_coordinator", "labels_section", "table_codes_section"]

#: Page keys (and title codes) of the coordinator pages: the workshop session and sharing and printing.
PAGE_KEYS = (N_("page_session"), N_("page_share"))
#: Building blocks an activity may belong to (a person's talents and a story have no times).
_ACTIVITY_BLOCKS = ("association", "institution", "resource", "initiative")
#: Workspace location -> when its printed setup code expires: one code per server process and workspace.
_SETUP_PRINTED: dict[str, datetime] = {}
_SETUP_HOURS = 24.0
_SERVER = Actor("server", "coordinator")  # the server process itself: creates a missing hosted workspace


# ---------------------------------------------------------------------- the first coordinator
def ensure_setup_code(location) -> str | None:
    """Print a one-time setup code to the server log when a hosted workspace has no coordinator account.

    Runs once per server process and workspace (again only when the code has expired); a missing
    workspace is created empty first, so the code's hash has a place to be kept. The code is
    printed to standard error and never shown in a page.

    Parameters
    ----------
    location : path-like or str
        The workspace (:func:`assetmap.ui.workspace_path`).

    Returns
    -------
    str or None
        The code printed now; None when none was needed or one is still valid.
    """
    key = str(location)
    now = datetime.now()
    if key in _SETUP_PRINTED and _SETUP_PRINTED[key] > now:
        return None
    if not location.is_file():
        if hasattr(location, "parent"):
            location.parent.mkdir(parents=True, exist_ok=True)  # the gitignored default folder
        create_workspace(location, exist_ok=True, actor=_SERVER).close()
    with open_workspace(location, _SERVER) as ws:
        code = ws.issue_setup_code(hours=_SETUP_HOURS)
    _SETUP_PRINTED[key] = now + timedelta(hours=_SETUP_HOURS) if code else now + timedelta(minutes=5)
    if code:
        print(t("setup_code_printed", "en", code=code, hours=f"{_SETUP_HOURS:g}"), file=sys.stderr, flush=True)
    return code


def first_coordinator(lang: str) -> None:
    """On a hosted app whose workspace has no coordinator account: the form 'Eerste coördinator aanmaken'.

    The form takes the setup code from the server log, a name and a password; the service checks
    the code and makes the account (:meth:`~assetmap.service.Workspace.redeem_setup_code`), and the
    visitor is signed in as that coordinator. Without a right code nothing happens.

    Parameters
    ----------
    lang : str
        Language of the texts.
    """
    if not ui.hosted() or ui.signed_in() is not None or policy.may_manage(ui.session_actor()):
        return  # on localhost, signed in, or every visitor a coordinator already: nothing to set up
    location = ui.workspace_path()
    try:
        ensure_setup_code(location)
        with open_workspace(location, Actor(None, "public")) as ws:
            needed = ws.needs_first_coordinator()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if not needed:
        return
    with st.container(border=True):
        st.subheader(t("setup_title", lang))
        st.write(t("setup_intro", lang))
        with st.form("setup_form", clear_on_submit=True, enter_to_submit=False):
            code = st.text_input(t("setup_code", lang), key="setup_code", max_chars=40)
            name = st.text_input(t("sign_in_name", lang), key="setup_name", max_chars=100)
            password = st.text_input(t("sign_in_password", lang), key="setup_password", type="password",
                                     max_chars=200, help=t("account_password_help", lang))
            if st.form_submit_button(t("setup_button", lang), type="primary"):
                if not code.strip() or not name.strip() or not password:
                    st.error(t("sign_in_missing", lang))
                    return
                # The same road as every sign-in: the visitor is signed in as the new coordinator, or told why not.
                ui._sign_in(lambda ws: ws.redeem_setup_code(code, name, password), lang)


# ---------------------------------------------------------------------- accounts
def accounts_section(lang: str, actor: Actor) -> None:
    """Accounts: the list, a form to add one, and removing one.

    Parameters
    ----------
    lang : str
        Language of the texts.
    actor : Actor
        The coordinator (the service refuses anyone else).
    """
    st.subheader(t("session_accounts", lang))
    try:
        with ui.workspace() as ws:
            accounts = ws.accounts(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    if len(accounts):
        st.dataframe(pd.DataFrame({
            t("sign_in_name", lang): accounts["name"].astype(object).to_numpy(),
            t("account_role", lang): [t("role_" + r, lang) for r in accounts["role"]],
            t("account_created", lang): [str(v or "")[:16].replace("T", " ") for v in accounts["created_at"]],
        }), hide_index=True, width="stretch", key="accounts_table")
    else:
        st.caption(t("accounts_none", lang))
    with st.form("account_add_form", enter_to_submit=False):  # kept on a refusal, so only what was wrong needs fixing
        st.markdown(f"**{t('account_add', lang)}**")
        name = st.text_input(t("sign_in_name", lang), key="account_name", max_chars=100)
        password = st.text_input(t("sign_in_password", lang), key="account_password", type="password",
                                 max_chars=200, help=t("account_password_help", lang))
        role = st.radio(t("account_role", lang), ("workshop", "coordinator"), key="account_role", horizontal=True,
                        format_func=lambda r: t("role_" + r, lang))
        if st.form_submit_button(t("account_add_button", lang)):
            if _run(lang, lambda ws: ws.create_account(name, password, role, actor=actor)):
                _clear("account_name", "account_password", "account_role")
                ui.flash("success", t("account_added", lang, name=name.strip(), role=t("role_" + role, lang)))
                st.rerun()
    names = [n for n in accounts["name"] if not (actor.pseudonym and n.casefold() == actor.pseudonym.casefold())]
    if names:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        gone = left.selectbox(t("account_remove", lang), names, key="account_remove_name", index=None,
                              placeholder=t("choose", lang))
        if right.button(t("account_remove_button", lang), key="account_remove", disabled=gone is None):
            if _run(lang, lambda ws: ws.remove_account(gone, actor=actor)):
                ui.flash("success", t("account_removed", lang, name=gone))
                st.rerun()


# ---------------------------------------------------------------------- table codes and cards
def table_codes_section(lang: str, actor: Actor) -> None:
    """Table codes: issue one or more, see them once, and download printable cards with a QR code.

    Parameters
    ----------
    lang : str
        Language of the texts.
    actor : Actor
        The coordinator (the service refuses anyone else).
    """
    st.subheader(t("session_codes", lang))
    st.caption(t("session_codes_intro", lang))
    with st.form("table_codes_form", enter_to_submit=False):
        c1, c2 = st.columns(2)
        count = c1.number_input(t("codes_count", lang), min_value=1, max_value=40, value=8, step=1, key="codes_count",
                                placeholder=t("number_placeholder", lang))
        hours = c2.number_input(t("codes_hours", lang), min_value=1, max_value=72, value=8, step=1, key="codes_hours",
                                placeholder=t("number_placeholder", lang))
        url = st.text_input(t("codes_url", lang), value=public_url() or "", key="codes_url",
                            placeholder="https://kaart.voorbeeld.nl", help=t("codes_url_help", lang))
        table = st.text_input(t("codes_table", lang), key="codes_table", max_chars=80, help=t("codes_table_help", lang))
        if st.form_submit_button(t("codes_button", lang), type="primary"):
            codes: list[str] = []
            try:
                with ui.workspace() as ws:
                    for _ in range(int(count)):
                        codes.append(ws.issue_table_code(actor=actor, hours=float(hours), table=table.strip() or None))
                until = datetime.now() + timedelta(hours=float(hours))
                pdf = table_cards_pdf(codes, url, lang, valid_until=until)
            except AssetmapError as exc:
                ui.show_error(exc, lang)
            else:
                st.session_state["_table_cards"] = {"codes": codes, "pdf": pdf, "until": until}
    issued = st.session_state.get("_table_cards")
    if issued:
        st.success(t("codes_issued", lang, count=len(issued["codes"]), until=issued["until"].strftime("%d-%m %H:%M")))
        st.code("\n".join(issued["codes"]), language=None)
        st.download_button(t("codes_cards_download", lang), issued["pdf"], file_name="tafelkaarten.pdf",
                           mime="application/pdf", key="cards_download", icon=":material/print:")


# ---------------------------------------------------------------------- labels
def labels_section(lang: str, actor: Actor) -> None:
    """The workspace's own names for the building blocks: one field each; empty brings back the standard name.

    Parameters
    ----------
    lang : str
        Language of the texts.
    actor : Actor
        The coordinator (the service refuses anyone else).
    """
    st.subheader(t("session_labels", lang))
    st.caption(t("session_labels_intro", lang))
    try:
        with ui.workspace() as ws:
            current = ws.labels()
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    with st.form("labels_form", enter_to_submit=False):
        typed = {block: st.text_input(block_label(block, lang, {}), value=current.get(block, ""), max_chars=100,
                                      key=f"label_{block}", placeholder=block_label(block, lang, {}))
                 for block in BUILDING_BLOCKS}
        if st.form_submit_button(t("labels_button", lang)):
            changes = {b: (v.strip() or None) for b, v in typed.items() if v.strip() != current.get(b, "")}
            if not changes:
                st.info(t("labels_unchanged", lang))
            elif _run(lang, lambda ws: ws.set_labels(changes, actor=actor)):
                ui.flash("success", t("labels_saved", lang, count=len(changes)))
                st.rerun()


# ---------------------------------------------------------------------- activities
def date_hours(day: date, start: time, end: time) -> str:
    """An activity on one day as an OSM ``opening_hours`` rule, e.g. ``2026 Dec 10 18:00-20:00``.

    Parameters
    ----------
    day : datetime.date
        The day.
    start, end : datetime.time
        When it starts and ends (an end before the start runs past midnight).

    Returns
    -------
    str
        The rule.
    """
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[day.month - 1]
    return f"{day.year} {month} {day.day:02d} {start:%H:%M}-{end:%H:%M}"


def activities_section(lang: str, actor: Actor) -> None:
    """Activities of places and associations: a form to add one, the list, and removing one.

    What is added shows in "Deze week in de buurt" on the map while its place is public.

    Parameters
    ----------
    lang : str
        Language of the texts.
    actor : Actor
        The coordinator.
    """
    st.subheader(t("session_activities", lang))
    st.caption(t("session_activities_intro", lang))
    try:
        with ui.workspace() as ws:
            assets = ws.assets(actor=actor)
            activities = ws.activities(actor=actor)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return
    places = assets[assets["building_block"].isin(_ACTIVITY_BLOCKS).to_numpy()]
    names = dict(zip(assets["id"], assets["name"].astype(object)))
    blocks = dict(zip(places["id"], places["building_block"]))
    options = sorted(places["id"], key=lambda i: (str(names.get(i) or "").casefold(), i))
    with st.form("activity_form", enter_to_submit=False):  # kept on a refusal, so only what was wrong needs fixing
        place = st.selectbox(t("activity_place", lang), options, index=None, key="activity_place",
                             placeholder=t("activity_place_help", lang),
                             format_func=lambda i: f"{names.get(i) or i} · {block_label(blocks[i], lang)}")
        name = st.text_input(t("activity_name", lang), key="activity_name", max_chars=100)
        kinds = {"weekly": t("activity_weekly", lang), "once": t("activity_once", lang)}
        kind = st.radio(t("activity_when", lang), list(kinds), horizontal=True, key="activity_when_kind",
                        format_func=kinds.get)
        weekly = st.text_input(t("activity_weekly_times", lang), key="activity_weekly", placeholder="We 18:00-20:00",
                               help=t("activity_weekly_help", lang))
        c1, c2, c3 = st.columns(3)
        day = c1.date_input(t("activity_day", lang), value=date.today(), format="DD-MM-YYYY", key="activity_day")
        start = c2.time_input(t("activity_start", lang), value=time(18, 0), key="activity_start")
        end = c3.time_input(t("activity_end", lang), value=time(20, 0), key="activity_end")
        group = st.selectbox(t("filter_group", lang), TARGET_GROUPS, key="activity_group",
                             placeholder=t("choose_one", lang), format_func=lambda g: t(f"group_{g}", lang))
        c4, c5 = st.columns(2)
        prices = {None: t("activity_price_unknown", lang), True: t("activity_free", lang),
                  False: t("activity_paid", lang)}
        free = c4.radio(t("activity_price", lang), list(prices), key="activity_free", horizontal=True,
                        format_func=prices.get)
        walk_in = c5.checkbox(t("activity_walk_in", lang), key="activity_walk_in")
        if st.form_submit_button(t("activity_add_button", lang), type="primary"):
            when = weekly.strip() if kind == "weekly" else date_hours(day, start, end)
            if place is None or not name.strip() or not when:
                st.error(t("activity_missing", lang))
            else:
                fields = {"asset_id": place, "name": name, "recurring_time": when, "target_group": group,
                          "free": free, "walk_in": walk_in}
                if _run(lang, lambda ws: ws.add_activity(fields, actor=actor)):
                    _clear("activity_place", "activity_name", "activity_weekly", "activity_walk_in", "activity_free")
                    ui.flash("success", t("activity_added", lang, name=name.strip(), place=names.get(place) or place))
                    st.rerun()
    if activities.empty:
        st.caption(t("activities_none", lang))
        return
    yes, no = t("yes", lang), t("no", lang)
    st.dataframe(pd.DataFrame({
        t("activity_name", lang): activities["name"].astype(object).to_numpy(),
        t("activity_place", lang): [names.get(a) or a for a in activities["asset_id"]],
        t("activity_when", lang): activities["recurring_time"].astype(object).to_numpy(),
        t("filter_group", lang): [t(f"group_{g}", lang) if isinstance(g, str) else "" for g in activities["target_group"]],
        t("this_week_free", lang): [yes if v is True else no if v is False else "" for v in activities["free"]],
        t("this_week_walk_in", lang): [yes if v is True else no if v is False else "" for v in activities["walk_in"]],
        "id": activities["id"].astype(object).to_numpy(),
    }), hide_index=True, width="stretch", key="activities_table")
    labels = {i: f"{n} · {names.get(a) or a} · {w}" for i, n, a, w in
              zip(activities["id"], activities["name"], activities["asset_id"], activities["recurring_time"])}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    gone = left.selectbox(t("activity_remove", lang), list(labels), index=None, key="activity_remove_id",
                          format_func=labels.get, placeholder=t("choose", lang))
    if right.button(t("activity_remove_button", lang), key="activity_remove", disabled=gone is None):
        if _run(lang, lambda ws: ws.delete_activity(gone, actor=actor)):
            ui.flash("success", t("activity_removed", lang, name=labels[gone]))
            st.rerun()


def _clear(*keys: str) -> None:
    """Empty these widgets on the next run (after a save, for the next entry)."""
    for key in keys:
        st.session_state.pop(key, None)


def _run(lang: str, call) -> bool:
    """Run ``call(ws)`` on the workspace; show the error by code and give False when it fails."""
    try:
        with ui.workspace() as ws:
            call(ws)
    except AssetmapError as exc:
        ui.show_error(exc, lang)
        return False
    return True
