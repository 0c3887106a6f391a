"""When a place is open, as residents ask it: "nu open", "open op woensdagavond", and the week as numbers.

Read only, built on :mod:`assetmap.layers.hours` (the parser and the meaning of "open in a
window" that the coverage filters use): a place counts as open in a window when it is open at any
moment of it, or when one of its activities runs then; a place whose hours are missing or cannot
be read is never counted as open, it is "hours unknown" (unless an activity runs then).

Times are local times of the Netherlands (:data:`TIME_ZONE`): "now" is the clock turned into
Europe/Amsterdam time, whatever the server's own zone.

A *part of the day* is a word a resident picks, not a time to type: ``morning`` 06–12,
``afternoon`` 12–18, ``evening`` 18–24 and ``day`` (the whole day, 00–24).

For the published site, :func:`week_minutes` turns an expression into the stretches of one week as
minutes since Monday 00:00, so the page answers the same questions in plain JavaScript without
parsing OSM syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd

from assetmap.errors import InputError
from assetmap.layers import hours

__all__ = [
    "TIME_ZONE",
    "WEEKDAYS",
    "PARTS_OF_DAY",
    "local_now",
    "day_window",
    "moment_window",
    "week_minutes",
    "OpenState",
    "open_state",
]

#: The time zone of every opening time.
TIME_ZONE = "Europe/Amsterdam"
#: The days of the week, Monday first, as OSM writes them (also the keys of the day texts ``day_mo`` ...).
WEEKDAYS: tuple[str, ...] = ("mo", "tu", "we", "th", "fr", "sa", "su")
#: Part of the day -> (first minute, end minute) of the day.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {"morning": (6 * 60, 12 * 60), "afternoon": (12 * 60, 18 * 60),
                                            "evening": (18 * 60, 24 * 60), "day": (0, 24 * 60)}


def local_now(now: datetime | None = None) -> datetime:
    """The clock as local time in the Netherlands, without time zone (as opening hours are written).

    Parameters
    ----------
    now : datetime.datetime, optional
        The moment; now when None. A moment without time zone is taken as UTC.

    Returns
    -------
    datetime.datetime
        The same moment in Europe/Amsterdam, naive (``2026-12-07 10:15``).

    Examples
    --------
    >>> local_now(datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)).hour  # summer time, UTC+2
    10
    """
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(TIME_ZONE)).replace(tzinfo=None)


def day_window(day: str, part: str = "day", week_of: date | None = None) -> hours.Window:
    """The window of one part of one day of a week (``we`` + ``evening`` -> ``We 18:00-24:00``).

    Parameters
    ----------
    day : str
        One of :data:`WEEKDAYS`.
    part : str
        One of :data:`PARTS_OF_DAY`.
    week_of : datetime.date, optional
        Any day of the week to look at (today in the Netherlands by default).

    Returns
    -------
    assetmap.layers.hours.Window
        As :func:`assetmap.layers.hours.parse_window` reads it.

    Raises
    ------
    InputError
        ``when_invalid``: an unknown day or part of the day.
    """
    if day not in WEEKDAYS or part not in PARTS_OF_DAY:
        raise InputError("when_invalid", "fix_when", value=f"{day} {part}")
    start, end = PARTS_OF_DAY[part]
    text = f"{day.capitalize()} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    return hours.parse_window(text, week_of or local_now().date())


def moment_window(now: datetime | None = None) -> hours.Window:
    """The window of one moment: "now", in local time in the Netherlands.

    Parameters
    ----------
    now : datetime.datetime, optional
        The clock (see :func:`local_now`); now when None.

    Returns
    -------
    assetmap.layers.hours.Window
        One stretch that starts and ends at that moment.
    """
    moment = local_now(now).replace(second=0, microsecond=0)
    return hours.Window(f"{WEEKDAYS[moment.weekday()].capitalize()} {moment:%H:%M}", ((moment, moment),))


def week_minutes(value, week_of: date | None = None) -> list[list[int]] | None:
    """The open stretches of one calendar week as minutes since Monday 00:00, for the published site.

    Parameters
    ----------
    value : str or None
        An ``opening_hours`` expression (``Mo-Fr 09:00-17:00``).
    week_of : datetime.date, optional
        Any day of the week (today in the Netherlands by default): dated rules (``Jun-Aug``)
        follow that week.

    Returns
    -------
    list of [int, int] or None
        ``[start, end]`` pairs (0 .. 10080, end not included), in time order, touching stretches
        joined; None when the hours are missing or cannot be read ("hours unknown"). A place
        that is never open that week gives ``[]``.

    Examples
    --------
    >>> week_minutes("Mo 09:00-17:00")
    [[540, 1020]]
    """
    try:
        expression = hours.parse_hours(value)
    except ValueError:
        return None
    if expression is None:
        return None
    monday = hours.week_start(week_of or local_now().date())
    out: list[list[int]] = []
    for start, end in hours.times_in_week(expression, monday.date()):
        first = int((start - monday) / timedelta(minutes=1))
        last = int((end - monday) / timedelta(minutes=1))
        if out and first <= out[-1][1]:
            out[-1][1] = max(out[-1][1], last)
        elif last > first:
            out.append([first, last])
    return out


@dataclass(frozen=True)
class OpenState:
    """Which entries are open in a window, and which have no hours to tell.

    Parameters
    ----------
    open : pandas.Series
        Bool per entry (same index): open at some moment of the window, or an activity runs then.
    unknown : pandas.Series
        Bool per entry: not open by an activity and its hours missing or unreadable.
    """

    open: pd.Series
    unknown: pd.Series


def open_state(assets: pd.DataFrame, window: hours.Window, activities: pd.DataFrame | None = None) -> OpenState:
    """Which entries are open in ``window`` (by their own hours or by an activity then).

    Parameters
    ----------
    assets : pandas.DataFrame
        Entries with ``id`` and ``opening_hours``.
    window : assetmap.layers.hours.Window
        From :func:`day_window`, :func:`moment_window` or :func:`assetmap.layers.hours.parse_window`.
    activities : pandas.DataFrame, optional
        Activities (``asset_id``, ``recurring_time``): an entry counts as open while one of its
        activities runs.

    Returns
    -------
    OpenState
        ``open`` and ``unknown``, one bool per entry, on the index of ``assets``.
    """
    active: set = set()
    if activities is not None and len(activities):
        for asset_id, recurring in zip(activities["asset_id"], activities["recurring_time"]):
            if asset_id in active:
                continue
            try:
                if hours.open_in(hours.parse_hours(recurring), window):
                    active.add(asset_id)
            except ValueError:
                continue
    is_open, unknown = [], []
    values = assets["opening_hours"] if "opening_hours" in assets.columns else [None] * len(assets)
    for asset_id, value in zip(assets["id"], values):
        try:
            expression = hours.parse_hours(value)
        except ValueError:
            expression = None
        by_activity = asset_id in active
        is_open.append(by_activity or hours.open_in(expression, window))
        unknown.append(not by_activity and expression is None)
    return OpenState(pd.Series(is_open, index=assets.index, dtype=bool),
                     pd.Series(unknown, index=assets.index, dtype=bool))
