"""Reports ("melden"): a visitor reports a public entry; enough reports hold it back until a coordinator decides.

Anyone may report an entry the public sees (:func:`assetmap.service.policy.may_report`), without an
account. A report keeps no identity: only a hash of a per-session random token (so one session
reports an entry once), an optional reason and the time. When the open reports of an entry reach
``settings.REPORTS_TO_HIDE`` (3, as Decidim), the entry is left out of every public output (the
service's public read, :meth:`_Core.reported_hidden`) until a coordinator decides: *keep* (the
reports are closed, the entry is public again) or *hide* (the entry becomes ``group``; its author
sees it as rejected, with the reason).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from assetmap.errors import InputError, Problem
from assetmap.layers.assets import now_iso
from assetmap.service import policy
from assetmap.service._plain import _jsonable
from assetmap.service.moderation import Moderation, _id_list, _reason, short_id
from assetmap.service.policy import ActorLike

__all__ = ["Reports"]

_MIN_TOKEN = 16


class Reports(Moderation):  # numpydoc ignore=PR01
    """Reporting a public entry, the list of reported entries, and the coordinator's decision."""

    def report(self, asset_id: str, token: str, reason: str | None = None, actor: ActorLike = None) -> bool:
        """Report a public entry, once per session.

        Parameters
        ----------
        asset_id : str
            An entry the public sees.
        token : str
            A random token of the visitor's session (at least 16 characters); only its hash is kept.
        reason : str, optional
            Why, in a few words (at most ``settings.REASON_MAX_LENGTH`` characters).
        actor : Actor or str, optional
            Who reports (default: the workspace's actor); never recorded.

        Returns
        -------
        bool
            True when the report was recorded; False when this session had reported the entry already.

        Raises
        ------
        PermissionDenied
            The actor may not report.
        InputError
            The entry is not public (or held back already), the token is too short, or the reason too long.
        """
        policy.check_report(self._actor(actor))
        reason = _reason(reason)
        if not isinstance(token, str) or len(token) < _MIN_TOKEN:
            raise ValueError("token must be a random text of at least 16 characters")
        token_hash = hashlib.sha256(f"{asset_id}\n{token}".encode()).hexdigest()
        with self._write():
            entry = self._stored_asset(asset_id)
            if entry is None or entry.get("visibility") != "public" or not entry.get("consent") \
                    or asset_id in self.reported_hidden():
                raise InputError("flag_not_public", "fix_flag_public", id=asset_id)
            if len(self.store.read("entry_reports", {"asset_id": asset_id, "token_hash": token_hash})):
                return False
            self.store.insert("entry_reports", pd.DataFrame([{
                "asset_id": asset_id, "token_hash": token_hash, "reason": reason, "at": now_iso(),
                "decision": None, "decided_by": None, "decided_at": None}], dtype=object))
            self._people_changed = True  # a server store's public views leave a held-back entry out
        return True

    def reported(self, actor: ActorLike = None) -> pd.DataFrame:
        """Entries with open reports, most reported first.

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks; must be allowed to decide (a coordinator).

        Returns
        -------
        pandas.DataFrame
            ``asset_id``, ``short_id``, ``name``, ``building_block``, ``description``, ``lon``,
            ``lat``, ``area``, ``added_by``, ``reports`` (open reports), ``reasons`` (their
            reasons, a list), ``hidden`` (held back from public output now) and ``last_at``.

        Raises
        ------
        PermissionDenied
            The actor may not decide on reports.
        """
        policy.check_decide_reports(self._actor(actor))
        columns = ["asset_id", "short_id", "name", "building_block", "description", "lon", "lat", "area",
                   "added_by", "reports", "reasons", "hidden", "last_at"]
        reports = self.store.read("entry_reports", {"decision": None})
        if reports.empty:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        stored = self.store.read("assets", {"id": list(reports["asset_id"].unique())})
        entries = self._plain_rows(stored)
        added_by = dict(zip(stored["id"], stored["added_by"]))
        held = self.reported_hidden()
        rows = []
        for asset_id, group in reports.groupby("asset_id", sort=False):
            if asset_id not in entries:
                continue
            reasons = [r for r in group["reason"] if isinstance(r, str) and r]
            rows.append({**entries[asset_id], "asset_id": asset_id, "short_id": short_id(asset_id),
                         "added_by": added_by.get(asset_id), "reports": len(group), "reasons": reasons,
                         "hidden": asset_id in held, "last_at": group["at"].max()})
        if not rows:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        out = self._with_context(pd.DataFrame(rows)).sort_values(["reports", "last_at"], ascending=False,
                                                                   kind="stable")
        return pd.DataFrame(out[columns]).reset_index(drop=True)

    def decide_reports(self, asset_ids, keep: bool, actor: ActorLike = None, *, reason: str | None = None) -> int:
        """Decide on reported entries, all in one transaction: keep them public, or hide them.

        *Keep* closes their open reports (the entries are public again; a session that reported
        cannot report the same entry again). *Hide* makes them ``group`` (recorded in the history as
        ``hide``), closes the reports and keeps a rejected request with the reason, so that their
        authors see why.

        Parameters
        ----------
        asset_ids : str or list of str
            The entries, as :meth:`reported` lists them.
        keep : bool
            True to keep them public, False to hide them.
        actor : Actor or str, optional
            Who decides; must be a coordinator.
        reason : str, optional
            For *hide*: why, for the authors.

        Returns
        -------
        int
            How many entries were decided.

        Raises
        ------
        PermissionDenied
            The actor may not decide on reports.
        InputError
            An entry has no open reports (nothing is decided then), or the reason is too long.
        """
        actor = self._actor(actor)
        policy.check_decide_reports(actor)
        ids = _id_list(asset_ids)
        reason = _reason(reason)
        with self._write():
            reports = self.store.read("entry_reports", {"asset_id": ids})
            open_ids = set(reports.loc[reports["decision"].isna().to_numpy(), "asset_id"])
            missing = [i for i in ids if i not in open_ids or self._stored_asset(i) is None]
            if missing:
                raise InputError([Problem("not_reported", "fix_reported_list", id=i) for i in missing])
            stamp = now_iso()
            decided = reports.astype(object).where(reports.notna(), None)
            decided = decided[decided["asset_id"].isin(ids) & decided["decision"].isna()].drop(columns="fid",
                                                                                             errors="ignore")
            self.store.delete("entry_reports", {"asset_id": ids, "decision": None})
            self.store.insert("entry_reports", decided.assign(decision="keep" if keep else "hide",
                                                              decided_by=actor.pseudonym, decided_at=stamp))
            self._people_changed = True
            if not keep:
                log, requests = [], []
                for asset_id in ids:
                    before = _jsonable(self._stored_asset(asset_id))
                    after = dict(before, visibility="group", updated_at=stamp)
                    self._put_state(after, update=True)
                    log.append((asset_id, "hide", before, after))
                    requests.append({"asset_id": asset_id, "requested_visibility": "public",
                                     "requested_consent": before.get("consent"),
                                     "requested_by": before.get("added_by"), "at": stamp})
                self._mark_rejected(ids, reason, actor.pseudonym, stamp, requests=requests)
                self._log(log, actor, stamp)
        return len(ids)
