"""Numbers and dates as a reader of one language writes them, through Babel.

Every face (the app, the CLI's human output, the PDF profile, the poster and the site) writes a
figure through these helpers, so one page never mixes ``43.3%`` and ``64,2%``:

====================  =============  ===============
what                  ``nl``         ``en``
====================  =============  ===============
:func:`decimal`       ``12.040``     ``12,040``
:func:`decimal` (1)   ``4,5``        ``4.5``
:func:`percent`       ``43,3 %``     ``43.3%``
:func:`day`           ``7 december 2026``  ``7 December 2026``
====================  =============  ===============

Machine output (``--json``, CSV, GeoJSON) keeps plain numbers and ISO dates.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

__all__ = ["LOCALES", "locale_of", "decimal", "percent", "day"]

#: The Babel locale of each language of the catalogues.
LOCALES: dict[str, str] = {"nl": "nl_NL", "en": "en_GB", "tr": "tr_TR", "ar": "ar", "pl": "pl_PL"}
#: The percent sign before and after a number: Dutch style guides (Taalunie) put a space before it;
#: Turkish writes it in front (``%43,3``). Arabic keeps the digits 0–9 that the Dutch street signs use.
_PERCENT = {"nl_NL": ("", "\xa0%"), "en_GB": ("", "%"), "tr_TR": ("%", ""), "ar": ("", "%"), "pl_PL": ("", "%")}


def locale_of(lang: str) -> str:
    """The Babel locale of a language code (English for None, as :func:`assetmap.messages.text`).

    Parameters
    ----------
    lang : str or None
        ``nl``, ``en``, ``tr``, ``ar`` or ``pl``.

    Returns
    -------
    str
        A Babel locale such as ``nl_NL``.
    """
    return LOCALES.get(str(lang or "en").lower()[:2], LOCALES["nl"])


def decimal(value, lang: str = "nl", digits: int = 0) -> str:
    """A number with the language's grouping and decimal sign (``12.040``, ``4,5``).

    Parameters
    ----------
    value : float
        The number; None or NaN gives ``–``.
    lang : str
        ``nl``, ``en``, ``tr``, ``ar`` or ``pl``.
    digits : int
        Digits after the decimal sign; trailing zeros are kept (``4,0``).

    Returns
    -------
    str
        The written number.

    Examples
    --------
    >>> decimal(12040, "nl"), decimal(4.5, "nl", 1), decimal(12040, "en")
    ('12.040', '4,5', '12,040')
    """
    if value is None or value != value:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=locale_of(lang))


def percent(value, lang: str = "nl", digits: int = 1) -> str:
    """A share as a percentage (``43,3 %`` in Dutch, ``43.3%`` in English).

    Parameters
    ----------
    value : float
        The share as a percentage (``43.3``, not ``0.433``); None or NaN gives ``–``.
    lang : str
        ``nl``, ``en``, ``tr``, ``ar`` or ``pl``.
    digits : int
        Digits after the decimal sign.

    Returns
    -------
    str
        The written percentage.

    Examples
    --------
    >>> percent(43.3, "nl"), percent(43.3, "en")
    ('43,3\\xa0%', '43.3%')
    """
    if value is None or value != value:
        return "–"
    locale = locale_of(lang)
    before, after = _PERCENT[locale]
    pattern = before + "#,##0" + ("." + "0" * digits if digits > 0 else "") + after
    return format_percent(round(float(value), digits) / 100, format=pattern, locale=locale)


def day(value, lang: str = "nl") -> str:
    """A date in words (``7 december 2026``, ``7 December 2026``).

    Parameters
    ----------
    value : datetime.date, datetime.datetime or str
        The date (an ISO text is read; a time of day is dropped). None gives ``–``.
    lang : str
        ``nl``, ``en``, ``tr``, ``ar`` or ``pl``.

    Returns
    -------
    str
        The written date.

    Examples
    --------
    >>> day(date(2026, 12, 7), "nl"), day("2026-12-07T02:37:00", "en")
    ('7 december 2026', '7 December 2026')
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    return format_date(value, format="long", locale=locale_of(lang))
