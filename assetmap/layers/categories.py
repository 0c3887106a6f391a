"""The category catalogue: one table says what every category is.

The catalogue is the editable table ``data/osm_tags.csv`` (documented in ``data/README.md``),
read once per file and cached. It answers four questions, for every part of assetmap:

* which OSM tag becomes which building block and category (:func:`tag_mapping`, :func:`osm_tags`),
  used by ``assetmap.sources``;
* which categories are meeting places (:func:`meeting_place_categories`) and which could open up
  as one (:func:`candidate_categories`), used by the coverage analysis. A candidate is a public or
  non-profit place where residents could meet: the ``ownership`` column says ``public``,
  ``non_profit``, ``commercial`` or ``mixed`` (a category that is often commercial, such as
  sports centres, which are often gyms), and a candidate row must say ``public`` or ``non_profit``;
* the Dutch and English label of each category (:func:`label`, :func:`labels`), used by the app,
  the maps and as the name of OSM features that have none.

Rows with an empty ``key`` and ``value`` are categories that no OSM tag gives (``buurthuis``,
``buurtkamer``, ... from workshop tables): they carry labels and flags but match no OSM feature.
A category may hold ``{value}`` (``shop_{value}``): the tag's value fills it in, so
``shop_bakery`` is labelled from the ``shop_{value}`` row.

Nothing here knows about sources, storage or the app; the path is read from
``settings.DATA_DIR`` when a function runs, so a changed setting is honoured.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers import _validate
from assetmap.layers.schema import BUILDING_BLOCKS

__all__ = [
    "CATALOGUE_FILE",
    "COLUMNS",
    "OWNERSHIP",
    "CANDIDATE_OWNERSHIP",
    "DEFAULT_LANGUAGE",
    "catalogue_path",
    "table",
    "tag_mapping",
    "osm_tags",
    "categories",
    "meeting_place_categories",
    "candidate_categories",
    "labels",
    "label",
    "canonical",
    "choices",
    "clear_cache",
]

#: File name of the catalogue inside ``settings.DATA_DIR``.
CATALOGUE_FILE = "osm_tags.csv"
#: Columns the catalogue must have (``label_<language>`` columns may be added for more languages).
COLUMNS: tuple[str, ...] = ("key", "value", "building_block", "category", "is_meeting_place",
                            "meeting_place_candidate", "label_nl", "label_en", "ownership")
#: Values of the ``ownership`` column: who usually runs places of the category.
OWNERSHIP: tuple[str, ...] = ("public", "non_profit", "commercial", "mixed")
#: Ownership a meeting-place candidate must have: residents can meet there without being customers.
CANDIDATE_OWNERSHIP: tuple[str, ...] = ("public", "non_profit")
#: Language used when a label is missing in the language asked for.
DEFAULT_LANGUAGE = "nl"

_TEMPLATE = "{value}"


def catalogue_path() -> Path:
    """The catalogue file that is in force now.

    Returns
    -------
    pathlib.Path
        ``settings.DATA_DIR / "osm_tags.csv"``, with ``DATA_DIR`` read at call time.
    """
    return Path(settings.DATA_DIR) / CATALOGUE_FILE


def table(path: str | Path | None = None) -> pd.DataFrame:
    """The whole catalogue, one row per OSM tag or tag-less category, in file order.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path` (read when the function runs).

    Returns
    -------
    pandas.DataFrame
        A copy of the cached table with every column of :data:`COLUMNS` as text; ``yes``/``no``
        columns are lower case, missing cells are empty strings.

    Raises
    ------
    assetmap.errors.InputError
        The file is missing, lacks a column or holds values the catalogue cannot use (unknown
        building block, a flag other than yes/no, an empty category, a key without a value or
        the other way round, a ``{value}`` category without a key); every such row is reported,
        numbered as in a spreadsheet without the header.
    """
    return _load(Path(path) if path is not None else catalogue_path()).copy()


def tag_mapping(path: str | Path | None = None) -> pd.DataFrame:
    """The OSM tag rows of the catalogue, in file order (the first matching row wins).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    pandas.DataFrame
        Rows with an OSM ``key``; ``value`` is a tag value or ``*`` (any value). Columns as in
        :func:`table`.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    rows = table(path)
    return rows[rows["key"] != ""].reset_index(drop=True)


def osm_tags(path: str | Path | None = None) -> dict[str, bool | list[str]]:
    """The OSM tags of the catalogue in osmnx's ``tags`` form.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    dict
        ``{key: True}`` where any value of the key maps (``*``), else ``{key: [values]}``,
        keys in file order.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    tags: dict[str, bool | list[str]] = {}
    for key, group in tag_mapping(path).groupby("key", sort=False):
        values = list(group["value"])
        tags[key] = True if "*" in values else values
    return tags


def categories(path: str | Path | None = None) -> tuple[str, ...]:
    """Every category of the catalogue, in file order (``{value}`` templates as written).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    tuple of str
        Each category once.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    return tuple(dict.fromkeys(table(path)["category"]))


def meeting_place_categories(path: str | Path | None = None) -> tuple[str, ...]:
    """Categories that are low-threshold meeting places (``is_meeting_place`` = yes).

    OSM features of these categories are marked ``is_meeting_place`` on import, and the coverage
    analysis counts every asset of these categories as a meeting place, marked or not.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    tuple of str
        Each category once, in file order.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    return _flagged(path, "is_meeting_place")


def candidate_categories(path: str | Path | None = None) -> tuple[str, ...]:
    """Categories that could open up as a meeting place (``meeting_place_candidate`` = yes).

    Only public or non-profit categories (``ownership`` ``public`` or ``non_profit``) may be
    candidates; :func:`table` refuses a catalogue with a commercial or mixed candidate row.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    tuple of str
        Each category once, in file order; the sites ``assetmap suggest`` chooses from.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    return _flagged(path, "meeting_place_candidate")


def labels(lang: str = DEFAULT_LANGUAGE, path: str | Path | None = None) -> dict[str, str]:
    """Category → label in ``lang``, for every category that has one.

    Parameters
    ----------
    lang : str
        Language code with a ``label_<lang>`` column (``"nl"``, ``"en"``, ``"tr"``, ``"ar"`` or
        ``"pl"``); an unknown language gives the Dutch labels. A missing label falls back to the Dutch one.
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    dict of str to str
        Keys as stored in the catalogue (templates like ``shop_{value}`` included); use
        :func:`label` for a stored category such as ``shop_bakery``.

    Raises
    ------
    assetmap.errors.InputError
        As :func:`table`.
    """
    return dict(_labels(Path(path) if path is not None else catalogue_path(), lang))


def label(category: str | None, lang: str = DEFAULT_LANGUAGE, path: str | Path | None = None) -> str:
    """The human label of one stored category, in Dutch or English.

    Never fails: a label is not worth an error page. An unknown category (or an unreadable
    catalogue) gives the category itself with spaces for underscores.

    Parameters
    ----------
    category : str or None
        A stored category, e.g. ``"library"`` or ``"shop_bakery"``. None, NaN and ``pd.NA``
        give an empty string.
    lang : str
        ``"nl"`` (default), ``"en"``, ``"tr"``, ``"ar"`` or ``"pl"``; another language gives the Dutch label.
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    str
        ``"Bibliotheek"`` for ``("library", "nl")``, ``"Fietsenwinkel"`` for ``"shop_bicycle"``
        (a row of its own); a category filled in from a ``{value}`` row that has no row of its
        own reads as that row's label, ``"Winkel"`` for ``"shop_vacuum_cleaner"``: never a raw OSM value.
    """
    if category is None or category is pd.NA or (isinstance(category, float) and category != category):
        return ""
    text = str(category)
    try:
        known = _labels(Path(path) if path is not None else catalogue_path(), lang)
    except (InputError, OSError):
        return text.replace("_", " ")
    if text in known:
        return known[text]
    for template, name in known.items():
        prefix, _, suffix = template.partition(_TEMPLATE)
        if _ and text.startswith(prefix) and text.endswith(suffix) and len(text) > len(prefix) + len(suffix):
            return name
    return text.replace("_", " ")


def canonical(category: str | None, path: str | Path | None = None) -> str | None:
    """The one category that stands for every category with the same Dutch label, for choices.

    Two stored categories that read the same (``shop_vacuum_cleaner`` and ``shop_tiles`` are both
    ``Winkel``) are one choice in a list: the catalogue's own category with that label when there
    is one (``shop``); a category with a label of its own (or one no catalogue row gives) stands
    for itself.

    Parameters
    ----------
    category : str or None
        A stored category.
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    str or None
        The standing category; None for a missing one.

    Examples
    --------
    >>> canonical("shop_vacuum_cleaner"), canonical("shop_bicycle"), canonical("library")
    ('shop', 'shop_bicycle', 'library')
    """
    if category is None or category is pd.NA or (isinstance(category, float) and category != category):
        return None
    text = str(category)
    try:
        by_label = _by_label(Path(path) if path is not None else catalogue_path())
    except (InputError, OSError):
        return text
    return by_label.get(label(text, DEFAULT_LANGUAGE, path), text)


def choices(present, lang: str = DEFAULT_LANGUAGE, path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """The categories to offer in a list, each label once: standing category -> the categories it stands for.

    Parameters
    ----------
    present : iterable of str
        Stored categories (missing values are left out).
    lang : str
        Language of the labels to sort by.
    path : str or pathlib.Path, optional
        Catalogue file; default :func:`catalogue_path`.

    Returns
    -------
    dict of str to tuple of str
        Ordered by label in ``lang``; choosing a key means choosing every category of its value.
    """
    groups: dict[str, list[str]] = {}
    for category in dict.fromkeys(c for c in present if c is not None and c is not pd.NA and c == c):
        groups.setdefault(canonical(category, path), []).append(str(category))
    return {key: tuple(groups[key]) for key in sorted(groups, key=lambda c: label(c, lang, path).casefold())}


def clear_cache() -> None:
    """Forget the cached catalogue so that the next call reads the file again (after editing it).

    Returns
    -------
    None
    """
    _load.cache_clear()
    _labels.cache_clear()
    _by_label.cache_clear()


# --------------------------------------------------------------------------- reading

@lru_cache(maxsize=8)
def _load(path: Path) -> pd.DataFrame:
    """Read and check the catalogue file once per path; every bad row is reported at once."""
    if not path.is_file():
        raise InputError("file_missing", "fix_check_path", path=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError("file_unreadable", "fix_right_file", name=path.name, error=exc) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("mapping_columns_missing", "fix_restore_mapping_header", path=path,
                         columns=", ".join(missing))
    # Rows shorter than the header (a hand-added row without its last cells) read as empty cells.
    frame = frame.fillna("").apply(lambda column: column.str.strip())
    problems: list[Problem] = []
    _validate.check_allowed(frame, "building_block", BUILDING_BLOCKS, problems)
    for column in ("is_meeting_place", "meeting_place_candidate"):
        frame[column] = frame[column].str.lower().replace("", "no")
        _validate.check_allowed(frame, column, ("yes", "no"), problems)
    frame["ownership"] = frame["ownership"].str.lower()
    _validate.check_allowed(frame[frame["ownership"] != ""], "ownership", OWNERSHIP, problems,
                            rows=pd.Series(frame.index[frame["ownership"] != ""] + 1))
    candidate = (frame["meeting_place_candidate"] == "yes") & ~frame["ownership"].isin(CANDIDATE_OWNERSHIP)
    for pos in candidate.to_numpy().nonzero()[0]:
        problems.append(Problem("candidate_not_public", "fix_candidate_public", row=_validate.row_number(pos),
                                column="ownership", category=frame["category"].iloc[pos],
                                ownership=frame["ownership"].iloc[pos] or "-"))
    for pos, row in enumerate(frame.itertuples(index=False)):
        # A row is an OSM tag (key and value) or a category no tag gives (neither); {value} needs a tag.
        empty = {"category": not row.category,
                 "key": not row.key and (bool(row.value) or _TEMPLATE in row.category),
                 "value": bool(row.key) and not row.value}
        problems.extend(Problem("cell_empty", "fix_fill_in", row=_validate.row_number(pos), column=column, name=column)
                        for column, missing_value in empty.items() if missing_value)
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return frame


@lru_cache(maxsize=16)
def _labels(path: Path, lang: str) -> dict[str, str]:
    frame = _load(path)
    column = f"label_{lang}" if f"label_{lang}" in frame.columns else f"label_{DEFAULT_LANGUAGE}"
    out: dict[str, str] = {}
    for category, text, fallback in zip(frame["category"], frame[column], frame[f"label_{DEFAULT_LANGUAGE}"]):
        name = text or fallback
        if name and category not in out:
            out[category] = name
    return out


@lru_cache(maxsize=8)
def _by_label(path: Path) -> dict[str, str]:
    """Dutch label -> the catalogue's own category with it (its first row), for :func:`canonical`."""
    out: dict[str, str] = {}
    for category, name in _labels(path, DEFAULT_LANGUAGE).items():
        if _TEMPLATE not in category:
            out.setdefault(name, category)
    return out


def _flagged(path: str | Path | None, column: str) -> tuple[str, ...]:
    rows = table(path)
    return tuple(dict.fromkeys(rows.loc[rows[column] == "yes", "category"]))
