"""Personal data that expires, the rights of access and erasure, and the coordinator's status panel.

- **Retention** (data minimisation, as OpenStad anonymises inactive users on a schedule): a
  workspace keeps a participant's pseudonym for :data:`assetmap.settings.RETENTION_MONTHS` months
  (per workspace: :meth:`Retention.set_retention`) after their last edit; then
  :meth:`Retention.apply_retention` removes it from their entries, activities, links, the queue and
  the history (before and after states too). Expired table codes are deleted. Account holders and the
  names imports record their entries under (``OpenStreetMap``) are not participants' pseudonyms and stay.
- **Erasure**: :meth:`Retention.forget` deletes a person's private entries (with their history)
  and anonymises their pseudonym everywhere else.
- **Access**: :meth:`Retention.my_data` gives what is stored about a pseudonym, without any hash and
  without other people's data.

Only a coordinator may do any of this (asked of :mod:`assetmap.service.policy`). Each is written to
the structured log (:mod:`assetmap.service.audit`) as an action with counts, never with the pseudonym.
An anonymised entry has no author (``added_by`` empty): only a coordinator may change it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
import pandas as pd
import shapely

from assetmap import settings
from assetmap.errors import InputError
from assetmap.layers.assets import now_iso
from assetmap.layers.initiatives import join_list, split_list
from assetmap.service import audit, policy
from assetmap.service._core import _Core
from assetmap.service.policy import ActorLike

__all__ = ["Retention"]

#: Fields of a stored state or row that hold a pseudonym.
_PSEUDONYM_KEYS = ("added_by", "owners", "requested_by", "created_by", "actor")


class Retention(_Core):  # numpydoc ignore=PR01
    """Retention of pseudonyms, erasure, the right of access, and the status of a hosted workspace."""

    # ------------------------------------------------------------------ settings
    def retention_months(self) -> int:
        """How many months a participant's pseudonym is kept after their last edit.

        Returns
        -------
        int
            The workspace's ``retention_months`` setting, else :data:`assetmap.settings.RETENTION_MONTHS`.
        """
        value = self.store.meta().get("retention_months")
        return int(value) if value and str(value).isdigit() else settings.RETENTION_MONTHS

    def set_retention(self, months: int, actor: ActorLike = None) -> None:
        """Set how many months pseudonyms are kept after their last edit (this workspace only).

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
            ``retention_months_range``: not a whole number from 1 to 120.
        """
        policy.check_manage(self._actor(actor))
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
            raise InputError("retention_months_range", "fix_retention_months", months=months)
        with self._write():
            self.store.set_meta("retention_months", str(months))

    # ------------------------------------------------------------------ retention
    def apply_retention(self, actor: ActorLike = None, *, dry_run: bool = False, now: datetime | None = None
                        ) -> dict[str, int]:
        """Anonymise the pseudonyms whose last edit is older than the retention; delete expired table codes.

        Parameters
        ----------
        actor : Actor or str, optional
            Must be a coordinator.
        dry_run : bool
            Count what would change and change nothing.
        now : datetime, optional
            The moment to measure from (default: now, UTC).

        Returns
        -------
        dict of str to int
            ``pseudonyms`` anonymised, ``entries``, ``history`` rows and ``activities`` touched,
            ``table_codes`` deleted, and the ``months`` applied.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        now = now or datetime.now(timezone.utc)
        months = self.retention_months()
        cutoff = _iso(now - timedelta(days=round(months * 30.44)))
        with self._write():
            last = self._last_edits()
            expired = sorted(p for p, at in last.items() if at < cutoff)
            report = self._anonymise(expired, dry_run=dry_run)
            codes = self.store.read("table_codes")
            old = [h for h, at in zip(codes["code_hash"], codes["expires_at"]) if str(at) <= _iso(now)]
            if old and not dry_run:
                self.store.delete("table_codes", {"code_hash": old})
            if not dry_run:
                self.store.set_meta("last_retention", now_iso())
        report.update(pseudonyms=len(expired), table_codes=len(old), months=months)
        audit.record("retention", role=actor.role, result="dry run" if dry_run else "ok",
                     count=report["entries"] + report["history"])
        return report

    # ------------------------------------------------------------------ erasure and access
    def forget(self, pseudonym: str, actor: ActorLike = None, *, dry_run: bool = False) -> dict[str, int]:
        """The right to erasure: delete a person's private entries, anonymise their pseudonym elsewhere.

        Their private entries go with their links, activities, photos, place in the queue and history rows.
        Their public and group entries stay (a buurt's map keeps its places), without their name, and
        their name leaves every history row and every list of owners.

        Parameters
        ----------
        pseudonym : str
            The participant's pseudonym (exactly as recorded).
        actor : Actor or str, optional
            Must be a coordinator.
        dry_run : bool
            Count what would change and change nothing.

        Returns
        -------
        dict of str to int
            ``deleted`` private entries, ``entries`` anonymised, ``history`` rows anonymised or deleted,
            ``activities`` touched.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        InputError
            ``forget_unknown`` when nothing is stored under the pseudonym; ``forget_account`` when it
            is a local account's name (remove the account first).
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        name = pseudonym.strip() if isinstance(pseudonym, str) else ""
        with self._write():
            if name.casefold() in {n.casefold() for n in self.store.read("accounts")["name"]}:
                raise InputError("forget_account", "fix_forget_account", name=name)
            if name not in self._last_edits():
                raise InputError("forget_unknown", "fix_forget_pseudonym", name=name)
            assets = self.store.read("assets", {"added_by": name})
            private = list(assets.loc[(assets["visibility"] == "private").fillna(False).to_numpy(), "id"])
            history_rows = len(self.store.read("history", {"asset_id": private})) if private else 0
            if private and not dry_run:
                for column in ("from_asset_id", "to_asset_id"):
                    self.store.delete("links", {column: private})
                self.store.delete("activities", {"asset_id": private})
                self.store.delete("moderation_queue", {"asset_id": private})
                self.store.delete("photos", {"asset_id": private})
                self.store.delete("history", {"asset_id": private})
                self.store.delete("assets", {"id": private})
                self._people_changed = True
            report = self._anonymise([name], dry_run=dry_run, skip=set(private) if dry_run else set())
        report["deleted"] = len(private)
        report["history"] += history_rows
        audit.record("forget", role=actor.role, result="dry run" if dry_run else "ok",
                     count=report["deleted"] + report["entries"])
        return report

    def my_data(self, pseudonym: str, actor: ActorLike = None) -> dict:
        """The right of access: what the workspace stores about a pseudonym, as plain JSON-able values.

        Parameters
        ----------
        pseudonym : str
            The participant's pseudonym (or a local account's name).
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        dict
            ``pseudonym``, ``exported_at``, ``retention_months``, ``entries`` (every field of the
            entries they added or own, geometry as WKT), ``activities`` they added, ``history`` (the
            changes they made: entry id, action and time), ``waiting`` (their entries in the
            moderation queue), ``account`` (name, role, created and lock, never the password hash) and
            ``table_codes`` they issued (created and expiry, never the code or its hash) and
            ``photos`` they added (caption, credit, status, checksums; not the image bytes).

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        name = pseudonym.strip() if isinstance(pseudonym, str) else ""
        assets = self.store.read("assets")
        mine = [(isinstance(a, str) and a == name) or name in split_list(o)
                for a, o in zip(assets["added_by"], assets["owners"])]
        entries = assets[mine].drop(columns="version", errors="ignore")
        wkt = shapely.to_wkt(entries.geometry.to_numpy(), rounding_precision=-1) if len(entries) else []
        entries = _plain(pd.DataFrame(entries.drop(columns="geometry")).assign(geometry_wkt=list(wkt)))
        history = self.store.read("history", {"actor": name}, with_fid=True)
        accounts = self.store.read("accounts")
        account = accounts[accounts["name"].str.casefold() == name.casefold()].drop(columns="password_hash")
        codes = self.store.read("table_codes", {"created_by": name}).drop(columns="code_hash")
        payload = {
            "pseudonym": name, "exported_at": now_iso(), "retention_months": self.retention_months(),
            "entries": entries,
            "activities": _plain(self.store.read("activities", {"added_by": name})),
            "history": _plain(history[["fid", "asset_id", "action", "at"]]),
            "waiting": _plain(self.store.read("moderation_queue", {"requested_by": name})),
            # Their photos as stored, without the image bytes (the entry's owner sees those in the app).
            "photos": _plain(self.store.read("photos", {"added_by": name}).drop(columns=["image", "thumbnail"])),
            "account": (_plain(account) or [None])[0],
            "table_codes": _plain(codes),
        }
        audit.record("my data", role=actor.role, count=len(payload["entries"]) + len(payload["history"]))
        return payload

    # ------------------------------------------------------------------ status
    def status(self, actor: ActorLike = None) -> dict:
        """What a coordinator of a hosted workspace checks: counts, the last backup, publish and retention.

        Parameters
        ----------
        actor : Actor or str, optional
            Must be a coordinator.

        Returns
        -------
        dict
            ``entries`` (rows in ``assets``), ``waiting`` (moderation queue), ``accounts``,
            ``table_codes`` (valid now), ``history`` rows, ``retention_months``, and the times (ISO
            8601 UTC, or None) ``last_backup``, ``last_publish``, ``last_retention``.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        """
        policy.check_manage(self._actor(actor))
        meta = self.store.meta()
        codes = self.store.read("table_codes")
        now = _iso(datetime.now(timezone.utc))
        return {
            "entries": self.store.count("assets"), "waiting": len(self.store.read("moderation_queue")),
            "accounts": len(self.store.read("accounts")),
            "table_codes": int(sum(str(at) > now for at in codes["expires_at"])),
            "history": len(self.store.read("history")), "retention_months": self.retention_months(),
            "last_backup": meta.get("last_backup"), "last_publish": meta.get("last_publish"),
            "last_retention": meta.get("last_retention"),
        }

    def note_event(self, event: str, actor: ActorLike = None) -> None:
        """Record the time of a backup or a publication, for :meth:`status`.

        Parameters
        ----------
        event : {'backup', 'publish'}
            What was done just now.
        actor : Actor or str, optional
            Must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a coordinator.
        ValueError
            ``event`` is neither.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        if event not in ("backup", "publish"):
            raise ValueError(f"event must be 'backup' or 'publish', not {event!r}")
        with self._write():
            self.store.set_meta(f"last_{event}", now_iso())
        audit.record(event, role=actor.role, store=type(self.store).__name__.removesuffix("Store").lower())

    # ------------------------------------------------------------------ inner steps
    def _last_edits(self) -> dict[str, str]:
        """Participants' pseudonyms -> the time of their last edit (ISO 8601 UTC), accounts and imports left out."""
        history = self.store.read("history")
        last: dict[str, str] = {}
        for who, at in zip(history["actor"], history["at"]):
            if isinstance(who, str) and who and (who not in last or str(at) > last[who]):
                last[who] = str(at)
        assets = self.store.read("assets")
        imports = set(assets.loc[(assets["source"].fillna("") != "workshop").to_numpy(), "added_by"].dropna())
        # Someone else's later edit of an entry is not this person's activity: an author or owner
        # without any change of their own in the history counts from when the entry was made.
        seen = set(last)
        for who, owners, at in zip(assets["added_by"], assets["owners"], assets["created_at"].fillna("")):
            for name in [who, *split_list(owners)]:
                if isinstance(name, str) and name and name not in seen and (name not in last or str(at) > last[name]):
                    last[name] = str(at)
        for table, column in (("activities", "added_by"), ("moderation_queue", "requested_by"), ("photos", "added_by")):
            frame = self.store.read(table)
            time = next((c for c in ("created_at", "added_at", "at") if c in frame.columns), "at")
            for who, at in zip(frame[column], frame[time].fillna("") if time in frame.columns else [""] * len(frame)):
                if isinstance(who, str) and who and (who not in last or str(at) > last[who]):
                    last[who] = str(at)
        accounts = {n.casefold() for n in self.store.read("accounts")["name"]}
        return {p: at for p, at in last.items() if p.casefold() not in accounts and p not in imports}

    def _anonymise(self, names: list[str], *, dry_run: bool, skip: set | None = None) -> dict[str, int]:
        """Take ``names`` out of entries, activities, links, the queue and the history; counts what changed."""
        report = {"entries": 0, "history": 0, "activities": 0}
        if not names:
            return report
        gone, skip = set(names), skip or set()
        assets = self.store.read("assets")
        touched = [i for i, (a, o) in enumerate(zip(assets["added_by"], assets["owners"]))
                   if assets["id"].iloc[i] not in skip and ((isinstance(a, str) and a in gone)
                                                            or gone & set(split_list(o)))]
        report["entries"] = len(touched)
        if touched and not dry_run:
            rows = assets.iloc[touched].copy()
            rows["added_by"] = [None if isinstance(a, str) and a in gone else a for a in rows["added_by"]]
            rows["owners"] = [join_list([p for p in split_list(o) if p not in gone]) for o in rows["owners"]]
            self.store.update("assets", rows, "id")
            self._people_changed = True
        history = self.store.read("history", with_fid=True)
        history = history.astype(object).where(history.notna(), None)
        changed = []
        for index, row in enumerate(history.itertuples(index=False)):
            if row.asset_id in skip:
                continue
            new = {"actor": None if row.actor in gone else row.actor,
                   "before": _scrub_json(row.before, gone), "after": _scrub_json(row.after, gone)}
            if new["actor"] != row.actor or new["before"] != row.before or new["after"] != row.after:
                changed.append((index, new))
        report["history"] = len(changed)
        if changed and not dry_run:
            rows = history.iloc[[i for i, _ in changed]].copy()
            for column in ("actor", "before", "after"):
                rows[column] = [new[column] for _, new in changed]
            self.store.delete("history", {"fid": [int(f) for f in rows["fid"]]})
            self.store.insert("history", rows, keep_fid=True)
        for table, column, key in (("activities", "added_by", "id"), ("links", "added_by", "id"),
                                   ("moderation_queue", "requested_by", "asset_id"), ("photos", "added_by", "id"),
                                   ("photos", "decided_by", "id")):
            frame = self.store.read(table)
            hit = frame[frame[column].isin(gone).to_numpy()] if len(frame) else frame
            if table == "activities":
                report["activities"] = len(hit)
            if len(hit) and not dry_run:
                self.store.update(table, hit.assign(**{column: None}), key)
        return report


def _scrub_json(text, gone: set) -> str | None:
    """A history state (JSON text) with every pseudonym of ``gone`` taken out; the same text when none is in it."""
    if not isinstance(text, str) or not any(name in text for name in gone):
        return text
    state = orjson.loads(text)
    return orjson.dumps(_scrub(state, gone)).decode()


def _scrub(value, gone: set):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _PSEUDONYM_KEYS and key == "owners" and isinstance(item, str):
                out[key] = join_list([p for p in split_list(item) if p not in gone])
            elif key in _PSEUDONYM_KEYS and item in gone:
                out[key] = None
            else:
                out[key] = _scrub(item, gone)
        return out
    if isinstance(value, list):
        return [_scrub(item, gone) for item in value]
    return value


def _plain(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-able records (missing values as None, numpy scalars as Python values)."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in records]


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
