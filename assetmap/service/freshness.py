"""Freshness: which entries nobody checked for too long, and the workspace's limit.

Every edit stamps ``last_checked`` (see :mod:`assetmap.service.entries`), and so does "klopt nog"
(:meth:`~assetmap.service.entries.Entries.mark_checked`). The clock is :func:`_today`, looked up
here at call time (tests move it by replacing it in this module).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.freshness import checked_on, days_since, is_stale, stale_before
from assetmap.layers.initiatives import is_archived
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service.policy import ActorLike

__all__ = ["Freshness", "STALE_COLUMNS"]

#: The columns of :meth:`Freshness.stale_entries`.
STALE_COLUMNS: tuple[str, ...] = ("id", "name", "building_block", "visibility", "area_code", "area_name",
                                  "checked", "days")


def _today() -> date:
    """Today, in UTC (tests move the clock by replacing this function)."""
    return datetime.now(timezone.utc).date()


class Freshness(_Core):  # numpydoc ignore=PR01
    """The workspace's freshness limit and the list of entries checked too long ago."""

    def stale_months(self) -> int:
        """After how many months an unchecked entry counts as out of date.

        Returns
        -------
        int
            The workspace's ``stale_months`` setting, else :data:`assetmap.settings.STALE_MONTHS`.
        """
        value = self.store.meta().get("stale_months")
        return int(value) if value and str(value).isdigit() else settings.STALE_MONTHS

    def set_stale_months(self, months: int, actor: ActorLike = None) -> None:
        """Set after how many months an unchecked entry counts as out of date (this workspace only).

        Parameters
        ----------
        months : int
            From 1 to 120.
        actor : Actor or str, optional
            Must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            ``stale_months_range``: not a whole number from 1 to 120.
        """
        policy.check_manage(self._actor(actor))
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
            raise InputError("stale_months_range", "fix_stale_months", months=months)
        with self._write():
            self.store.set_meta("stale_months", str(months))

    def today(self) -> date:
        """Today, as freshness counts it (UTC).

        Returns
        -------
        datetime.date
            Today.
        """
        return _today()

    def stale_entries(self, months: int | None = None, area: str | None = None, *,
                      actor: ActorLike = None) -> pd.DataFrame:
        """The entries nobody checked for more than ``months`` months, oldest first.

        Archived entries (stopped) are left out: they are kept as history, not as what is on offer.

        Parameters
        ----------
        months : int, optional
            The limit; default :meth:`stale_months`.
        area : str, optional
            A CBS code (gemeente, wijk or buurt): only the entries in it.
        actor : Actor or str, optional
            Must be a coordinator (the list holds every entry, private ones too).

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`STALE_COLUMNS`: ``area_code`` the buurt (else wijk) code,
            ``checked`` the day of the last check (None: never), ``days`` since then. Never
            checked first, then the oldest check first; within a day by area and building block.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            ``stale_months_range``: ``months`` is not from 1 to 120.
        """
        policy.check_manage(self._actor(actor))
        limit = self.stale_months() if months is None else months
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 120:
            raise InputError("stale_months_range", "fix_stale_months", months=limit)
        today = _today()
        frame = self.store.read("assets")
        boundaries = self.boundaries()
        names = dict(zip(boundaries["code"].astype(object), boundaries["name"].astype(object)))
        rows = []
        for record in frame.drop(columns=frame.geometry.name).astype(object).where(frame.notna(), None).to_dict("records"):
            if is_archived(record):
                continue
            if area and area not in (record.get("buurt_code"), record.get("wijk_code"), record.get("gemeente_code")):
                continue
            checked = checked_on(record.get("last_checked"), record.get("updated_at"), record.get("created_at"))
            if not is_stale(checked, today, limit):
                continue
            code = record.get("buurt_code") or record.get("wijk_code") or record.get("gemeente_code")
            rows.append({"id": record["id"], "name": record.get("name"), "building_block": record.get("building_block"),
                         "visibility": record.get("visibility"), "area_code": code, "area_name": names.get(code),
                         "checked": checked, "days": days_since(checked, today)})
        out = pd.DataFrame(rows, columns=list(STALE_COLUMNS))
        if len(out):
            order = out.assign(_never=out["checked"].isna(), _checked=out["checked"].fillna(""),
                               _area=out["area_name"].fillna(out["area_code"]).fillna(""))
            order = order.sort_values(["_never", "_checked", "_area", "building_block", "name"],
                                      ascending=[False, True, True, True, True], kind="stable")
            out = out.loc[order.index].reset_index(drop=True)
        return out.astype(object).where(out.notna(), None)

    def stale_since(self, months: int | None = None) -> date:
        """The first day that still counts as fresh today.

        Parameters
        ----------
        months : int, optional
            The limit; default :meth:`stale_months`.

        Returns
        -------
        datetime.date
            A check before this day is out of date.
        """
        return stale_before(_today(), self.stale_months() if months is None else months)
