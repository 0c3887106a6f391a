"""An entry's name and description in the reader's language, where the entry gives one (issue 36).

Dutch is the language every entry has; ``name_tr``, ``description_ar`` and the like are optional
(:data:`assetmap.layers.schema.TRANSLATION_FIELDS`). A resident map shows the visitor's text where
given and the Dutch text otherwise, and says which one it shows: :func:`in_language` adds, per
field, the language of the text it holds, so a face can mark a Dutch text as Dutch (``lang="nl"``).
"""

from __future__ import annotations

import pandas as pd

from assetmap.layers.schema import CONTENT_LANGUAGES, TRANSLATED_FIELDS

__all__ = ["LANGUAGE_SUFFIX", "in_language", "shown_language"]

#: Column beside ``name`` and ``description`` (``name_language``) with the language of the text shown.
LANGUAGE_SUFFIX = "_language"


def _given(value) -> str:
    """The text of a cell, stripped; empty for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def in_language(assets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``assets`` with ``name`` and ``description`` in ``lang`` where an entry gives them.

    Parameters
    ----------
    assets : pandas.DataFrame or geopandas.GeoDataFrame
        Entries, e.g. a public view; never changed.
    lang : str
        The reader's language (``nl`` changes no text).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A copy in which ``name`` and ``description`` hold the ``lang`` text where one is given, and
        ``name_language`` / ``description_language`` say which language each text is in (``lang``,
        or ``nl`` where the Dutch text stands in for a missing one).
    """
    out = assets.copy()
    for field in TRANSLATED_FIELDS:
        if field not in out.columns:
            continue
        dutch = out[field].astype(object)
        has_dutch = dutch.map(_given).astype(bool)
        other = f"{field}_{lang}"
        if lang in CONTENT_LANGUAGES and other in out.columns:
            text = out[other].astype(object).map(_given)
            own = text.astype(bool)
            out[field] = dutch.where(~own, text)
        else:
            own = pd.Series(False, index=out.index)
        out[field + LANGUAGE_SUFFIX] = pd.Series(
            [lang if mine or not dutch_text or lang == "nl" else "nl" for mine, dutch_text in zip(own, has_dutch)],
            index=out.index, dtype=object)
    return out


def shown_language(record, field: str, lang: str) -> str:
    """The language of ``field``'s text in a row of :func:`in_language` (``lang`` when not marked).

    Parameters
    ----------
    record : Mapping
        A row of :func:`in_language` (or any entry: then ``lang``).
    field : str
        ``name`` or ``description``.
    lang : str
        The reader's language.

    Returns
    -------
    str
        The language code of the text shown.
    """
    value = record.get(field + LANGUAGE_SUFFIX)
    return value if isinstance(value, str) and value else lang
