"""The agenda residents take home: a calendar feed (``agenda.ics``) and a printed month (A4 PDF).

Both are made from public activities of public places only: the caller reads them as the
``public`` actor (:meth:`assetmap.service.Workspace.activities` and ``assets``), as the static
site does. A recurring time is OSM ``opening_hours`` syntax (``We 18:00-20:00``); the feed turns
it into what a phone's calendar reads (RFC 5545, through the ``icalendar`` library):

* a time that comes back every week becomes one event with a weekly rule (``RRULE:FREQ=WEEKLY``);
* anything else (single days, "first Monday of the month", a season) becomes one event with the
  further times listed (``RDATE``), over :data:`HORIZON_WEEKS` weeks;

in the time zone Europe/Amsterdam, with a UID per activity that stays the same from one
publication to the next (``<activity id>@assetmap``), so a subscribed calendar updates it instead
of adding it twice. The printed agenda (:func:`agenda_pdf`) lists the times of a few weeks by day,
in large type, with a QR code to the published site and one per place to its page there.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import opening_hours
import pandas as pd

from assetmap.i18n import t
from assetmap.layers.hours import parse_hours
from assetmap.layers.opening import TIME_ZONE, local_now
from assetmap.layers.translations import in_language

__all__ = ["HORIZON_WEEKS", "Session", "sessions", "agenda_ics", "place_url", "agenda_pdf", "area_agenda_pdf",
           "ICS_NAME", "AREA_ICS_FOLDER", "MAX_WEEKS"]

#: How far ahead the feed lists times that do not come back every week (and checks that weekly ones do).
HORIZON_WEEKS = 52
#: The feed of the whole site, and the folder of one feed per area (``agenda/<CBS code>.ics``).
ICS_NAME = "agenda.ics"
AREA_ICS_FOLDER = "agenda"
#: The longest printed agenda, in weeks.
MAX_WEEKS = 8
_DAY_CODES = ("day_mo", "day_tu", "day_we", "day_th", "day_fr", "day_sa", "day_su")
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Session:
    """One time an activity runs.

    Parameters
    ----------
    start, end : datetime.datetime
        Local time in the Netherlands, without time zone.
    activity_id, name : str
        The activity.
    asset_id, place : str
        Its place or association.
    target_group : str or None
        Who it is for (``everyone``, ``older_people``, ...).
    free, walk_in : bool or None
        Free of charge; anyone may walk in.
    """

    start: datetime
    end: datetime
    activity_id: str
    name: str
    asset_id: str
    place: str
    target_group: str | None
    free: bool | None
    walk_in: bool | None


def _value(value):
    """A cell as a plain value: None for NA."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def _places(assets) -> dict[str, dict]:
    """id -> {name, lat, lon, area codes} of the public places (never a person)."""
    if assets is None or not len(assets):
        return {}
    out = {}
    frame = assets[(assets["building_block"] != "individual").fillna(True).to_numpy()]
    points = frame.geometry.representative_point() if hasattr(frame, "geometry") else None
    for k, row in enumerate(frame.drop(columns="geometry", errors="ignore").to_dict("records")):
        point = None if points is None else points.iloc[k]
        out[str(row["id"])] = {"name": _value(row.get("name")) or "", "codes": {
            _value(row.get(c)) for c in ("buurt_code", "wijk_code", "gemeente_code")} - {None},
            "lat": None if point is None or point.is_empty else point.y,
            "lon": None if point is None or point.is_empty else point.x}
    return out


def sessions(activities: pd.DataFrame, assets, start: date, end: date, *, area: str | None = None) -> list[Session]:
    """Every time a public activity runs from ``start`` up to (not including) ``end``, in time order.

    Parameters
    ----------
    activities : pandas.DataFrame
        Public activities (``id``, ``asset_id``, ``name``, ``recurring_time``, ``target_group``,
        ``free``, ``walk_in``).
    assets : geopandas.GeoDataFrame
        The public view of the assets; activities of other assets are left out.
    start, end : datetime.date
        The first day, and the day after the last.
    area : str, optional
        A CBS code: only the activities of places in that gemeente, wijk or buurt.

    Returns
    -------
    list of Session
        By start, then name. An activity whose time cannot be read is left out.
    """
    places = _places(assets)
    found = []
    if activities is None or not len(activities):
        return found
    begin = datetime(start.year, start.month, start.day)
    stop = datetime(end.year, end.month, end.day)
    for act in activities.to_dict("records"):
        place = places.get(str(act.get("asset_id")))
        if place is None or (area and area not in place["codes"]):
            continue
        try:
            expression = parse_hours(_value(act.get("recurring_time")))
        except ValueError:
            continue
        if expression is None:
            continue
        for s, e, state, _comment in expression.intervals(begin, stop):
            if state == opening_hours.State.OPEN and s < e:
                found.append(Session(s, e, str(act["id"]), str(act.get("name") or ""), str(act["asset_id"]),
                                     place["name"], _value(act.get("target_group")), _value(act.get("free")),
                                     _value(act.get("walk_in"))))
    return sorted(found, key=lambda x: (x.start, x.name.casefold(), x.place.casefold()))


def place_url(site_url: str, asset_id: str) -> str:
    """The address of one place on the published site (the site opens it on the map).

    Parameters
    ----------
    site_url : str
        The site's address.
    asset_id : str
        The place's id.

    Returns
    -------
    str
        ``<site>#plek=<id>``.
    """
    return f"{site_url.split('#')[0]}#plek={asset_id}"


def _facts(session: Session, lang: str) -> list[str]:
    """For whom, free or paid, walk-in: as words."""
    facts = []
    if session.target_group:
        facts.append(t("agenda_for", lang, group=t(f"group_{session.target_group}", lang)))
    if session.free is True:
        facts.append(t("agenda_free", lang))
    elif session.free is False:
        facts.append(t("agenda_paid", lang))
    if session.walk_in is True:
        facts.append(t("agenda_walk_in", lang))
    return facts


# ---------------------------------------------------------------------- the feed
def agenda_ics(activities: pd.DataFrame, assets, *, title: str, area: str | None = None, site_url: str | None = None,
               lang: str = "nl", today: date | None = None) -> bytes:
    """The public activities as an iCalendar feed (RFC 5545).

    Parameters
    ----------
    activities : pandas.DataFrame
        Public activities (see :func:`sessions`).
    assets : geopandas.GeoDataFrame
        The public view of the assets.
    title : str
        The calendar's name (``X-WR-CALNAME``).
    area : str, optional
        A CBS code: only the activities of places in it.
    site_url : str, optional
        The published site's address: each event links its place there.
    lang : {'nl', 'en'}
        Language of the descriptions.
    today : datetime.date, optional
        The first day of the feed (default today in the Netherlands).

    Returns
    -------
    bytes
        The ``.ics`` file: one ``VEVENT`` per activity (per time of day, when it runs at
        different times), ``VTIMEZONE`` Europe/Amsterdam.
    """
    from icalendar import Calendar, Event

    assets = in_language(assets, lang)  # places named in the feed's language where given
    zone = ZoneInfo(TIME_ZONE)
    today = today or local_now().date()
    monday = today - timedelta(days=today.weekday())
    end = monday + timedelta(weeks=HORIZON_WEEKS)
    calendar = Calendar()
    calendar.add("prodid", "-//assetmap//agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", TIME_ZONE)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    by_activity: dict[str, list[Session]] = {}
    for session in sessions(activities, assets, monday, end, area=area):
        by_activity.setdefault(session.activity_id, []).append(session)
    places = _places(assets)
    for activity_id, runs in by_activity.items():
        patterns: dict[tuple, list[Session]] = {}
        for run in runs:
            patterns.setdefault((run.start.time(), run.end - run.start), []).append(run)
        for (clock, length), group in patterns.items():
            event = Event()
            suffix = "" if len(patterns) == 1 else f"-{clock:%H%M}-{int(length.total_seconds() // 60)}"
            event.add("uid", f"{activity_id}{suffix}@assetmap")
            event.add("dtstamp", stamp)
            first = group[0]
            event.add("summary", first.name)
            event.add("location", first.place)
            event.add("dtstart", first.start.replace(tzinfo=zone))
            event.add("dtend", first.end.replace(tzinfo=zone))
            days = sorted({run.start.weekday() for run in group})
            dates = [run.start.date() for run in group]
            expected = [first.start.date() + timedelta(days=k) for k in range((end - first.start.date()).days)]
            if len(dates) > 1 and dates == [d for d in expected if d.weekday() in days]:
                event.add("rrule", {"freq": "weekly", "byday": [_BYDAY[d] for d in days]})
            elif len(group) > 1:
                event.add("rdate", [run.start.replace(tzinfo=zone) for run in group[1:]])
            facts = _facts(first, lang)
            if facts:
                event.add("description", " · ".join(facts))
            place = places.get(first.asset_id) or {}
            if place.get("lat") is not None:
                event.add("geo", (round(place["lat"], 6), round(place["lon"], 6)))
            if site_url:
                event.add("url", place_url(site_url, first.asset_id))
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# ---------------------------------------------------------------------- on paper
_A4_INCH = (8.27, 11.69)
_LINE_PT = 19.0  # one line of 12 pt text, with room between
_TOP_PT, _BOTTOM_PT = 150.0, 60.0


def agenda_pdf(found: Iterable[Session], *, area_name: str, start: date, end: date, site_url: str | None = None,
               lang: str = "nl") -> bytes:
    """An A4 "Deze maand in de buurt": the sessions by day, with place, time, for whom, free or not.

    Large type (at least 12 pt), black on white (it reads in black and white), text selectable.
    With ``site_url``: a QR code to the site on the first page and, on the last, one per place to
    its page there.

    Parameters
    ----------
    found : iterable of Session
        From :func:`sessions`.
    area_name : str
        The area, in the title.
    start, end : datetime.date
        The first day and the day after the last (in the subtitle).
    site_url : str, optional
        The published site's address (checked by the caller).
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    bytes
        The PDF.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from assetmap.numbers import day as written_day

    found = list(found)
    lines: list[tuple[str, str]] = []  # (kind, text): "day" headers and "item" lines
    current = None
    for session in found:
        if session.start.date() != current:
            current = session.start.date()
            lines.append(("day", f"{t(_DAY_CODES[current.weekday()], lang)} {written_day(current, lang)}"))
        facts = " · ".join([session.place, *_facts(session, lang)])
        lines.append(("item", f"{session.start:%H:%M}–{session.end:%H:%M}  {session.name}"))
        lines.append(("fact", facts))
    if not lines:
        lines.append(("item", t("agenda_none", lang)))
    title = t("agenda_title", lang)
    subtitle = t("agenda_subtitle", lang, area=area_name, start=written_day(start, lang),
                 end=written_day(end - timedelta(days=1), lang))
    page_h = _A4_INCH[1] * 72
    per_page = int((page_h - _TOP_PT - _BOTTOM_PT) // _LINE_PT)
    pages = [lines[k:k + per_page] for k in range(0, len(lines), per_page)]
    places = list(dict.fromkeys((s.asset_id, s.place) for s in found))
    buffer = io.BytesIO()
    with plt.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), \
            PdfPages(buffer, metadata={"Title": f"{title} – {area_name}", "Creator": "assetmap"}) as pdf:
        for number, page in enumerate(pages, start=1):
            fig = plt.figure(figsize=_A4_INCH)
            ax = _page_axes(fig)
            y = page_h - 50
            ax.text(40, y, title, fontsize=24, weight="bold", va="top")
            ax.text(40, y - 36, subtitle, fontsize=13, va="top", wrap=True)
            if site_url and number == 1:
                _qr(ax, site_url, 595 - 40 - 90, page_h - 40 - 90, 90)
                ax.text(595 - 40 - 45, page_h - 140, t("agenda_site_qr", lang), fontsize=12, ha="center", va="top")
            y = page_h - _TOP_PT
            for kind, text in page:
                if kind == "day":
                    ax.text(40, y, text, fontsize=15, weight="bold", va="top")
                elif kind == "item":
                    ax.text(52, y, text, fontsize=13, weight="bold", va="top")
                else:
                    ax.text(64, y, _clip(text, 72), fontsize=12, va="top")
                y -= _LINE_PT
            ax.text(40, 30, t("agenda_footer", lang, page=number, pages=len(pages)), fontsize=12, va="bottom")
            pdf.savefig(fig)
            plt.close(fig)
        if site_url and places:
            _place_pages(pdf, plt, places, site_url, title, lang)
    return buffer.getvalue()


def area_agenda_pdf(workspace, area: str, *, weeks: int = 4, site_url: str | None = None,
                    lang: str = "nl") -> tuple[bytes, int]:
    """The printed agenda of one area from this Monday on (``assetmap agenda`` and the app's Delen page).

    The workspace is opened as the ``public`` actor: only public activities of public places.

    Parameters
    ----------
    workspace : str or os.PathLike
        The workspace's location.
    area : str
        A CBS code of the workspace (gemeente, wijk or buurt).
    weeks : int
        From 1 to :data:`MAX_WEEKS`.
    site_url : str, optional
        The published site's address for the QR codes (checked by the caller).
    lang : {'nl', 'en'}
        Language of the agenda.

    Returns
    -------
    (bytes, int)
        The PDF and how many times an activity runs in it.

    Raises
    ------
    InputError
        ``agenda_weeks`` (out of range) or ``area_unknown``.
    """
    from assetmap.errors import InputError
    from assetmap.service import Actor, open_workspace

    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise InputError("agenda_weeks", "fix_agenda_weeks", weeks=weeks)
    today = local_now().date()
    start = today - timedelta(days=today.weekday())
    end = start + timedelta(weeks=weeks)
    with open_workspace(workspace, Actor(None, "public")) as ws:
        boundaries = ws.boundaries()
        names = dict(zip(boundaries["code"].astype(object), boundaries["name"].astype(object)))
        if area not in names:
            raise InputError("area_unknown", "fix_area_code", code=area)
        found = sessions(ws.activities(), in_language(ws.assets(), lang), start, end, area=area)
    return agenda_pdf(found, area_name=names[area], start=start, end=end, site_url=site_url, lang=lang), len(found)


def _page_axes(fig):
    """Axes over the whole page in points (595 × 842), no frame."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, _A4_INCH[0] * 72)
    ax.set_ylim(0, _A4_INCH[1] * 72)
    ax.axis("off")
    return ax


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters (an ellipsis where it is cut)."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _qr(ax, url: str, left: float, bottom: float, side: float) -> None:
    """A QR code of ``url`` as vector squares, ``side`` points wide, its lower left corner at (left, bottom)."""
    from matplotlib.collections import PolyCollection

    from assetmap.table_cards import qr_matrix

    matrix = qr_matrix(url)
    size = len(matrix)
    module = side / size
    top = bottom + side
    squares = [[(left + c * module, top - r * module), (left + (c + 1) * module, top - r * module),
                (left + (c + 1) * module, top - (r + 1) * module), (left + c * module, top - (r + 1) * module)]
               for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark]
    ax.add_collection(PolyCollection(squares, facecolors="black", edgecolors="none", antialiased=False))


def _place_pages(pdf, plt, places: list[tuple[str, str]], site_url: str, title: str, lang: str) -> None:
    """Pages of QR codes, one per place (three columns of four), each to its page on the site."""
    columns, rows, side = 3, 4, 110.0
    per_page = columns * rows
    page_h = _A4_INCH[1] * 72
    for start in range(0, len(places), per_page):
        fig = plt.figure(figsize=_A4_INCH)
        ax = _page_axes(fig)
        ax.text(40, page_h - 50, t("agenda_places_title", lang), fontsize=20, weight="bold", va="top")
        for slot, (asset_id, name) in enumerate(places[start:start + per_page]):
            column, row = slot % columns, slot // columns
            left = 50 + column * 175
            bottom = page_h - 120 - (row + 1) * 175 + 40
            _qr(ax, place_url(site_url, asset_id), left, bottom, side)
            ax.text(left + side / 2, bottom - 8, _clip(name, 22), fontsize=12, ha="center", va="top")
        pdf.savefig(fig)
        plt.close(fig)
