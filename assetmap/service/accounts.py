"""Local accounts, sign-in and table codes: who gets which actor.

Passwords are kept only as argon2 hashes and table codes only as SHA-256 hashes. The clock is
:func:`_utcnow`, looked up here at call time (tests move it by replacing it in this module).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from assetmap import settings
from assetmap.errors import InputError, PermissionDenied, Problem
from assetmap.service import _throttle, audit, policy
from assetmap.service._core import _Core
from assetmap.service._identity import clean_form, name_key, reserved
from assetmap.service.policy import ACCOUNT_ROLES, Actor, ActorLike

__all__ = ["Accounts"]


class Accounts(_Core):  # numpydoc ignore=PR01
    """Local accounts (create, sign in, list, remove) and the table codes that let a workshop table in."""

    # ------------------------------------------------------------------ accounts and sign-in
    def create_account(self, name: str, password: str, role: str, actor: ActorLike = None) -> None:
        """Add a local account; its password is stored only as an argon2 hash.

        Parameters
        ----------
        name : str
            The account name, also the pseudonym its entries are recorded under. Surrounding spaces
            are dropped; names are unique regardless of case (``Anna`` and ``anna`` are one name).
        password : str
            At least :data:`assetmap.settings.PASSWORD_MIN_LENGTH` characters. Never stored, logged
            or put in an error.
        role : {'workshop', 'coordinator'}
            What the account may do once signed in (see :data:`ACCOUNT_ROLES`).
        actor : Actor or str, optional
            Who creates it (default: the workspace's actor); must be a coordinator.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            Every problem at once: the name is empty, too long or holds control characters, or an
            account of that name exists; the role is unknown; the password is empty, too short or
            too long.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        problems = []
        clean, fault = _clean_name(name)
        limit = settings.NAME_MAX_LENGTH
        if fault == "missing":
            problems.append(Problem("account_name_missing", "fix_account_name", max=limit))
        elif fault == "invalid":
            problems.append(Problem("account_name_invalid", "fix_account_name", name=clean[:limit], max=limit))
        elif reserved(clean, self._import_names(), roles=False):
            problems.append(Problem("name_reserved", "fix_other_account_name", name=clean))
        if not policy.is_account_role(role):
            problems.append(Problem("account_role_unknown", "fix_account_roles", role=role,
                                    roles=", ".join(ACCOUNT_ROLES)))
        problems += _password_problems(password)
        if problems:
            raise InputError(problems)
        hashed = _hasher().hash(password)  # slow on purpose: outside the write lock
        with self._write():
            if self._account(clean) is not None:
                raise InputError("account_exists", "fix_other_account_name", name=clean)
            if name_key(clean) in self._bound_pseudonyms():
                raise InputError("account_name_taken", "fix_other_account_name", name=clean)
            self.store.insert("accounts", pd.DataFrame([{
                "name": clean, "password_hash": hashed, "role": role, "failed_attempts": 0, "locked_until": None,
                "created_at": _iso(_utcnow()), "created_by": actor.pseudonym}]))

    def sign_in(self, name: str, password: str, *, client: str | None = None) -> Actor:
        """Check a name and password; gives the account's actor.

        A wrong name and a wrong password give the same error, after the same work (a password is
        checked against a stand-in hash when the name is unknown, and a failure writes nothing).
        Failures are counted per client (the ``client`` the face gives) and per name, known or
        not (see :mod:`assetmap.service._throttle`): after
        :data:`assetmap.settings.SIGN_IN_MAX_FAILURES` failures in a row for one name, that client
        may not try that name for :data:`assetmap.settings.SIGN_IN_LOCK_MINUTES` minutes, twice as
        long after each further lock; after :data:`assetmap.settings.CLIENT_MAX_FAILURES` failures
        for any names (or table codes) the client is locked for everything. The account itself is
        never locked: a stranger cannot keep its owner out. A success clears the failures of that
        client and name. The password is never stored, logged or put in an error.

        Parameters
        ----------
        name : str
            The account name (case, width and spacing do not matter).
        password : str
            The password.
        client : str, optional
            Who is trying, as the face knows them (an address or a session); None is one shared
            local client (a script).

        Returns
        -------
        Actor
            ``Actor(name, role)`` with the name as the account has it.

        Raises
        ------
        PermissionDenied
            ``sign_in_failed`` for an unknown name or a wrong password; ``sign_in_locked`` (with
            the ``minutes`` left) while this client is locked for this name, also on the failure
            that locks it, for a known and an unknown name alike.
        """
        name = name.strip() if isinstance(name, str) else ""
        password = password if isinstance(password, str) else ""
        now = _utcnow()
        who = _throttle.client_key(client)
        mine, everything = (self.location, "sign in", who, name_key(name)), (self.location, "client", who)
        until = _throttle.locked_until([mine, everything], now)
        if until is not None:
            audit.record("sign in", result="locked")
            raise PermissionDenied("sign_in_locked", minutes=_minutes_left(until, now))
        row = self._account(name) if name else None
        # As slow as a real check for an unknown name: the time tells nothing.
        right = _verify(_stand_in_hash() if row is None else row["password_hash"], password) and row is not None
        if not right:
            until = _throttle.fail([(mine, settings.SIGN_IN_MAX_FAILURES),
                                    (everything, settings.CLIENT_MAX_FAILURES)], now)
            if until is not None:
                audit.record("sign in", result="locked")
                raise PermissionDenied("sign_in_locked", minutes=_minutes_left(until, now))
            audit.record("sign in", result="refused")
            raise PermissionDenied("sign_in_failed", "fix_sign_in")
        _throttle.succeed(mine)
        if _hasher().check_needs_rehash(row["password_hash"]):
            with self._write():
                fresh = self._account(row["name"])
                if fresh is not None:
                    fresh["password_hash"] = _hasher().hash(password)
                    self.store.update("accounts", pd.DataFrame([fresh]), "name")
        audit.record("sign in", role=row["role"])
        return Actor(row["name"], row["role"])

    def accounts(self, actor: ActorLike = None) -> pd.DataFrame:
        """The local accounts, without their password hashes.

        Parameters
        ----------
        actor : Actor or str, optional
            Who asks (default: the workspace's actor); must be a coordinator.

        Returns
        -------
        pandas.DataFrame
            One row per account, in the order they were made: ``name``, ``role``,
            ``failed_attempts``, ``locked_until`` and ``created_at`` (ISO 8601 UTC, or None) and
            ``created_by``.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        """
        policy.check_manage(self._actor(actor))
        frame = self.store.read("accounts")
        return frame[[c for c in frame.columns if c != "password_hash"]].reset_index(drop=True)

    def remove_account(self, name: str, actor: ActorLike = None) -> None:
        """Remove a local account. The entries it added stay, under its name.

        Parameters
        ----------
        name : str
            The account name (case does not matter).
        actor : Actor or str, optional
            Who removes it (default: the workspace's actor); must be a coordinator, and not
            signed in with this account.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            No account has this name, or it is the actor's own account.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        name = name.strip() if isinstance(name, str) else ""
        with self._write():
            row = self._account(name) if name else None
            if row is None:
                raise InputError("account_missing", "fix_account_list", name=name)
            if actor.pseudonym and name_key(actor.pseudonym) == name_key(row["name"]):
                raise InputError("account_remove_self", "fix_other_coordinator", name=row["name"])
            self.store.delete("accounts", {"name": row["name"]})

    # ------------------------------------------------------------------ the first coordinator
    def needs_first_coordinator(self) -> bool:
        """Whether the workspace has no coordinator account yet (a hosted app then offers a setup code).

        Returns
        -------
        bool
            True when no local account has the ``coordinator`` role.
        """
        roles = self.store.read("accounts")["role"]
        return not any(policy.is_account_role(r) and policy.role_at_least(r, "coordinator") for r in roles)

    def issue_setup_code(self, hours: float = 24) -> str | None:
        """A one-time code with which the first coordinator account is made, for the server to print once.

        Only the server process calls this, at start-up, and prints the code to its own log: whoever
        reads that log runs the server. Only a hash of the code is stored, with its expiry; a new
        code replaces an earlier one. Once a coordinator account exists no code is given.

        Parameters
        ----------
        hours : float
            How long the code is valid (more than 0 and at most
            :data:`assetmap.settings.TABLE_CODE_MAX_HOURS`).

        Returns
        -------
        str or None
            The code (``XXXX-XXXX-XXXX``, letters and digits that cannot be mistaken for each
            other); None when the workspace already has a coordinator account.

        Raises
        ------
        InputError
            ``hours`` is not a number in the allowed range.
        """
        try:
            hours = float(hours)
        except (TypeError, ValueError):
            hours = math.nan
        if not 0 < hours <= settings.TABLE_CODE_MAX_HOURS:
            raise InputError("table_code_hours", "fix_table_code_hours", hours=hours, max=settings.TABLE_CODE_MAX_HOURS)
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
        code = f"{code[:4]}-{code[4:8]}-{code[8:]}"
        with self._write():
            if not self.needs_first_coordinator():
                return None
            self.store.set_meta(_SETUP_KEY, json.dumps({
                "hash": _setup_hash(code), "expires_at": _iso(_utcnow() + timedelta(hours=hours))}))
        return code

    def redeem_setup_code(self, code: str, name: str, password: str) -> Actor:
        """Make the first coordinator account with the one-time setup code; the code is gone afterwards.

        Parameters
        ----------
        code : str
            The code the server printed (case, spaces and dashes do not matter).
        name : str
            The new account's name (see :meth:`create_account`).
        password : str
            Its password (see :meth:`create_account`); stored only as an argon2 hash.

        Returns
        -------
        Actor
            ``Actor(name, "coordinator")``: the new coordinator, signed in.

        Raises
        ------
        PermissionDenied
            ``setup_code_invalid``: no code is waiting, it has expired or was used, it is wrong, or
            a coordinator account exists already.
        InputError
            The name or password is not valid, or an account of that name exists.
        """
        wanted = _setup_hash(code if isinstance(code, str) else "")
        pending = self._setup_code()
        if pending is None or not secrets.compare_digest(pending["hash"], wanted):
            raise PermissionDenied("setup_code_invalid", "fix_setup_code")
        coordinator = Actor(name.strip() if isinstance(name, str) else None, "coordinator")
        with self._write():
            pending = self._setup_code()  # fresh, under the lock: a second use in parallel finds it gone
            if pending is None or not secrets.compare_digest(pending["hash"], wanted) \
                    or not self.needs_first_coordinator():
                raise PermissionDenied("setup_code_invalid", "fix_setup_code")
            self.create_account(name, password, "coordinator", actor=coordinator)
            self.store.set_meta(_SETUP_KEY, "")
        return Actor(self._account(name.strip())["name"], "coordinator")

    def _setup_code(self) -> dict | None:
        """The waiting setup code (its hash and expiry), or None when none is valid now."""
        raw = self.store.meta().get(_SETUP_KEY)
        try:
            pending = json.loads(raw) if raw else None
        except ValueError:
            return None
        if not isinstance(pending, dict) or not pending.get("hash"):
            return None
        expires = _parse_time(pending.get("expires_at"))
        return pending if expires is not None and expires > _utcnow() else None

    # ------------------------------------------------------------------ table codes
    def issue_table_code(self, actor: ActorLike = None, hours: float = 8, *, table: str | None = None) -> str:
        """A new table code such as ``K7PW-4QXM``, with which one workshop table joins under one pseudonym.

        Only a hash of the code is stored, with its expiry; codes that have expired are dropped.
        The code uses letters and digits that cannot be mistaken for each other (no ``0``/``O``,
        ``1``/``I``/``L``); eight of 31 symbols (about 8.5·10¹¹ codes) keep guessing at redeem
        hopeless within a code's lifetime, while it stays short enough to read out to a table.
        A code belongs to one table: to the pseudonym it is first redeemed with, or to ``table``.

        Parameters
        ----------
        actor : Actor or str, optional
            Who issues it (default: the workspace's actor); must be a coordinator.
        hours : float
            How long the code is valid, more than 0 and at most
            :data:`assetmap.settings.TABLE_CODE_MAX_HOURS`.
        table : str, optional
            The pseudonym of the table the code is for: a table that comes back to its entries
            of an earlier session, or a table that lost its card (a second code for the same
            table). Not an account's name nor a reserved name.

        Returns
        -------
        str
            The code, four characters, a dash and four characters. It is shown only this once.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            ``hours`` is not a number in the allowed range, or ``table`` cannot be a table's pseudonym.
        """
        actor = self._actor(actor)
        policy.check_manage(actor)
        try:
            hours = float(hours)
        except (TypeError, ValueError):
            hours = math.nan
        if not 0 < hours <= settings.TABLE_CODE_MAX_HOURS:
            raise InputError("table_code_hours", "fix_table_code_hours", hours=hours, max=settings.TABLE_CODE_MAX_HOURS)
        now = _utcnow()
        with self._write():
            codes = self.store.read("table_codes")
            expired = [h for h, at in zip(codes["code_hash"], codes["expires_at"]) if _parse_time(at) <= now]
            if expired:
                self.store.delete("table_codes", {"code_hash": expired})
            bound = None
            if table is not None:
                bound = self._check_pseudonym(table, None, earlier_entries=False)
            while True:
                code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
                code = f"{code[:4]}-{code[4:]}"
                if not self.store.exists("table_codes", "code_hash", [_code_hash(code)]):
                    break
            self.store.insert("table_codes", pd.DataFrame([{
                "code_hash": _code_hash(code), "expires_at": _iso(now + timedelta(hours=hours)),
                "created_at": _iso(now), "created_by": actor.pseudonym, "pseudonym": bound}]))
        return code

    def redeem_table_code(self, code: str, pseudonym: str, *, client: str | None = None) -> Actor:
        """Join a workshop table: a valid table code and the table's pseudonym give a ``workshop`` actor.

        Case, spaces and dashes in the code do not matter. A code belongs to one table: the
        pseudonym it was issued for (:meth:`issue_table_code` with ``table``), else the one it is
        first redeemed with; after that it gives no other pseudonym. So a table joins again under
        its pseudonym and finds its own entries, and another table's code never makes anyone that
        table. Wrong codes are counted per client and pseudonym like failed sign-ins (see
        :meth:`sign_in`).

        Parameters
        ----------
        code : str
            A code from :meth:`issue_table_code`.
        pseudonym : str
            The name the table's entries are recorded under (surrounding spaces dropped; full-width
            letters made plain). At a code's first use it must be nobody's yet, case, width and
            spacing not counting: not an account's name, not the pseudonym of another valid code,
            not the author or an owner of entries made before, and not reserved (a role, an
            import's name such as ``OpenStreetMap``, an e-mail address).
        client : str, optional
            Who is trying, as the face knows them; None is one shared local client.

        Returns
        -------
        Actor
            ``Actor(pseudonym, "workshop")``, with the pseudonym as the code has it.

        Raises
        ------
        PermissionDenied
            ``table_code_invalid``: the code is unknown or has expired; ``table_code_locked``: too
            many wrong codes from this client; ``table_code_other_pseudonym``: the code belongs to
            another pseudonym.
        InputError
            The pseudonym is empty, too long, holds control characters, is reserved or is taken.
        """
        now = _utcnow()
        who = _throttle.client_key(client)
        everything = (self.location, "client", who)
        per_name = (self.location, "table code", who, name_key(pseudonym))
        until = _throttle.locked_until([everything, per_name], now)
        if until is not None:
            audit.record("table code", result="locked")
            raise PermissionDenied("table_code_locked", "fix_ask_table_code", minutes=_minutes_left(until, now))
        wanted = _code_hash(code if isinstance(code, str) else "")
        found = self.store.read("table_codes", {"code_hash": wanted})
        if found.empty or _parse_time(found["expires_at"].iloc[0]) <= now:
            until = _throttle.fail([(everything, settings.CLIENT_MAX_FAILURES),
                                    (per_name, settings.SIGN_IN_MAX_FAILURES)], now)
            audit.record("table code", result="locked" if until else "refused")
            if until is not None:
                raise PermissionDenied("table_code_locked", "fix_ask_table_code", minutes=_minutes_left(until, now))
            raise PermissionDenied("table_code_invalid", "fix_ask_table_code")
        with self._write():
            found = self.store.read("table_codes", {"code_hash": wanted})  # fresh: two first uses at once
            if found.empty:
                raise PermissionDenied("table_code_invalid", "fix_ask_table_code")
            row = found.astype(object).where(found.notna(), None).to_dict("records")[0]
            bound = row.get("pseudonym")
            if bound:
                clean, fault = _clean_name(pseudonym)
                if fault is not None or name_key(clean) != name_key(bound):
                    # Counts as a wrong guess: a found code does not make guessing its table's name free.
                    _throttle.fail([(everything, settings.CLIENT_MAX_FAILURES),
                                    (per_name, settings.SIGN_IN_MAX_FAILURES)], now)
                    audit.record("table code", result="refused")
                    raise PermissionDenied("table_code_other_pseudonym", "fix_table_code_pseudonym")
                joined = Actor(bound, "workshop")
            else:
                row["pseudonym"] = self._check_pseudonym(pseudonym, wanted, earlier_entries=True)
                self.store.update("table_codes", pd.DataFrame([row]), "code_hash")
                joined = Actor(row["pseudonym"], "workshop")
        audit.record("table code", role=joined.role)
        return joined

    def _check_pseudonym(self, pseudonym, code_hash: str | None, *, earlier_entries: bool) -> str:
        """A new table's pseudonym in its stored form, or InputError when it cannot be one: empty,
        too long, reserved, an account's, or (``earlier_entries``: a code's first use) another valid
        code's or the author or an owner of entries made before; case, width and spacing do not count."""
        clean, fault = _clean_name(pseudonym)
        limit = settings.NAME_MAX_LENGTH
        if fault == "missing":
            raise InputError("pseudonym_missing", "fix_pseudonym", max=limit)
        if fault == "invalid":
            raise InputError("pseudonym_invalid", "fix_pseudonym", name=clean[:limit], max=limit)
        key = name_key(clean)
        entries = self.store.read("assets")[["added_by", "owners", "source"]]
        authors = entries if earlier_entries else None
        imports = self._import_names(entries)
        if reserved(clean, imports):
            raise InputError("name_reserved", "fix_other_pseudonym", name=clean)
        # At a first use, also no valid code's table; a coordinator may issue a second code for a table.
        taken = self._account(clean) is not None or (earlier_entries and key in self._bound_pseudonyms(but=code_hash))
        if not taken and authors is not None and len(authors):
            owners = [o for cell in authors["owners"].dropna() for o in str(cell).split(";")]
            taken = key in {name_key(a) for a in [*authors["added_by"].dropna(), *owners]}
        if taken:
            raise InputError("pseudonym_taken", "fix_other_pseudonym", name=clean)
        return clean

    def _bound_pseudonyms(self, but: str | None = None) -> set[str]:
        """The pseudonyms (as :func:`~assetmap.service._identity.name_key`) valid table codes belong to."""
        codes = self.store.read("table_codes")
        now = _utcnow()
        return {name_key(p) for h, p, at in zip(codes["code_hash"], codes["pseudonym"], codes["expires_at"])
                if isinstance(p, str) and p and h != but and _parse_time(at) > now}

    def _account(self, name: str) -> dict | None:
        """The stored account of this name, case, width and spacing not counting (hash included: never
        for an actor's eyes)."""
        frame = self.store.read("accounts")
        wanted = name_key(name)
        for record in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if name_key(record["name"]) == wanted:
                return record
        return None

    def _import_names(self, entries: pd.DataFrame | None = None) -> set[str]:
        """The names imports and sources record entries under (``OpenStreetMap``): no table or account
        may take them. ``entries``: the assets' ``added_by`` and ``source``, when read already."""
        names = {n for n in self.store.read("sources")["name"].dropna() if isinstance(n, str)}
        entries = self.store.read("assets")[["added_by", "source"]] if entries is None else entries
        imported = entries[(entries["source"].fillna("") != "workshop").to_numpy()]["added_by"].dropna()
        return names | {n for n in imported if isinstance(n, str)}


# ---------------------------------------------------------------------- access helpers
#: Letters and digits of table codes: none that can be mistaken for another (0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended parameters (RFC 9106 low-memory profile)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash of a random secret: an unknown name is checked against it, as slowly as a real one."""
    return _hasher().hash(secrets.token_urlsafe(24))


def _verify(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``; False, never an error, for anything else."""
    try:
        return _hasher().verify(hashed, password)
    except (Argon2Error, InvalidHashError, TypeError, ValueError):
        return False


#: The workspace metadata key of the waiting setup code (its hash and expiry, as JSON).
_SETUP_KEY = "setup_code"


def _setup_hash(code: str) -> str:
    """The stored form of a setup code: case, spaces and dashes do not count."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"assetmap setup code:{normal}".encode()).hexdigest()


def _code_hash(code: str) -> str:
    """The stored form of a table code: case, spaces and dashes do not count."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"assetmap table code:{normal}".encode()).hexdigest()


def _utcnow() -> datetime:
    """Now, in UTC (tests move the clock by replacing this function)."""
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    """A UTC time as the workspace stores it (ISO 8601 with milliseconds and ``Z``)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(value) -> datetime | None:
    """A stored time back as an aware UTC datetime; None for an empty value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value):
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _minutes_left(until: datetime, now: datetime) -> int:
    """Whole minutes until ``until``, rounded up, at least 1."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _clean_name(value) -> tuple[str, str | None]:
    """A name or pseudonym in its stored form (NFKC, spaces collapsed), and what is wrong with it:
    None, ``missing`` (empty) or ``invalid`` (too long, or holding control characters)."""
    if isinstance(value, str) and any(unicodedata.category(ch).startswith("C") for ch in value.strip()):
        return value.strip(), "invalid"  # checked before spaces are collapsed: a tab is no space here
    clean = clean_form(value) if isinstance(value, str) else ""
    if not clean:
        return clean, "missing"
    if len(clean) > settings.NAME_MAX_LENGTH or any(unicodedata.category(ch).startswith("C") for ch in clean):
        return clean, "invalid"
    return clean, None


def _password_problems(password) -> list[Problem]:
    """What is wrong with a new password (its text is never put in a problem)."""
    shortest, longest = settings.PASSWORD_MIN_LENGTH, settings.PASSWORD_MAX_LENGTH
    if not isinstance(password, str) or not password:
        return [Problem("password_empty", "fix_password_length", min=shortest)]
    if len(password) < shortest:
        return [Problem("password_too_short", "fix_password_length", min=shortest)]
    if len(password) > longest:
        return [Problem("password_too_long", "fix_password_max", max=longest)]
    return []
