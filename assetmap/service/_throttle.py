"""Slowing down guesses: failed sign-ins and wrong table codes, counted per client and per name.

Process-wide (one Streamlit server is one process), so the state is kept here, in memory, and not in
the workspace: a failure writes nothing, so a wrong guess for a name that exists takes as long as
one for a name that does not. A lock is always of one *client* (the key the face gives: an address
or a session): for one name after :data:`assetmap.settings.SIGN_IN_MAX_FAILURES` failures, for
everything after :data:`assetmap.settings.CLIENT_MAX_FAILURES`. Each further lock of the same key
lasts twice as long, up to :data:`assetmap.settings.SIGN_IN_LOCK_MAX_MINUTES`. A stranger can lock
only themselves out, never a coordinator on another client.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from assetmap import settings

__all__: list[str] = []

#: The client of a call that names none (a script, the CLI): one shared client.
LOCAL_CLIENT = "local"
#: Keys kept before the ones that are not locked and have no recent failure are forgotten (so that
#: many clients cannot make the state grow without end).
_KEEP = 10_000


@dataclass
class _Count:
    failures: int = 0
    locks: int = 0
    until: datetime | None = None
    last: datetime | None = None


_STATE: dict[tuple, _Count] = {}
_MUTEX = threading.Lock()


def client_key(client) -> str:
    """The client as a key: the text the face gives, or :data:`LOCAL_CLIENT`.

    Parameters
    ----------
    client : str or None
        An address or session, as the face knows it.

    Returns
    -------
    str
        The key.
    """
    return client.strip() if isinstance(client, str) and client.strip() else LOCAL_CLIENT


def locked_until(keys: list[tuple], now: datetime) -> datetime | None:
    """The latest time any of ``keys`` is locked until, or None when none is locked now.

    Parameters
    ----------
    keys : list of tuple
        The keys to look at (a client with a name, a client alone).
    now : datetime
        The time now.

    Returns
    -------
    datetime or None
        Until when.
    """
    with _MUTEX:
        times = [c.until for c in (_STATE.get(k) for k in keys) if c is not None and c.until and c.until > now]
    return max(times) if times else None


def fail(limits: list[tuple[tuple, int]], now: datetime) -> datetime | None:
    """Count a failure for each ``(key, limit)``; gives until when a key is locked now (else None).

    Parameters
    ----------
    limits : list of (tuple, int)
        Each key with the failures in a row after which it is locked.
    now : datetime
        The time now.

    Returns
    -------
    datetime or None
        Until when the longest lock of these keys lasts, when one is locked now.
    """
    longest = timedelta(minutes=settings.SIGN_IN_LOCK_MAX_MINUTES)
    with _MUTEX:
        if len(_STATE) > _KEEP:
            stale = now - timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)
            for key in [k for k, c in _STATE.items() if (c.until is None or c.until <= now)
                        and (c.failures == 0 or c.last is None or c.last < stale)]:
                del _STATE[key]
        locked = []
        for key, limit in limits:
            count = _STATE.setdefault(key, _Count())
            if count.last is not None and now - count.last > longest:
                count.locks = 0  # quiet for a day: the back-off starts again
            if count.until is not None and count.until <= now:
                count.until = None  # a lock that ran out starts a new count
            count.last = now
            count.failures += 1
            if count.failures >= max(1, int(limit)):
                count.locks += 1
                minutes = settings.SIGN_IN_LOCK_MINUTES * 2 ** min(count.locks - 1, 20)
                count.until = now + min(timedelta(minutes=minutes), longest)
                count.failures = 0
            if count.until is not None and count.until > now:
                locked.append(count.until)
    return max(locked) if locked else None


def succeed(key: tuple) -> None:
    """Forget the failures and locks of ``key`` (a client's own name, after its right password).

    Parameters
    ----------
    key : tuple
        The key.
    """
    with _MUTEX:
        _STATE.pop(key, None)
