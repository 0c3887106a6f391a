"""Coverage stage, place filters: which meeting places count (time, access, target group), and walking speeds."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from assetmap import settings
from assetmap.coverage._common import CoverageError, _column, _plain
from assetmap.errors import InputError, Problem
from assetmap.layers import hours
from assetmap.layers.assets import target_group_list
from assetmap.layers.schema import ACCESS_VALUES, TARGET_GROUPS

__all__ = ["PlaceFilters", "filter_places", "filter_speed", "only_categories", "place_filters", "speed_profiles"]


def only_categories(value) -> tuple[str, ...]:
    """Check the categories of ``--categories``: only meeting places of these categories count.

    A restriction, never an addition: the meeting places are those marked ``is_meeting_place`` and
    those of a meeting-place category of the catalogue, and of them only the places of the given
    categories count. Each must be a category of the catalogue (``data/osm_tags.csv``, through
    :func:`assetmap.layers.categories.categories`).

    Parameters
    ----------
    value : str or iterable of str or None
        ``"library,community_centre"`` or a list; case and spaces around a name do not matter.

    Returns
    -------
    tuple of str
        The categories, in the order given, each once; empty for None or an empty text (no
        restriction).

    Raises
    ------
    CoverageError
        ``category_unknown`` for every name that is not in the catalogue, each with the list
        of known categories.
    assetmap.errors.InputError
        The category catalogue cannot be read.
    """
    from assetmap.layers import categories as catalogue

    items = value.split(",") if isinstance(value, str) else list(value or ())
    wanted = tuple(dict.fromkeys(str(v).strip().lower() for v in items if str(v).strip()))
    known = catalogue.categories()
    # A catalogue entry such as ``shop_{value}`` stands for every category it makes (``shop_bakery``).
    prefixes = tuple(k.split("{", 1)[0] for k in known if "{" in k)
    listed = ", ".join(sorted(k.replace("{value}", "…") for k in known))
    problems = [Problem("category_unknown", "fix_category_known", column="categories", value=v, known=listed)
                for v in wanted if v not in known and not any(v.startswith(p) and len(v) > len(p) for p in prefixes)]
    if problems:
        raise CoverageError(problems)
    return wanted


def speed_profiles() -> dict[str, float]:
    """The walking-speed profiles, read from the settings when called.

    Returns
    -------
    dict of str to float
        ``{"normal": settings.WALK_SPEED_KMH, "slow": settings.SLOW_WALK_SPEED_KMH}`` in km/h:
        an average adult, and older people / people with limited mobility.
    """
    return {"normal": float(settings.WALK_SPEED_KMH), "slow": float(settings.SLOW_WALK_SPEED_KMH)}


@dataclass(frozen=True)
class PlaceFilters:
    """Which meeting places count: by time, access and target group (see the package docstring).

    Build it with :func:`place_filters`, which checks the values.

    Parameters
    ----------
    when : str or None
        A window in the week (``We 19:00``, ``Tu 19:00-21:00``); None counts places whatever
        their hours.
    access : str or None
        One of :data:`~assetmap.layers.schema.ACCESS_VALUES`; None counts every access.
    group : str or None
        One of :data:`~assetmap.layers.schema.TARGET_GROUPS`; None counts places for anyone.
    window : assetmap.layers.hours.Window or None
        ``when`` read as stretches of time in the week it was read for.
    """

    when: str | None = None
    access: str | None = None
    group: str | None = None
    window: hours.Window | None = field(default=None, compare=False, repr=False)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.when or self.access or self.group)

    def to_dict(self) -> dict:
        """The filters as JSON-ready data: ``when``, ``access`` and ``group`` (None where not set)."""
        return {"when": self.when, "access": self.access, "group": self.group}


def place_filters(when: str | None = None, access: str | None = None, group: str | None = None,
                  week_of=None) -> PlaceFilters:
    """Check and build the place filters.

    Parameters
    ----------
    when : str, optional
        A window such as ``We 19:00`` or ``Tu 19:00-21:00`` (see
        :func:`assetmap.layers.hours.parse_window`); empty means any time.
    access : str, optional
        ``walk_in``, ``by_appointment`` or ``rent_only``; empty means any access.
    group : str, optional
        ``everyone``, ``youth``, ``older_people``, ``parents`` or ``newcomers``; empty means
        any group.
    week_of : datetime.date, optional
        The week ``when`` is read in (today's by default).

    Returns
    -------
    PlaceFilters
        The checked filters.

    Raises
    ------
    CoverageError
        ``when_invalid`` for a window that cannot be read, ``value_not_allowed`` for an access or
        group outside the lists; every problem at once.
    """
    problems = []
    window = None
    when = (when or "").strip() or None
    access = (access or "").strip() or None
    group = (group or "").strip() or None
    if when:
        try:
            window = hours.parse_window(when, week_of)
        except InputError as exc:
            problems.extend(exc.problems)
    for column, value, allowed in (("access", access, ACCESS_VALUES), ("group", group, TARGET_GROUPS)):
        if value is not None and value not in allowed:
            problems.append(Problem("value_not_allowed", "fix_use_one_of", column=column, value=value,
                                    allowed=", ".join(allowed)))
    if problems:
        raise CoverageError(problems)
    return PlaceFilters(when, access, group, window)


def filter_speed(filters: PlaceFilters | None, speed_kmh: float | None) -> float | None:
    """The walking speed to use: the one asked for, else the slow profile for older people.

    Parameters
    ----------
    filters : PlaceFilters or None
        The filters.
    speed_kmh : float or None
        A speed the user chose (km/h); None for the default.

    Returns
    -------
    float or None
        ``speed_kmh`` when given; ``settings.SLOW_WALK_SPEED_KMH`` for the group
        ``older_people``; else None (the analysis then reads ``settings.WALK_SPEED_KMH``).
    """
    if speed_kmh is not None:
        return speed_kmh
    if filters is not None and filters.group == "older_people":
        return float(settings.SLOW_WALK_SPEED_KMH)
    return None


def filter_places(places: gpd.GeoDataFrame, activities: pd.DataFrame | None,
                  filters: PlaceFilters | None) -> tuple[gpd.GeoDataFrame, dict]:
    """The meeting places that count under ``filters``, and what was left out.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Meeting places with ``id`` and, where known, ``opening_hours``, ``access`` and
        ``target_groups`` (as :attr:`CoverageInputs.meeting_places`).
    activities : pandas.DataFrame or None
        Activities (``asset_id``, ``recurring_time``, ``target_group``, ``walk_in``).
    filters : PlaceFilters or None
        The filters; None or none set keeps every place.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The places kept (a filtered view, same columns) and counts: ``places`` (before),
        ``counted`` (kept) and ``hours_unknown`` (places whose opening hours are missing or cannot
        be read: left out under ``when`` unless an activity runs then).
    """
    known = np.array([hours.hours_known(v) for v in _column(places, "opening_hours")], dtype=bool)
    counts = {"places": int(len(places)), "counted": int(len(places)), "hours_unknown": int((~known).sum())}
    if filters is None or not filters.active or places.empty:
        return places, counts
    by_place: dict = {}
    if activities is not None and len(activities):
        for row in activities.itertuples(index=False):
            by_place.setdefault(row.asset_id, []).append(row)
    keep = []
    for place, hours_text, access, groups in zip(places["id"], _column(places, "opening_hours"),
                                                 _column(places, "access"), _column(places, "target_groups")):
        keep.append(_place_counts(filters, hours_text, access, groups)
                    or any(_activity_counts(filters, a) for a in by_place.get(place, ())))
    keep = np.array(keep, dtype=bool)
    counts["counted"] = int(keep.sum())
    return places[keep], counts


def _place_counts(filters: PlaceFilters, hours_text, access, groups) -> bool:
    if filters.access and _plain(access) != filters.access:
        return False
    if filters.group:
        recorded = target_group_list(_plain(groups)) or ("everyone",)
        if filters.group not in recorded and "everyone" not in recorded:
            return False
    if filters.window is not None:
        try:
            return hours.open_in(hours.parse_hours(_plain(hours_text)), filters.window)
        except ValueError:
            return False  # hours unknown
    return True


def _activity_counts(filters: PlaceFilters, activity) -> bool:
    """An activity makes its place count while it runs, for its group, walk-in when it is."""
    if filters.access and not (filters.access == "walk_in" and _plain(activity.walk_in) is True):
        return False
    group = _plain(activity.target_group) or "everyone"
    if filters.group and group not in (filters.group, "everyone"):
        return False
    try:
        expression = hours.parse_hours(_plain(activity.recurring_time))
    except ValueError:
        return False
    if expression is None:
        return False
    return hours.open_in(expression, filters.window) if filters.window is not None else True
