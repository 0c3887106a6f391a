"""Opening hours and recurring times in OpenStreetMap ``opening_hours`` syntax.

Parsed with ``opening-hours-py`` (module :mod:`opening_hours`, a Rust parser that follows the whole
OSM specification). A value that does not parse is not refused: it is reported with a coded
problem and the place counts as "hours unknown".

A *window* is a moment or a stretch of time in one week (``We 19:00``, ``Tu 19:00-21:00``,
``Mo-Fr 09:00-12:00``). A place counts as open in a window when it is open at *any* moment of it:
at the moment itself for a point, for at least one minute of a stretch. The week is the calendar
week (Monday to Sunday) of ``week_of``, today by default, so dated rules (``Jun-Aug``) follow the
season; public holidays are not known (no country is given), so ``PH off`` never closes a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import opening_hours
import pandas as pd

from assetmap.errors import InputError, Problem

__all__ = [
    "DAYS",
    "Window",
    "week_start",
    "parse_hours",
    "hours_known",
    "hours_problems",
    "parse_window",
    "open_in",
    "times_in_week",
    "to_osm_hours",
    "hours_text",
]

#: Day names as written in a window (lower case): OSM's two letters (English) and the Dutch abbreviations,
#: then the days as residents of the wijk write them, short and in full (Dutch, English, Turkish, Polish
#: and Arabic; Turkish and Polish also without their special letters, as a phone may type them).
DAYS: dict[str, int] = {
    "mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6,
    "ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6,
    **{word: day for words in (
        ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        ("pzt", "sal", "çar", "per", "cum", "cmt", "paz"),
        ("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"),
        ("pzt", "sal", "car", "per", "cum", "cmt", "paz"),
        ("pazartesi", "sali", "carsamba", "persembe", "cuma", "cumartesi", "pazar"),
        ("pon", "wt", "śr", "czw", "pt", "sob", "niedz"),
        ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
        ("pon", "wt", "sr", "czw", "pt", "sob", "nd"),
        ("poniedzialek", "wtorek", "sroda", "czwartek", "piatek", "sobota", "niedziela"),
        ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
        ("الإثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"),
    ) for day, word in enumerate(words)},
}
_TIME = r"(\d{1,2}):(\d{2})"
_DAY_WORDS = "|".join(re.escape(word) for word in sorted(DAYS, key=len, reverse=True))  # longest first
_WINDOW = re.compile(rf"^\s*((?:{_DAY_WORDS})(?:\s*[-,]\s*(?:{_DAY_WORDS}))*)\s+{_TIME}(?:\s*-\s*{_TIME})?\s*$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """When to count places: one or more stretches of time in one calendar week.

    Parameters
    ----------
    text : str
        The window as written (``Tu 19:00-21:00``).
    spans : tuple of (datetime, datetime)
        Start and end of each stretch; for a moment, end equals start.
    """

    text: str
    spans: tuple[tuple[datetime, datetime], ...]


def week_start(week_of: date | None = None) -> datetime:
    """Monday 00:00 of the calendar week of ``week_of`` (today by default).

    Parameters
    ----------
    week_of : datetime.date, optional
        Any day of the week; today when None.

    Returns
    -------
    datetime.datetime
        Monday at midnight, without time zone (local time of the place).
    """
    day = week_of or date.today()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day)


def parse_hours(value) -> opening_hours.OpeningHours | None:
    """The parsed expression of an ``opening_hours`` value; None for an empty value.

    Parameters
    ----------
    value : str or None
        An OSM ``opening_hours`` expression such as ``Mo-Fr 09:00-12:00``.

    Returns
    -------
    opening_hours.OpeningHours or None
        The parsed expression; None when the value is empty or missing.

    Raises
    ------
    ValueError
        The value does not parse; the message says where (first line of the parser's report).
    """
    text = _text(value)
    if text is None:
        return None
    try:
        return opening_hours.OpeningHours(text)
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
        raise ValueError(_reason(exc)) from None


def hours_known(value) -> bool:
    """Whether a value is a valid, non-empty ``opening_hours`` expression.

    Parameters
    ----------
    value : str or None
        The value.

    Returns
    -------
    bool
        False for an empty value and for one that does not parse ("hours unknown").
    """
    try:
        return parse_hours(value) is not None
    except ValueError:
        return False


def hours_problems(values, column: str = "opening_hours", rows=None, names=None) -> list[Problem]:
    """One ``opening_hours_invalid`` problem per value that does not parse.

    Parameters
    ----------
    values : iterable
        The values (empty ones are fine: hours not given).
    column : str
        Column to name in the problems.
    rows : iterable of int or None, optional
        Row numbers to name (1-based, as in the user's file); positions + 1 when not given. None
        for rows without a number a person would use (OSM features: the name says which).
    names : iterable of str, optional
        The name of each row's place, to say which place has the value.

    Returns
    -------
    list of Problem
        Problems with ``value``, ``reason`` and ``name``; fix ``fix_opening_hours``.
    """
    values = list(values)
    rows = list(rows) if rows is not None else [i + 1 for i in range(len(values))]
    names = list(names) if names is not None else [""] * len(values)
    problems = []
    for value, row, name in zip(values, rows, names):
        try:
            parse_hours(value)
        except ValueError as exc:
            problems.append(Problem("opening_hours_invalid", "fix_opening_hours",
                                    row=None if row is None else int(row), column=column,
                                    value=str(value), reason=str(exc), name=_text(name) or "-"))
    return problems


def parse_window(text: str, week_of: date | None = None) -> Window:
    """Read a window such as ``We 19:00``, ``Tu 19:00-21:00`` or ``Mo-Fr 09:00-12:00``.

    Parameters
    ----------
    text : str
        Days (``Mo`` .. ``Su``, Dutch ``ma`` .. ``zo``, or a name of :data:`DAYS` in Dutch, English,
        Turkish, Polish or Arabic; ranges with ``-``, lists with ``,``),
        then a time ``HH:MM`` or a stretch ``HH:MM-HH:MM`` on the same day (``24:00`` ends it).
    week_of : datetime.date, optional
        Any day of the week to look at (today by default).

    Returns
    -------
    Window
        One stretch per day.

    Raises
    ------
    InputError
        ``when_invalid`` (with fix ``fix_when``): the text is not of that form, a time does not
        exist, or a stretch ends before it starts.
    """
    match = _WINDOW.match(str(text or ""))
    if not match:
        raise InputError("when_invalid", "fix_when", value=text)
    days_text, h1, m1, h2, m2 = match.groups()
    try:
        days = _days(days_text)
        start = _minutes(h1, m1)
        end = _minutes(h2, m2) if h2 is not None else start
    except ValueError:
        raise InputError("when_invalid", "fix_when", value=text) from None
    if end < start or start >= 24 * 60:
        raise InputError("when_invalid", "fix_when", value=text)
    monday = week_start(week_of)
    spans = tuple((monday + timedelta(days=d, minutes=start), monday + timedelta(days=d, minutes=end))
                  for d in days)
    return Window(str(text).strip(), spans)


def open_in(expression: opening_hours.OpeningHours | None, window: Window) -> bool:
    """Whether a parsed expression is open at any moment of a window.

    Parameters
    ----------
    expression : opening_hours.OpeningHours or None
        From :func:`parse_hours`; None (no hours) is never open.
    window : Window
        From :func:`parse_window`.

    Returns
    -------
    bool
        True when open at the moment (a point) or for part of a stretch. An ``unknown`` state
        does not count as open.
    """
    if expression is None:
        return False
    for start, end in window.spans:
        if end <= start:
            if expression.is_open(start):
                return True
            continue
        for _s, _e, state, _comment in expression.intervals(start, end):
            if state == opening_hours.State.OPEN:
                return True
    return False


def times_in_week(expression: opening_hours.OpeningHours | None, week_of: date | None = None
                  ) -> list[tuple[datetime, datetime]]:
    """The stretches of one calendar week in which a recurring time is open (an activity's sessions).

    Parameters
    ----------
    expression : opening_hours.OpeningHours or None
        From :func:`parse_hours`.
    week_of : datetime.date, optional
        Any day of the week (today by default).

    Returns
    -------
    list of (datetime, datetime)
        Start and end of each open stretch, in time order; empty for None.
    """
    if expression is None:
        return []
    monday = week_start(week_of)
    return [(s, e) for s, e, state, _c in expression.intervals(monday, monday + timedelta(days=7))
            if state == opening_hours.State.OPEN]


# ---------------------------------------------------------------- written in Dutch, stored as OSM
#: Words of opening hours as people write them in Dutch (and OSM's own, in any case) -> OSM syntax.
_WORDS_TO_OSM: dict[str, str] = {
    **{nl: osm for nl, osm in zip(("ma", "di", "wo", "do", "vr", "za", "zo"), ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))},
    **{nl: osm for nl, osm in zip(("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
                                  ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))},
    **{nl: osm for nl, osm in zip(("maa", "din", "woe", "don", "vrij", "zat", "zon"),
                                  ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))},
    **{osm.lower(): osm for osm in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")},
    **{nl: osm for nl, osm in zip(("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
                                  ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))},
    **{osm.lower(): osm for osm in ("Mar", "May", "Oct")},
    **{nl: osm for nl, osm in zip(("januari", "februari", "maart", "april", "juni", "juli", "augustus", "september",
                                   "oktober", "november", "december"),
                                  ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))},
    "gesloten": "off", "dicht": "off", "off": "off", "closed": "off",
    "feestdag": "PH", "feestdagen": "PH", "ph": "PH", "schoolvakantie": "SH", "schoolvakanties": "SH", "sh": "SH",
    "en": ",", "uur": "", "u": "", "h": "",
}
_PHRASES = ((re.compile(r"\b(?:tot\s+en\s+met|t/m|tot)\b"), "-"),
            (re.compile(r"\b(?:dag\s+en\s+nacht|altijd\s+open|24\s*/\s*7)\b"), "24/7"))
_HOUR = r"(\d{1,2})(?:[:.](\d{2}))?"
_HOUR_SPAN = re.compile(rf"(?<![\d:.]){_HOUR}\s*-\s*{_HOUR}(?![\d:.])")
#: OSM -> the words shown in Dutch: days and months as Dutch abbreviations, holidays and "off" in words.
_OSM_TO_DUTCH: dict[str, str] = {
    **dict(zip(("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"), ("ma", "di", "wo", "do", "vr", "za", "zo"))),
    **dict(zip(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
               ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"))),
    "PH": "feestdagen", "SH": "schoolvakanties", "off": "gesloten", "closed": "gesloten", "open": "open",
}


def to_osm_hours(value) -> str | None:
    """Opening hours written in Dutch or in OSM syntax, as OSM ``opening_hours`` syntax.

    A value that already parses is kept exactly as written. Otherwise Dutch days and months
    (``ma``, ``dinsdag``, ``mrt``), ``t/m`` and ``tot`` for ranges, ``en`` for lists, ``gesloten``,
    ``feestdagen``, ``dag en nacht``, whole hours (``9-12``), dots in times (``10.00``) and ``uur``
    are put into OSM's words, and the result must parse.

    Parameters
    ----------
    value : str or None
        The hours as written, e.g. ``"ma-vr 9-12; za 10.00-16.00"`` or ``"Mo-Fr 09:00-12:00"``.

    Returns
    -------
    str or None
        OSM syntax, e.g. ``"Mo-Fr 09:00-12:00; Sa 10:00-16:00"``; None for an empty value.

    Raises
    ------
    ValueError
        Neither form can be read; the message says where the parser stopped.

    Examples
    --------
    >>> to_osm_hours("ma-vr 9-12; za 10.00-16.00")
    'Mo-Fr 09:00-12:00; Sa 10:00-16:00'
    >>> to_osm_hours("wo 19:00-22:00")
    'We 19:00-22:00'
    """
    text = _text(value)
    if text is None:
        return None
    try:
        opening_hours.OpeningHours(text)
        return text
    except (opening_hours.ParserError, SyntaxError, ValueError) as first:
        converted = _from_dutch(text)
        if converted == text:
            raise ValueError(_reason(first)) from None
    try:
        opening_hours.OpeningHours(converted)
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
        raise ValueError(_reason(exc)) from None
    return converted


#: OSM's words in the other languages of the resident map (days, months, holidays, open and closed).
_OSM_WORDS: dict[str, dict[str, str]] = {
    "nl": _OSM_TO_DUTCH,
    "tr": {**dict(zip(("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"), ("Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"))),
           **dict(zip(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
                      ("Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"))),
           "PH": "resmî tatiller", "SH": "okul tatilleri", "off": "kapalı", "closed": "kapalı", "open": "açık"},
    "ar": {**dict(zip(("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"),
                      ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"))),
           **dict(zip(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
                      ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                       "نوفمبر", "ديسمبر"))),
           "PH": "العطل الرسمية", "SH": "العطل المدرسية", "off": "مغلق", "closed": "مغلق", "open": "مفتوح"},
    "pl": {**dict(zip(("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"), ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."))),
           **dict(zip(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
                      ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"))),
           "PH": "święta", "SH": "ferie szkolne", "off": "zamknięte", "closed": "zamknięte", "open": "otwarte"},
}
#: ``24/7`` in words.
_ALWAYS = {"nl": "dag en nacht open", "tr": "7/24 açık", "ar": "مفتوح ليلًا ونهارًا", "pl": "całą dobę"}


def hours_text(value, lang: str = "nl") -> str:
    """Opening hours as people read them: in Dutch ``ma–vr 09:00–12:00; za 10:00–16:00``.

    Parameters
    ----------
    value : str or None
        Stored hours (OSM syntax). A value that does not parse is shown as it was written.
    lang : str
        ``"nl"``, ``"tr"``, ``"ar"`` and ``"pl"`` give that language's day and month names and words;
        any other language (English) the OSM text.

    Returns
    -------
    str
        The text; ``""`` for an empty value. Comments in quotes stay as written.

    Examples
    --------
    >>> hours_text("Mo-Fr 09:00-12:00; Sa 10:00-16:00; PH off")
    'ma–vr 09:00–12:00; za 10:00–16:00; feestdagen gesloten'
    """
    text = _text(value)
    if text is None:
        return ""
    words = _OSM_WORDS.get(lang)
    if words is None or not hours_known(text):
        return text
    parts = text.split('"')
    for k in range(0, len(parts), 2):  # outside quotes only
        part = re.sub(r"[A-Za-z]+", lambda m: words.get(m.group(0), m.group(0)), parts[k])
        part = re.sub(r"(?<=[\w:.])-(?=[\w])", "–", part)
        parts[k] = re.sub(r",(?=\S)", ", ", part).replace("24/7", _ALWAYS[lang])
    return '"'.join(parts)


def _from_dutch(text: str) -> str:
    """Dutch words, ranges and times put into OSM syntax (not checked)."""
    out = re.sub(r"[\u2013\u2014\u2212]", "-", text.lower())
    out = re.sub(r"\s*\n\s*", "; ", out)
    for pattern, osm in _PHRASES:
        out = pattern.sub(osm, out)
    out = re.sub(r"[a-z\u00e0-\u00ff]+", lambda m: _WORDS_TO_OSM.get(m.group(0), m.group(0)), out)
    out = _HOUR_SPAN.sub(lambda m: f"{_hh(m.group(1), m.group(2))}-{_hh(m.group(3), m.group(4))}", out)
    out = re.sub(r"\s*,\s*", ",", out)
    out = re.sub(r"\s*-\s*", "-", out)
    out = re.sub(r"\s*;\s*", "; ", out)
    return re.sub(r"[ \t]+", " ", out).strip(" ;")


def _hh(hours: str, minutes: str | None) -> str:
    return f"{int(hours):02d}:{minutes or '00'}"


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in re.split(r"\s*,\s*", text.strip().lower()):
        ends = [p.strip() for p in part.split("-")]
        if len(ends) == 1:
            days.append(DAYS[ends[0]])
        elif len(ends) == 2:
            first, last = DAYS[ends[0]], DAYS[ends[1]]
            days.extend(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
        else:
            raise ValueError(text)
    return sorted(set(days))


def _minutes(hours: str, minutes: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(f"{hours}:{minutes}")
    return h * 60 + m


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _reason(exc: BaseException) -> str:
    """The parser's report in one line: where it stopped and what it expected."""
    report = str(exc)
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    expected = next((line.lstrip("= ").strip() for line in lines if line.startswith("=")), None)
    where = re.search(r"-->\s*\d+:(\d+)", report)
    parts = [p for p in (where and f"character {where.group(1)}", expected) if p]
    return ": ".join(parts) if parts else (lines[0] if lines else type(exc).__name__)
