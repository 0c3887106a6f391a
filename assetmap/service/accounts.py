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
from assetmap.service import audit, policy
from assetmap.service._core import _Core
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
            self.store.insert("accounts", pd.DataFrame([{
                "name": clean, "password_hash": hashed, "role": role, "failed_attempts": 0, "locked_until": None,
                "created_at": _iso(_utcnow()), "created_by": actor.pseudonym}]))

    def sign_in(self, name: str, password: str) -> Actor:
        """Check a name and password; gives the account's actor.

        A wrong name and a wrong password give the same error, after the same work (a password is
        checked against a stand-in hash when the name is unknown). After
        :data:`assetmap.settings.SIGN_IN_MAX_FAILURES` failures in a row the account is locked for
        :data:`assetmap.settings.SIGN_IN_LOCK_MINUTES` minutes, whatever password is given; after
        that it has as many tries again. A success clears the failures. The password is never
        stored, logged or put in an error.

        Parameters
        ----------
        name : str
            The account name (case does not matter).
        password : str
            The password.

        Returns
        -------
        Actor
            ``Actor(name, role)`` with the name as the account has it.

        Raises
        ------
        PermissionDenied
            ``sign_in_failed`` for an unknown name or a wrong password; ``sign_in_locked`` (with
            the ``minutes`` left) while the account is locked, also on the failure that locks it.
        """
        name = name.strip() if isinstance(name, str) else ""
        password = password if isinstance(password, str) else ""
        row = self._account(name) if name else None
        now = _utcnow()
        if row is None:
            _verify(_stand_in_hash(), password)  # as slow as a real check: the time tells nothing
            audit.record("sign in", result="refused")
            raise PermissionDenied("sign_in_failed", "fix_sign_in")
        locked = _parse_time(row["locked_until"])
        if locked is not None and locked > now:
            audit.record("sign in", result="locked")
            raise PermissionDenied("sign_in_locked", minutes=_minutes_left(locked, now))
        right = _verify(row["password_hash"], password)  # slow on purpose: outside the write lock
        with self._write():
            row = self._account(row["name"])  # fresh: another table may have signed in meanwhile
            if row is None:
                raise PermissionDenied("sign_in_failed", "fix_sign_in")
            locked = _parse_time(row["locked_until"])
            if locked is not None and locked > now:  # locked by a failure meanwhile
                lock_until = locked
            elif right:
                lock_until = None
                rehash = _hasher().check_needs_rehash(row["password_hash"])
                if rehash or row["failed_attempts"] or locked is not None:
                    if rehash:
                        row["password_hash"] = _hasher().hash(password)
                    row.update(failed_attempts=0, locked_until=None)
                    self.store.update("accounts", pd.DataFrame([row]), "name")
            else:
                # A lock that has run out starts a new count.
                failures = (0 if locked is not None else int(row["failed_attempts"] or 0)) + 1
                lock_until = None
                if failures >= settings.SIGN_IN_MAX_FAILURES:
                    lock_until, failures = now + timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES), 0
                row.update(failed_attempts=failures, locked_until=None if lock_until is None else _iso(lock_until))
                self.store.update("accounts", pd.DataFrame([row]), "name")
        if lock_until is not None:
            audit.record("sign in", result="locked")
            raise PermissionDenied("sign_in_locked", minutes=_minutes_left(lock_until, now))
        if not right:
            audit.record("sign in", result="refused")
            raise PermissionDenied("sign_in_failed", "fix_sign_in")
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
            if actor.pseudonym and actor.pseudonym.casefold() == row["name"].casefold():
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
    def issue_table_code(self, actor: ActorLike = None, hours: float = 8) -> str:
        """A new table code such as ``K7PW-4QXM``, with which a workshop table joins under a pseudonym.

        Only a hash of the code is stored, with its expiry; codes that have expired are dropped.
        The code uses letters and digits that cannot be mistaken for each other (no ``0``/``O``,
        ``1``/``I``/``L``); eight of 31 symbols (about 8.5·10¹¹ codes) keep guessing at redeem
        hopeless within a code's lifetime, while it stays short enough to read out to a table.

        Parameters
        ----------
        actor : Actor or str, optional
            Who issues it (default: the workspace's actor); must be a coordinator.
        hours : float
            How long the code is valid, more than 0 and at most
            :data:`assetmap.settings.TABLE_CODE_MAX_HOURS`.

        Returns
        -------
        str
            The code, four characters, a dash and four characters. It is shown only this once.

        Raises
        ------
        PermissionDenied
            The actor is not a ``coordinator``.
        InputError
            ``hours`` is not a number in the allowed range.
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
            while True:
                code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
                code = f"{code[:4]}-{code[4:]}"
                if not self.store.exists("table_codes", "code_hash", [_code_hash(code)]):
                    break
            self.store.insert("table_codes", pd.DataFrame([{
                "code_hash": _code_hash(code), "expires_at": _iso(now + timedelta(hours=hours)),
                "created_at": _iso(now), "created_by": actor.pseudonym}]))
        return code

    def redeem_table_code(self, code: str, pseudonym: str) -> Actor:
        """Join a workshop table: a valid table code and a pseudonym give a ``workshop`` actor.

        Case, spaces and dashes in the code do not matter. The code stays valid until it expires,
        so a participant can join again under the same pseudonym and find their own entries.

        Parameters
        ----------
        code : str
            A code from :meth:`issue_table_code`.
        pseudonym : str
            The name the participant's entries are recorded under (surrounding spaces dropped). It
            may not be the name of a local account, nor the name an import records its entries
            under (``OpenStreetMap``).

        Returns
        -------
        Actor
            ``Actor(pseudonym, "workshop")``.

        Raises
        ------
        PermissionDenied
            ``table_code_invalid``: the code is unknown or has expired.
        InputError
            The pseudonym is empty, too long, holds control characters or is taken.
        """
        found = self.store.read("table_codes", {"code_hash": _code_hash(code if isinstance(code, str) else "")})
        if found.empty or _parse_time(found["expires_at"].iloc[0]) <= _utcnow():
            audit.record("table code", result="refused")
            raise PermissionDenied("table_code_invalid", "fix_ask_table_code")
        clean, fault = _clean_name(pseudonym)
        limit = settings.NAME_MAX_LENGTH
        if fault == "missing":
            raise InputError("pseudonym_missing", "fix_pseudonym", max=limit)
        if fault == "invalid":
            raise InputError("pseudonym_invalid", "fix_pseudonym", name=clean[:limit], max=limit)
        if self._account(clean) is not None or self._imported_under(clean):
            raise InputError("pseudonym_taken", "fix_other_pseudonym", name=clean)
        joined = Actor(clean, "workshop")
        audit.record("table code", role=joined.role)
        return joined

    def _account(self, name: str) -> dict | None:
        """The stored account of this name, case not counting (hash included: never for an actor's eyes)."""
        frame = self.store.read("accounts")
        wanted = name.casefold()
        for record in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if record["name"].casefold() == wanted:
                return record
        return None

    def _imported_under(self, pseudonym: str) -> bool:
        """Whether an import records entries under this name (``OpenStreetMap``): no participant may own them."""
        if not self.store.exists("assets", "added_by", [pseudonym]):
            return False
        sources = self.store.read("assets", {"added_by": pseudonym})["source"]
        return bool((sources.fillna("") != "workshop").any())


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
    """A name or pseudonym without surrounding spaces, and what is wrong with it: None,
    ``missing`` (empty) or ``invalid`` (too long, or holding control characters)."""
    clean = value.strip() if isinstance(value, str) else ""
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
