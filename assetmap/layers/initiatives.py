"""Initiatives and change over time: the fields that take the map to action.

An initiative (``building_block`` = ``initiative``) has owners (pseudonyms), a status
(``idee`` … ``gestopt``), what it ``seeks`` and what it ``offers``. Associations may seek and offer
too; offers and free ``tags`` may be on any entry. A person never *seeks*: the schema records what
people have, not their problems (see :data:`assetmap.layers.schema.PERSONAL_PROBLEM_WORDS`).

Lists are stored as text, items separated by ``"; "``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from assetmap.errors import Problem
from assetmap.layers import _validate
from assetmap.layers.schema import (
    ARCHIVED_STATUS,
    ASSET_REFERENCE_PREFIX,
    INITIATIVE,
    INITIATIVE_STATUSES,
    SEEK_ALIASES,
    SEEKING_KINDS,
)

__all__ = [
    "LIST_SEPARATOR",
    "split_list",
    "join_list",
    "normalise_seek",
    "normalise_tag",
    "owners_of",
    "is_owner",
    "is_archived",
    "check_initiative_fields",
]

#: How list items are joined when stored.
LIST_SEPARATOR = "; "
_SPLIT = re.compile(r"[;\n]")


def split_list(value) -> list[str]:
    """The items of a stored or typed semicolon list, stripped, empty ones dropped, each once.

    Parameters
    ----------
    value : object
        A text such as ``"ruimte; geld"``, a list of texts, or a missing value.

    Returns
    -------
    list of str
        The items in their order; ``[]`` for a missing or empty value.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    items = value if isinstance(value, (list, tuple, set)) else _SPLIT.split(str(value))
    out: list[str] = []
    for item in items:
        text = " ".join(str(item).split())
        if text and text not in out:
            out.append(text)
    return out


def join_list(items) -> str | None:
    """Items as stored: joined by ``"; "``; None when there are none.

    Parameters
    ----------
    items : iterable of str
        The items.

    Returns
    -------
    str or None
        The stored text.
    """
    items = [i for i in items if i]
    return LIST_SEPARATOR.join(items) if items else None


def normalise_seek(item: str) -> str:
    """One seek or offer as stored: a standard value (Dutch aliases accepted), ``asset:<id>``, or free text.

    Parameters
    ----------
    item : str
        As typed: ``Ruimte``, ``vrijwilligers``, ``asset:bieb-1``, ``een oven``.

    Returns
    -------
    str
        ``space``, ``volunteers``, ``money``, ``successor``; ``asset:<id>`` with the id as
        written; else the text in lower case.
    """
    text = " ".join(str(item).split())
    if text.lower().startswith(ASSET_REFERENCE_PREFIX):
        return ASSET_REFERENCE_PREFIX + text[len(ASSET_REFERENCE_PREFIX):].strip()
    low = text.lower()
    return SEEK_ALIASES.get(low, low)


def normalise_tag(tag: str) -> str:
    """A free tag as stored: lower case, single spaces (``Koken`` -> ``koken``).

    Parameters
    ----------
    tag : str
        As typed.

    Returns
    -------
    str
        The tag.
    """
    return " ".join(str(tag).split()).lower()


def owners_of(record) -> list[str]:
    """The owners of an entry: its ``owners`` list, else who added it.

    Parameters
    ----------
    record : mapping
        An asset's fields (``owners``, ``added_by``).

    Returns
    -------
    list of str
        Pseudonyms; empty when the entry has neither.
    """
    owners = split_list(record.get("owners"))
    added_by = record.get("added_by")
    if not owners and isinstance(added_by, str) and added_by:
        owners = [added_by]
    return owners


def is_owner(record, pseudonym: str | None) -> bool:
    """Whether ``pseudonym`` may change an entry as its own: it added it, or is one of its ``owners``.

    Parameters
    ----------
    record : mapping
        An asset's fields (``added_by``, ``owners``).
    pseudonym : str or None
        Who asks; nobody (None or empty) owns nothing.

    Returns
    -------
    bool
        True for the author and for every listed owner.
    """
    if not pseudonym:
        return False
    return record.get("added_by") == pseudonym or pseudonym in split_list(record.get("owners"))


def is_archived(record) -> bool:
    """Whether an entry has stopped (status ``gestopt`` or an ``ended_at``): it stays, archived.

    Parameters
    ----------
    record : mapping
        An asset's fields.

    Returns
    -------
    bool
        True for an archived entry.
    """
    ended = record.get("ended_at")
    return record.get("status") == ARCHIVED_STATUS or (isinstance(ended, str) and bool(ended))


def check_initiative_fields(out: pd.DataFrame, problems: list[Problem], rows: pd.Series | None = None,
                            stamp: str | None = None) -> None:
    """Normalise and check the initiative fields of an asset table, in place.

    ``seeks``, ``offers`` and ``tags`` become normalised semicolon lists; an initiative without
    status gets ``idee`` and without owners the one who added it; ``gestopt`` without
    ``ended_at`` gets ``stamp``. Dates (``last_checked``, ``ended_at``) become ISO 8601.

    Parameters
    ----------
    out : pandas.DataFrame
        Asset rows with every column of :data:`assetmap.layers.schema.ASSET_FIELDS` (text
        cleaned, ``building_block`` lower case).
    problems : list of Problem
        Found problems are appended: ``value_not_allowed`` (status), ``seeks_not_for_block``
        and ``status_not_for_block`` (a person or place that seeks or has a life cycle),
        ``date_invalid``.
    rows : pandas.Series, optional
        Row numbers to name (as in the user's file).
    stamp : str, optional
        The time an entry that stopped without ``ended_at`` is given (ISO 8601).
    """
    block = out["building_block"]
    initiative = (block == INITIATIVE).fillna(False).to_numpy()
    seeking = block.isin(SEEKING_KINDS).fillna(False).to_numpy()
    for column in ("seeks", "offers"):
        out[column] = pd.Series(_each_value(out[column], lambda v: join_list(normalise_seek(i) for i in split_list(v))),
                                index=out.index, dtype="string")
    out["tags"] = pd.Series(_each_value(out["tags"], lambda v: join_list(dict.fromkeys(normalise_tag(i)
                                                                                     for i in split_list(v)))),
                            index=out.index, dtype="string")
    owners = _each_value(out["owners"], lambda v: join_list(split_list(v)))
    added = out["added_by"].tolist()
    owners = [o if o or not init or added[k] is pd.NA or added[k] is None else added[k]
              for k, (o, init) in enumerate(zip(owners, initiative))]
    out["owners"] = pd.Series(owners, index=out.index, dtype="string")
    out["status"] = out["status"].str.lower()
    out.loc[initiative & out["status"].isna().to_numpy(), "status"] = "idee"
    _validate.check_allowed(out, "status", INITIATIVE_STATUSES, problems, rows)
    for pos in (~seeking & out["seeks"].notna().to_numpy()).nonzero()[0]:
        problems.append(Problem("seeks_not_for_block", "fix_seeks_on_initiative", row=_validate._row(rows, pos),
                                column="seeks", block=block.iloc[pos]))
    for pos in (~seeking & out["status"].notna().to_numpy()).nonzero()[0]:
        problems.append(Problem("status_not_for_block", "fix_status_on_initiative", row=_validate._row(rows, pos),
                                column="status", block=block.iloc[pos]))
    for column in ("last_checked", "ended_at"):
        out[column] = _parse_moments(out[column], column, problems, rows)
    stopped = (out["status"] == ARCHIVED_STATUS).fillna(False).to_numpy() & out["ended_at"].isna().to_numpy()
    if stamp is not None and stopped.any():
        out.loc[stopped, "ended_at"] = stamp


def _each_value(values: pd.Series, fn) -> list:
    """``fn`` of every cell, worked out once per distinct value (most cells of an import are empty or alike)."""
    done: dict = {}
    out = []
    for value in values.tolist():
        try:
            out.append(done[value])
        except KeyError:
            out.append(done.setdefault(value, fn(value)))
        except TypeError:  # an unhashable cell (a list typed in the app)
            out.append(fn(value))
    return out


def _parse_moments(values: pd.Series, column: str, problems: list[Problem], rows: pd.Series | None) -> pd.Series:
    """A day (2026-01-31, 31-1-2026) or an ISO 8601 time, kept as ISO text."""
    return _validate.parse_cells(values, _moment, column, problems, rows)


def _moment(value, complain) -> str | None:
    """One cell's day or time as ISO text."""
    text = str(value).strip()
    dutch = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    try:
        if dutch:
            text = date(int(dutch.group(3)), int(dutch.group(2)), int(dutch.group(1))).isoformat()
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        complain("date_invalid", "fix_write_day", value=text)
        return None
    return text
