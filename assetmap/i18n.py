"""The texts of the app in Dutch (default) and English, from the gettext catalogues.

Every text is an entry of ``assetmap/locale/<lang>/LC_MESSAGES/assetmap.po`` (see
:mod:`assetmap.messages`), so a translator edits the catalogues, not Python. Building block labels
come from :data:`assetmap.layers.schema.BUILDING_BLOCK_LABELS` and category labels from the OSM tag
table (``data/osm_tags.csv``): they are data, not texts of the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

from assetmap.layers import categories
from assetmap.layers.schema import BUILDING_BLOCK_LABELS
from assetmap.messages import N_, text

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "PAGE_TITLE_CODES",
    "RUNTIME_KEYS",
    "SPARE_KEYS",
    "t",
    "page_title",
    "use_block_labels",
    "block_label",
    "category_label",
]

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

#: Page key -> code of the page title shown in the sidebar navigation (file names stay Dutch, as
#: Streamlit shows them).
PAGE_TITLE_CODES: dict[str, str] = {
    "home": N_("page_home"), "map": N_("page_map"), "workshop": N_("page_workshop"), "gaps": N_("page_gaps"),
    "data": N_("page_data"), "changes": N_("page_changes"), "statement": N_("page_statement"),
}

#: Codes that modules look up with a key made at run time (``t(level)``, ``t("wheelchair_" + value)``,
#: ``t(f"speed_{p}")``): listed so that extraction keeps them in the catalogues.
RUNTIME_KEYS: tuple[str, ...] = (
    N_("buurt"), N_("wijk"),  # t(level)
    N_("opening_hours"), N_("operator"), N_("story_date"),  # maps.asset_popup: t(field)
    N_("status"), N_("seeks"), N_("offers"), N_("tags"),  # maps.asset_popup: initiative fields
    N_("changes_added"), N_("changes_changed"), N_("changes_archived"), N_("changes_restored"),  # t("changes_" + kind)
    N_("changes_removed"), N_("changes_linked"),
    N_("wheelchair_yes"), N_("wheelchair_limited"), N_("wheelchair_no"),
    N_("link_works_with"), N_("link_could_work_with"), N_("link_part_of"), N_("link_located_at"),
    N_("link_story_about"), N_("link_other"),
    N_("visibility_public"), N_("visibility_group"), N_("visibility_private"), N_("visibility_default"),
    N_("speed_normal"), N_("speed_slow"),
    N_("role_public"), N_("role_workshop"), N_("role_coordinator"),  # ui: t("role_" + actor.role)
    # pages/3_Ontmoetingsplekken: t(f"access_{v}"), t(f"group_{g}"), t(f"age_{field}"), t(f"option_{o}")
    N_("access_walk_in"), N_("access_by_appointment"), N_("access_rent_only"),
    N_("group_everyone"), N_("group_youth"), N_("group_older_people"), N_("group_parents"), N_("group_newcomers"),
    N_("group_not_recorded"),
    N_("age_pop_0_14"), N_("age_pop_15_24"), N_("age_pop_25_44"), N_("age_pop_45_64"), N_("age_pop_65plus"),
    N_("option_small"), N_("option_large"),
    N_("scale_living_room"), N_("scale_small"), N_("scale_large"),  # pages/2: t("scale_" + v)
    N_("day_mo"), N_("day_tu"), N_("day_we"), N_("day_th"), N_("day_fr"), N_("day_sa"), N_("day_su"),  # this_week
)

#: Texts that no page shows at the moment, kept in the catalogues for the pages being rewritten.
SPARE_KEYS: tuple[str, ...] = (
    N_("app_title"), N_("workspace_error"), N_("no_boundaries"), N_("all"), N_("ws_picked"), N_("invalid"),
    N_("refresh"),
)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The app text ``key`` in ``lang``, formatted with ``values``.

    Parameters
    ----------
    key : str
        Message code in the catalogues (``assetmap/locale/<lang>/LC_MESSAGES/assetmap.po``).
    lang : str
        Language code; one outside :data:`LANGUAGES` means Dutch.
    **values
        Values for the ``{name}`` fields of the text.

    Returns
    -------
    str
        The text; English when ``lang`` lacks it, the key itself when no catalogue has it.

    Examples
    --------
    >>> t("shown", "nl", shown=3, total=10)
    '3 van 10 assets getoond'
    """
    return text(key, lang if lang in LANGUAGES else DEFAULT_LANGUAGE, **values)


def page_title(page: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Title of a page in the sidebar navigation and the browser tab.

    Parameters
    ----------
    page : str
        Page key: ``home``, ``map``, ``workshop``, ``gaps`` or ``data`` (see :data:`PAGE_TITLE_CODES`).
    lang : str
        Language code.

    Returns
    -------
    str
        The title, e.g. ``Ontmoetingsplekken``.
    """
    return t(PAGE_TITLE_CODES.get(page, page), lang)


#: The open workspace's own names for its building blocks, for this thread (a Streamlit script run, a
#: CLI command): set by the faces when they open a workspace (:func:`use_block_labels`).
_BLOCK_LABELS: ContextVar[Mapping[str, str]] = ContextVar("assetmap_block_labels", default=MappingProxyType({}))


def use_block_labels(labels: dict[str, str] | None) -> None:
    """Make a workspace's own building-block names (:meth:`~assetmap.service.Workspace.labels`) the
    labels :func:`block_label` gives in this thread, until set again.

    Parameters
    ----------
    labels : dict of str to str or None
        Building block -> label, e.g. ``{"individual": "Talenten"}``; empty or None for the standard ones.
    """
    _BLOCK_LABELS.set(dict(labels or {}))


def block_label(block: str, lang: str = DEFAULT_LANGUAGE, custom: dict[str, str] | None = None) -> str:
    """Label of an ABCD building block, e.g. ``institution`` -> ``Institutionele middelen``.

    Parameters
    ----------
    block : str
        A building block: ``individual``, ``association``, ``institution``, ``resource`` or
        ``story`` (see :data:`assetmap.layers.schema.BUILDING_BLOCK_LABELS`).
    lang : str
        Language code; one the labels lack means Dutch.
    custom : dict of str to str, optional
        The workspace's own names (:meth:`assetmap.service.Workspace.labels`), e.g.
        ``{"individual": "Talenten"}``; they replace the standard label in every language. None
        means the names set by :func:`use_block_labels` for this thread.

    Returns
    -------
    str
        The label; the block itself (as text) when it is not a known building block.
    """
    custom = _BLOCK_LABELS.get() if custom is None else custom
    if custom and custom.get(block):
        return str(custom[block])
    labels = BUILDING_BLOCK_LABELS.get(block)
    return labels.get(lang, labels[DEFAULT_LANGUAGE]) if labels else str(block)


def category_label(category: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Human label of a category from the catalogue in layers; the category itself when unknown.

    Parameters
    ----------
    category : str or None
        A category such as ``community_centre``.
    lang : {'nl', 'en'}
        Language of the label.

    Returns
    -------
    str
        The label (``Buurthuis / wijkcentrum``); ``""`` for a missing category.
    """
    return categories.label(category, lang)

