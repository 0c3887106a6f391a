"""The coordinator's status panel on the Data page: counts, the last backup, publication and retention.

An inner module of the app's faces (like :mod:`assetmap._ui_widgets`): it lays out what
:meth:`assetmap.service.Workspace.status` gives (which asks the policy: coordinators only), and warns
when the last backup is more than :data:`BACKUP_WARN_HOURS` old or never happened.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from assetmap.errors import AssetmapError
from assetmap.i18n import t

__all__ = ["BACKUP_WARN_HOURS", "backup_age_hours", "status_panel"]

#: A backup older than this (hours) is shown as a warning: the timer runs every night.
BACKUP_WARN_HOURS: float = 36.0


def backup_age_hours(last_backup: str | None, now: datetime | None = None) -> float | None:
    """Hours since the last backup (ISO 8601 UTC), or None when there was none.

    Parameters
    ----------
    last_backup : str or None
        The time the workspace recorded (``status()["last_backup"]``).
    now : datetime, optional
        The moment to measure from (default: now, UTC).

    Returns
    -------
    float or None
        Hours since then.
    """
    if not last_backup:
        return None
    moment = datetime.fromisoformat(last_backup.replace("Z", "+00:00"))
    return ((now or datetime.now(timezone.utc)) - moment).total_seconds() / 3600


def status_panel(open_workspace, actor, lang: str) -> None:
    """Draw the status panel (call it for coordinators only; the service refuses anyone else).

    Parameters
    ----------
    open_workspace : callable
        A context manager that opens the session's workspace (``assetmap.ui.workspace``).
    actor : Actor
        The signed-in coordinator.
    lang : str
        Language of the texts.
    """
    st.subheader(t("status_title", lang))
    try:
        with open_workspace() as ws:
            status = ws.status(actor)
    except AssetmapError as exc:
        st.error(exc.render(lang))
        return
    columns = st.columns(4)
    columns[0].metric(t("status_entries", lang), status["entries"])
    columns[1].metric(t("status_waiting", lang), status["waiting"])
    columns[2].metric(t("status_accounts", lang), status["accounts"])
    columns[3].metric(t("status_codes", lang), status["table_codes"])
    never = t("status_never", lang)
    st.caption(t("status_times", lang, backup=_day(status["last_backup"]) or never,
                 publish=_day(status["last_publish"]) or never, retention=_day(status["last_retention"]) or never,
                 months=status["retention_months"]))
    age = backup_age_hours(status["last_backup"])
    if age is None or age > BACKUP_WARN_HOURS:
        st.warning(t("status_backup_old", lang))
    # The timer runs retention weekly; a coordinator may run it now (the service checks the role again).
    if st.button(t("status_retention_now", lang, months=status["retention_months"]), key="status_retention"):
        try:
            with open_workspace() as ws:
                report = ws.apply_retention(actor)
        except AssetmapError as exc:
            st.error(exc.render(lang))
            return
        st.success(t("status_retention_done", lang, pseudonyms=report["pseudonyms"], entries=report["entries"],
                     codes=report["table_codes"]))


def _day(value: str | None) -> str | None:
    """An ISO time as ``2026-12-07 03:15 UTC``."""
    return None if not value else value[:16].replace("T", " ") + " UTC"
