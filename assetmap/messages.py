"""Every text assetmap shows or prints, looked up by code in the gettext catalogues.

A *code* (``asset_missing``, ``ws_title``) is the msgid in ``assetmap/locale/<lang>/LC_MESSAGES/assetmap.po``;
the catalogue of each language holds the text, with ``{name}`` fields for the parameters. English
(``en``) is a catalogue like Dutch (``nl``), so rewording the English never loses the Dutch.

:func:`text` looks a code up. A missing translation never hides a message: the English text is
used instead, and when that is missing too, the code with its parameters. The CLI speaks English
unless ``--lang nl`` or the locale asks for Dutch (:func:`cli_language`); the app passes the
language the user chose.

This module is base floor: it imports nothing of assetmap.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "LANGUAGES",
    "ENGLISH",
    "N_",
    "is_code",
    "text",
    "ntext",
    "Message",
    "cli_language",
]

#: gettext domain: the catalogues are ``locale/<lang>/LC_MESSAGES/assetmap.mo``.
DOMAIN = "assetmap"
#: Folder of the compiled catalogues (package data).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Languages with a complete catalogue.
LANGUAGES: tuple[str, ...] = ("nl", "en")
#: The language of the CLI, of ``str(problem)`` and of the fallback when a translation is missing.
ENGLISH = "en"


def N_(code: str) -> str:
    """Mark ``code`` for extraction without looking it up (gettext's ``gettext_noop``).

    Parameters
    ----------
    code : str
        A message code that is looked up later, e.g. one chosen at run time.

    Returns
    -------
    str
        ``code`` itself.
    """
    return code


class _Missing(gettext.NullTranslations):
    """The last fallback: says that no catalogue has the code (instead of returning the code)."""

    def gettext(self, message):
        return None

    def ngettext(self, msgid1, msgid2, n):
        return None


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang``, with English behind it for what it lacks (cached per language)."""
    found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    found.add_fallback(_catalogue(ENGLISH) if lang != ENGLISH else _Missing())
    return found


def _template(code: str, lang: str, count=None) -> str | None:
    """The text of ``code`` in ``lang`` (English where ``lang`` lacks it), ``None`` when no catalogue has it.

    A plural entry (``msgid_plural``) gives the form for ``count`` (the plural form without one).
    """
    catalogue = _catalogue(lang)
    # gettext gives a plural entry's first form, so the plural lookup goes first when there is a number.
    found = catalogue.ngettext(code, code, _number(count)) if count is not None else None
    found = found if found is not None else catalogue.gettext(code)
    # An entry the language has not translated yet (empty, or a plural entry answered with its code):
    # English says it instead.
    return None if lang != ENGLISH and (found == "" or (count is not None and found == code)) else found


def _number(count) -> int:
    """The number that picks a plural form: ``count`` itself, the digits of a formatted number
    (``"12.040"``), else 2 (the plural)."""
    if isinstance(count, (int, float)) and not isinstance(count, bool):
        try:
            return int(count)
        except (ValueError, OverflowError):  # NaN, infinity
            return 2
    plain = "".join(str(count).split()).replace(".", "").replace(",", "") if count is not None else ""
    return int(plain) if plain.isdigit() else 2


def is_code(code: object) -> bool:
    """Whether ``code`` is a message code of the English catalogue.

    Parameters
    ----------
    code : object
        Anything; only a ``str`` can be a code.

    Returns
    -------
    bool
        True when the English catalogue has a text for ``code``.
    """
    return isinstance(code, str) and bool(code) and _template(code, ENGLISH, 1) is not None


def text(code: str, lang: str | None = None, /, **params) -> str:
    """The text of message ``code`` in ``lang``, with ``params`` filled in.

    Parameters
    ----------
    code : str
        Message code (the msgid), e.g. ``"asset_missing"``.
    lang : str or None
        Language code (``"nl"``, ``"en"``); ``None`` means English, as the CLI prints by default.
    **params
        Values for the ``{name}`` fields of the text. A :class:`Message` value is itself put in
        ``lang`` first (a word like "the file" inside another message). For a plural entry of the
        catalogue, ``count`` picks the form (``1 probleem``, ``3 problemen``).

    Returns
    -------
    str
        The text in ``lang``; the English text when ``lang`` lacks it or its fields do not fit;
        the code with its parameters when no catalogue has it. Never raises for a missing or
        broken translation.

    Examples
    --------
    >>> text("asset_missing", "nl", id="A7")
    "asset 'A7' bestaat niet"
    """
    lang = lang or ENGLISH
    values = {k: v.render(lang) if isinstance(v, Message) else v for k, v in params.items()}
    raw = None
    for candidate in dict.fromkeys((lang, ENGLISH)):
        template = _template(code, candidate, values.get("count"))
        if template is None:
            continue
        raw = raw or template
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            continue  # a field the translation names but the call does not give: try English
    if raw is not None:
        return raw
    if not values:
        return code
    return f"{code} ({', '.join(f'{k}={v!r}' for k, v in values.items())})"


def ntext(code: str, count: int, lang: str | None = None, /, **params) -> str:
    """The text of a message with a number, in the plural form ``count`` asks for in ``lang``.

    A plural entry of the catalogues has the code as ``msgid`` and ``msgid_plural`` and one text per
    form (``Plural-Forms`` of the catalogue: ``1 probleem``, ``3 problemen``).

    Parameters
    ----------
    code : str
        Message code of a plural entry, e.g. ``"cli_asset_count"``.
    count : int
        The number that picks the form; given to the text as ``{count}`` too.
    lang : str or None
        Language code; ``None`` means English.
    **params
        Values for the other ``{name}`` fields.

    Returns
    -------
    str
        The text; the English one when ``lang`` lacks it, the code with its values when no
        catalogue has it. Never raises for a missing or broken translation.

    Examples
    --------
    >>> ntext("cli_asset_count", 1, "nl"), ntext("cli_asset_count", 3, "nl")
    ('1 asset', '3 assets')
    """
    return text(code, lang, **{"count": count, **params})


class Message:
    """A message code with its parameters, put into words when shown.

    Parameters
    ----------
    code : str
        Message code (msgid).
    **params
        Values for the fields of the text.

    Examples
    --------
    >>> note = Message("note_no_meeting_places")
    >>> note.render("nl")
    'de werkruimte heeft geen ontmoetingsplekken: elke bewoner telt als buiten bereik'
    """

    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params):
        self.code = code
        self.params = params

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (English when ``None``); see :func:`text`.

        Parameters
        ----------
        lang : str or None
            Language code.

        Returns
        -------
        str
            The text.
        """
        return text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.render(ENGLISH)

    def __repr__(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Message({self.code!r}{params})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)


def cli_language(explicit: str | None = None) -> str:
    """The language of the command line: ``explicit`` (``--lang``), else the locale, else English.

    Parameters
    ----------
    explicit : str or None
        The value of ``--lang`` when given (``"nl"``, ``"en"``, ``"nl_NL"`` ...).

    Returns
    -------
    str
        ``"nl"`` when ``explicit`` or, without it, the first set of ``LANGUAGE``, ``LC_ALL``,
        ``LC_MESSAGES`` and ``LANG`` starts with ``nl``; ``"en"`` otherwise.

    Examples
    --------
    >>> cli_language("nl")
    'nl'
    """
    if explicit:
        chosen = explicit
    else:
        chosen = ""
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            value = os.environ.get(name, "")
            if value:
                chosen = value.split(":")[0]  # LANGUAGE is a list of preferences
                break
    return "nl" if chosen.strip().lower().startswith("nl") else ENGLISH
