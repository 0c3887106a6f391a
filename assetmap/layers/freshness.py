"""How fresh an entry is: the day it was last checked, and whether that is too long ago.

An entry is checked when someone says it is still right ("klopt nog": ``last_checked``) and by
every edit (the service stamps ``last_checked`` then). An entry stored without ``last_checked``
counts from when it last changed, else from when it was added. Too long ago means more months than the
workspace's limit (:data:`assetmap.settings.STALE_MONTHS` by default): such an entry is shown as
not checked, never hidden.
"""

from __future__ import annotations

from datetime import date

__all__ = ["checked_on", "stale_before", "is_stale", "days_since"]


def _day(value) -> str | None:
    """The ``YYYY-MM-DD`` of a stored day or time; None for an empty or unreadable value."""
    if value is None or not isinstance(value, str):
        return None
    text = value.strip()[:10]
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def checked_on(last_checked=None, updated_at=None, created_at=None) -> str | None:
    """The day an entry was last checked: its ``last_checked``; for an entry stored before that was
    kept, the day it last changed, else the day it was added.

    Every edit through the service stamps ``last_checked``, and a day given explicitly (a workshop
    file's "laatst gecontroleerd", a coordinator's correction) stands as given.

    Parameters
    ----------
    last_checked, updated_at, created_at : str or None
        The entry's stored values (ISO 8601 days or times).

    Returns
    -------
    str or None
        ``YYYY-MM-DD``; None when none of the three holds a day.

    Examples
    --------
    >>> checked_on("2025-01-02", "2026-03-04T10:00:00.000Z")
    '2025-01-02'
    >>> checked_on(None, "2026-03-04T10:00:00.000Z", "2024-05-06T08:00:00Z")
    '2026-03-04'
    >>> checked_on(None, None, "2024-05-06T08:00:00Z")
    '2024-05-06'
    """
    return _day(last_checked) or _day(updated_at) or _day(created_at)


def stale_before(today: date, months: int) -> date:
    """The first day that still counts as fresh: ``today`` less ``months`` calendar months.

    Parameters
    ----------
    today : datetime.date
        Today.
    months : int
        The workspace's limit.

    Returns
    -------
    datetime.date
        A check before this day is too long ago (the 31st becomes the last day of a shorter month).

    Examples
    --------
    >>> stale_before(date(2026, 3, 31), 1)
    datetime.date(2026, 2, 28)
    """
    total = today.year * 12 + today.month - 1 - int(months)
    year, month = divmod(total, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(today)  # pragma: no cover - day 1 always exists


def is_stale(checked: str | None, today: date, months: int) -> bool:
    """Whether an entry checked on ``checked`` is out of date today.

    Parameters
    ----------
    checked : str or None
        From :func:`checked_on`; None (never checked) is out of date.
    today : datetime.date
        Today.
    months : int
        The workspace's limit.

    Returns
    -------
    bool
        True when the check is older than ``months`` months.
    """
    return checked is None or date.fromisoformat(checked) < stale_before(today, months)


def days_since(checked: str | None, today: date) -> int | None:
    """Whole days between ``checked`` and ``today`` (None when never checked).

    Parameters
    ----------
    checked : str or None
        From :func:`checked_on`.
    today : datetime.date
        Today.

    Returns
    -------
    int or None
        Days since the check.
    """
    return None if checked is None else (today - date.fromisoformat(checked)).days
