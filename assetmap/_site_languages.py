"""Which of the five languages a published site offers (``assetmap publish --languages nl,tr,ar``)."""

from __future__ import annotations

from collections.abc import Sequence

from assetmap.errors import InputError
from assetmap.i18n import LANGUAGES

__all__ = ["only_languages", "site_languages"]


def site_languages(languages: Sequence[str] | str | None) -> list[str]:
    """The languages a site offers, in the order of :data:`assetmap.i18n.LANGUAGES` (Dutch first).

    Parameters
    ----------
    languages : sequence of str, str or None
        Language codes, or one text with commas (``"nl,tr,ar"``, as the CLI takes them); None: all.

    Returns
    -------
    list of str
        The codes, each once.

    Raises
    ------
    InputError
        ``publish_languages_unknown``: a code that is not one of the five (the message lists them),
        or no code at all.
    """
    if languages is None:
        return list(LANGUAGES)
    asked = [x.strip().lower() for x in (languages.split(",") if isinstance(languages, str) else languages)]
    asked = [x for x in asked if x]
    unknown = [x for x in asked if x not in LANGUAGES]
    if unknown or not asked:
        raise InputError("publish_languages_unknown", "fix_publish_languages", given=", ".join(unknown) or "-",
                         languages=", ".join(LANGUAGES))
    return [x for x in LANGUAGES if x in asked]


def only_languages(data, languages: Sequence[str]):
    """``data`` (of :func:`site_data`) with the texts of ``languages`` only.

    Every mapping keyed by languages (a text in each, or in those an entry was written in) keeps the
    offered ones, and the list
    of ``languages`` keeps their entries: a site in Dutch, Turkish and Arabic holds no Polish.

    Parameters
    ----------
    data : dict, list or value
        What :func:`site_data` returned, or a part of it.
    languages : sequence of str
        The offered codes (:func:`site_languages`).

    Returns
    -------
    The same structure, new containers where something was left out.
    """
    if isinstance(data, dict):
        if data and set(data) <= set(LANGUAGES):  # texts per language (every language, or those given)
            return {x: only_languages(data[x], languages) for x in languages if x in data}
        kept = {key: only_languages(value, languages) for key, value in data.items()}
        if isinstance(kept.get("languages"), list):
            kept["languages"] = [x for x in kept["languages"] if x.get("code") in languages]
        return kept
    if isinstance(data, list):
        return [only_languages(value, languages) for value in data]
    return data
