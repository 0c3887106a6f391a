"""The texts of the app in Dutch (default) and English, and of the resident pages also in Turkish, Arabic and Polish.

Every text is an entry of ``assetmap/locale/<lang>/LC_MESSAGES/assetmap.po`` (see
:mod:`assetmap.messages`), so a translator edits the catalogues, not Python. Building block labels
come from :data:`assetmap.layers.schema.BUILDING_BLOCK_LABELS` and category labels from the OSM tag
table (``data/osm_tags.csv``): they are data, not texts of the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

import pandas as pd

from assetmap.layers import categories
from assetmap.layers.hours import hours_text
from assetmap.layers.schema import BUILDING_BLOCK_LABELS
from assetmap.messages import N_, is_code, ntext, text

__all__ = [
    "LANGUAGES",
    "COMPLETE_LANGUAGES",
    "LANGUAGE_NAMES",
    "RTL_LANGUAGES",
    "RESIDENT_CODES",
    "GAPS_PUBLIC_CODES",
    "DEFAULT_LANGUAGE",
    "direction",
    "PAGE_TITLE_CODES",
    "RUNTIME_KEYS",
    "SPARE_KEYS",
    "t",
    "tn",
    "CODE_KINDS",
    "code_label",
    "codes_label",
    "page_title",
    "use_block_labels",
    "block_label",
    "category_label",
    "category_choices",
    "hours_label",
]

#: The languages a resident can read the map, the site and the agenda in (Dutch first): the languages of the
#: wijken (Transvaal, Schilderswijk, Moerwijk). A text a catalogue lacks comes in English (:mod:`assetmap.messages`).
LANGUAGES: tuple[str, ...] = ("nl", "en", "tr", "ar", "pl")
#: The languages whose catalogue has every text: the workshop and coordinator pages speak these.
COMPLETE_LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
#: Each language by its own name, as a language choice shows it (data, not a text to translate).
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "en": "English", "tr": "Türkçe", "ar": "العربية", "pl": "Polski"}
#: Languages written from right to left: their pages say ``dir="rtl"`` and mirror the layout.
RTL_LANGUAGES: tuple[str, ...] = ("ar",)

#: Every text a resident reads on the map page (/Kaart), the static site, the agenda and the accessibility
#: statement: the catalogues of
#: the languages beyond :data:`COMPLETE_LANGUAGES` have each of these (tests/test_languages.py checks it).
RESIDENT_CODES: tuple[str, ...] = (
    "agenda_calendar_name", "agenda_for", "agenda_free", "agenda_paid", "agenda_walk_in", "area", "buurt",
    "category", "choose_many", "choose_one", "col_covered", "col_median", "col_pct", "col_population",
    "col_uncovered", "coverage_method", "coverage_partial_shown", "coverage_partial_summary",
    "coverage_partial_withheld", "date_unknown", "description", "distance_km", "distance_km_exact",
    "distance_m", "filter_areas", "filter_blocks", "filter_categories", "filter_day", "filter_distance",
    "filter_group", "filter_near", "filter_near_help", "filter_near_placeholder", "filter_open", "filter_part",
    "filter_when_any", "filter_when_now", "filter_when_on", "filters", "flag_already", "flag_button",
    "flag_done", "flag_intro", "flag_pick", "flag_reason", "flag_title", "free_entry", "group_everyone",
    "group_newcomers", "group_not_recorded", "group_older_people", "group_parents", "group_youth",
    "hours_unknown_hint", "initiative_add", "initiative_area", "language", "layer_boundaries", "layer_meeting",
    "legend_coverage", "legend_meeting_place", "legend_title", "link_could_work_with", "link_located_at",
    "link_other", "link_part_of", "link_shared_tag", "link_story_about", "link_works_with", "linked_with",
    "map_close_popup", "map_intro", "map_label_assets", "map_layers", "map_list", "map_list_hint", "map_title",
    "map_zoom_in", "map_zoom_out", "meeting_place", "name", "name_needed", "near_distance_column",
    "near_not_found", "near_sorted", "no", "offers", "offers_placeholder", "offline_tiles", "open_now_at",
    "open_on_window", "open_unknown_list", "opening_hours", "operator", "page_home", "page_map",
    "part_afternoon", "part_day", "part_evening", "part_morning", "resident_initiative_added",
    "resident_initiative_how", "resident_initiative_title", "search", "seek_money", "seek_space",
    "seek_successor", "seek_volunteers", "seeks", "seeks_placeholder", "shown", "site_agenda_link",
    "site_all_areas", "site_all_categories", "site_clear_filters", "site_close", "site_coverage_details",
    "site_coverage_intro", "site_coverage_none", "site_coverage_title", "site_coverage_total", "site_download",
    "site_filters_title", "site_language", "site_last_checked", "site_map_hint", "site_map_hint_many",
    "site_more_filters", "site_near_locate", "site_near_my_location", "site_near_no_location",
    "site_near_privacy", "site_near_sorted", "site_near_street", "site_near_title", "site_no_meeting_places",
    "site_no_results", "site_no_stories", "site_not_checked_recently", "site_photo_credit", "site_sections",
    "site_show_more", "site_show_on_map", "site_skip_list", "site_skip_map", "site_stories_title",
    "site_story_about", "site_updated", "site_when_choice", "site_zoom_in", "site_zoom_out", "skip_map",
    "status", "status_gestart", "status_gestopt", "status_idee", "status_loopt", "status_overgedragen",
    "stories_here", "story_date", "tags", "this_week_activity", "this_week_free", "this_week_none",
    "this_week_place", "this_week_title", "this_week_walk_in", "this_week_when", "weekday_fr", "weekday_mo",
    "weekday_sa", "weekday_su", "weekday_th", "weekday_tu", "weekday_we", "wheelchair", "wheelchair_limited",
    "wheelchair_no", "wheelchair_yes", "wijk", "yes",
    # an entry's own text in the reader's language, or Dutch and said so (issue 36)
    "shown_in_dutch", "content_language_note",
    # the sidebar every resident page shares: the page menu, the sign-in panel, who is signed in
    "page_connections", "page_workshop", "page_data", "page_session", "page_share", "page_changes", "page_owner",
    "access_line", "role_public", "role_workshop", "role_coordinator", "sign_in", "sign_in_account",
    "sign_in_name", "sign_in_password", "sign_in_button", "sign_in_missing", "table_code", "pseudonym",
    "pseudonym_help", "table_code_button", "sign_in_oidc", "sign_in_unavailable", "sign_in_not_done",
    "sign_in_broken", "sign_in_wrong", "signed_in_as", "sign_out", "signed_out", "workspace",
    # the accessibility statement (pages/6_Toegankelijkheid.py), a resident page too
    "page_statement", "statement_title", "statement_intro", "statement_status_title", "statement_status",
    "statement_tested_title", "statement_tested", "statement_done_title", "statement_done", "statement_exceptions_title",
    "statement_exceptions", "statement_contact_title", "statement_contact",
)

#: Every text a public visitor can read on the meeting-places page (/Ontmoetingsplekken, page key ``gaps``):
#: the title and intro, minutes, walking speed and the filters (when, access, for whom) with the error a
#: time that cannot be read gives, the progress of a first load, the figures and their notes (method
#: stamp, partial areas, hours unknown, how complete the mapping is), the table per area, the coverage
#: map (layers, legend, tooltips), the suggested places and what-if (whoever may see coverage may
#: explore it: :func:`assetmap.service.policy.may_explore_coverage`), the groups and ages per area and
#: the profile picker. Codes made at run time are here too (``speed_*``, ``access_*``, ``group_*``,
#: ``age_*``, ``option_*``); many are also in :data:`RESIDENT_CODES`. Like those, the catalogues of the
#: languages beyond :data:`COMPLETE_LANGUAGES` have each of these (tests/test_languages.py checks it).
#: The sidebar every page shares (menu, sign-in panel) is in :data:`RESIDENT_CODES`; the printed profile
#: is made in English for the languages beyond Dutch and English.
GAPS_PUBLIC_CODES: tuple[str, ...] = (
    "page_gaps", "language", "gaps_title", "gaps_intro", "wijk", "buurt",
    # the choices: minutes, speed, suggested places, filters (a "when" that cannot be read is an error)
    "minutes", "speed", "speed_normal", "speed_slow", "show_sites", "show_sites_help", "sites_count",
    "number_placeholder", "filter_when", "filter_when_placeholder", "filter_when_help", "filter_access",
    "filter_group", "choose_one", "any", "access_walk_in", "access_by_appointment", "access_rent_only",
    "group_everyone", "group_youth", "group_older_people", "group_parents", "group_newcomers",
    "group_not_recorded", "older_people_slow", "error", "when_invalid", "fix_when", "problem_fix",
    # a first load, the what-if, the figures and their notes
    "computing", "progress_network", "progress_demand", "progress_snap", "progress_coverage",
    "coverage_no_network", "what_if", "what_if_help", "choose_many", "total_coverage", "total_population",
    "total_uncovered", "mapped_assets", "mapped_assets_help", "completeness_note", "filters_counted",
    "hours_unknown_note", "note_unreachable", "note_no_meeting_places", "coverage_partial_summary",
    "coverage_method", "coverage_snapping", "date_unknown",
    # the table per area
    "table_title", "gaps_table_first", "col_population", "col_covered", "col_uncovered", "col_pct", "col_median",
    "col_p90", "col_data_share", "col_partial", "col_unreachable", "col_mapped", "col_last_entry",
    "coverage_partial_shown", "coverage_partial_withheld",
    # the coverage map
    "layer_coverage", "layer_gaps", "layer_meeting", "layer_sites", "legend_coverage", "walk_minutes", "no_data",
    "legend_gap", "legend_meeting", "legend_site", "legend_may_be_unmapped", "unreachable", "map_label_coverage",
    "map_close_popup", "map_layers", "map_zoom_in", "map_zoom_out", "skip_map", "offline_tiles",
    # suggested places, several small or one large
    "sites_title", "col_rank", "name", "category", "col_added", "col_after", "small_or_large",
    "small_or_large_help", "seats_living_room", "seats_large", "col_option", "option_small", "option_large",
    "col_seats", "col_per_seat",
    # who the places are for, hours unknown, the profile picker
    "groups_title", "groups_intro", "age_pop_0_14", "age_pop_15_24", "age_pop_25_44", "age_pop_45_64",
    "age_pop_65plus", "hours_unknown_list", "hours_unknown", "opening_hours", "report_app_title",
    "report_no_coverage", "report_level_gemeente", "report_pick_area", "report_make", "report_making",
    "report_download", "report_app_help",
)


def direction(lang: str) -> str:
    """The writing direction of a language for HTML's ``dir``: ``rtl`` for Arabic, else ``ltr``.

    Parameters
    ----------
    lang : str
        Language code.

    Returns
    -------
    str
        ``"rtl"`` or ``"ltr"``.
    """
    return "rtl" if lang in RTL_LANGUAGES else "ltr"

#: Page key -> code of the page title shown in the sidebar navigation (file names stay Dutch, as
#: Streamlit shows them).
PAGE_TITLE_CODES: dict[str, str] = {
    "home": N_("page_home"), "map": N_("page_map"), "workshop": N_("page_workshop"), "gaps": N_("page_gaps"),
    "data": N_("page_data"), "changes": N_("page_changes"), "statement": N_("page_statement"),
    "page_connections": N_("page_connections"),
}

#: Codes that modules look up with a key made at run time (``t(level)``, ``t("wheelchair_" + value)``,
#: ``t(f"speed_{p}")``): listed so that extraction keeps them in the catalogues.
RUNTIME_KEYS: tuple[str, ...] = (
    N_("buurt"), N_("wijk"),  # t(level)
    N_("opening_hours"), N_("operator"), N_("story_date"),  # maps.asset_popup: t(field)
    N_("status"), N_("seeks"), N_("offers"), N_("tags"),  # maps.asset_popup: initiative fields
    N_("changes_added"), N_("changes_changed"), N_("changes_archived"), N_("changes_restored"),  # t("changes_" + kind)
    N_("changes_removed"), N_("changes_linked"),
    N_("consent"),  # _ui_moderation: t(field), an edit's changed field
    N_("wheelchair_yes"), N_("wheelchair_limited"), N_("wheelchair_no"),
    N_("link_works_with"), N_("link_could_work_with"), N_("link_part_of"), N_("link_located_at"),
    N_("link_story_about"), N_("link_other"), N_("link_shared_tag"),
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
    N_("export_dialect_excel"), N_("export_dialect_plain"),  # pages/4_Data: t("export_dialect_" + d)
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


def tn(key: str, count: int, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The app text ``key`` for a number, in the plural form ``count`` asks for (``1 probleem``, ``3 problemen``).

    Parameters
    ----------
    key : str
        Code of a plural entry of the catalogues (``msgid`` and ``msgid_plural`` are both the code).
    count : int
        The number; the text gets it as ``{count}``.
    lang : str
        Language code; one outside :data:`LANGUAGES` means Dutch.
    **values
        Values for the other ``{name}`` fields.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> tn("cli_asset_count", 1, "nl"), tn("cli_asset_count", 3, "nl")
    ('1 asset', '3 assets')
    """
    return ntext(key, count, lang if lang in LANGUAGES else DEFAULT_LANGUAGE, **values)


#: Kind of code -> prefix of its texts in the catalogues (``seek`` + ``money`` -> ``seek_money``).
CODE_KINDS: dict[str, str] = {
    "seek": "seek_", "access": "access_", "scale": "scale_", "group": "group_", "status": "status_",
    "visibility": "visibility_", "link": "link_", "wheelchair": "wheelchair_",
}

#: The codes :func:`code_label` looks up (a key made at run time, so listed for extraction).
_CODE_TEXTS: tuple[str, ...] = (
    N_("seek_space"), N_("seek_volunteers"), N_("seek_money"), N_("seek_successor"),
    N_("status_idee"), N_("status_gestart"), N_("status_loopt"), N_("status_overgedragen"), N_("status_gestopt"),
)


def code_label(kind: str, value, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a stored code reads as: ``("seek", "money", "nl")`` -> ``geld``.

    Parameters
    ----------
    kind : str
        One of :data:`CODE_KINDS`: ``seek`` (seeks and offers), ``access``, ``scale``, ``group``
        (target groups), ``status``, ``visibility``, ``link`` (link kinds) or ``wheelchair``.
    value : object
        The stored value. Free text (a seek such as ``soep``) and ``asset:<id>`` are shown as they are.
    lang : str
        Language code.

    Returns
    -------
    str
        The label; the value itself (as text) when the catalogue has no label for it; ``""`` for
        a missing value.

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`CODE_KINDS`.
    """
    if kind not in CODE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(CODE_KINDS)}, not {kind!r}")
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    plain = str(value).strip()
    if not plain:
        return ""
    code = CODE_KINDS[kind] + plain.lower()
    return t(code, lang) if is_code(code) else plain


def codes_label(kind: str, values, lang: str = DEFAULT_LANGUAGE) -> str:
    """A semicolon list of codes as people read it: ``"money; volunteers"`` -> ``geld, vrijwilligers``.

    Parameters
    ----------
    kind : str
        As :func:`code_label`.
    values : str or iterable or None
        A stored list (``;``-separated text) or the values themselves.
    lang : str
        Language code.

    Returns
    -------
    str
        The labels joined by ``, ``; ``""`` for none.
    """
    if values is None or values is pd.NA or (isinstance(values, float) and values != values):
        return ""
    items = str(values).split(";") if isinstance(values, str) else list(values)
    return ", ".join(label for label in (code_label(kind, v, lang) for v in items) if label)


def hours_label(value, lang: str = DEFAULT_LANGUAGE) -> str:
    """Stored opening hours as people read them (``ma–vr 09:00–12:00`` in Dutch).

    Parameters
    ----------
    value : str or None
        OSM ``opening_hours`` syntax.
    lang : str
        Language code.

    Returns
    -------
    str
        See :func:`assetmap.layers.hours.hours_text`.
    """
    return hours_text(value, lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


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
    lang : str
        Language of the label (one of :data:`LANGUAGES`).

    Returns
    -------
    str
        The label (``Buurthuis / wijkcentrum``); ``""`` for a missing category.
    """
    return categories.label(category, lang)


def category_choices(present, lang: str = DEFAULT_LANGUAGE) -> dict[str, tuple[str, ...]]:
    """Categories to offer in a list, each label once (see :func:`assetmap.layers.categories.choices`).

    Parameters
    ----------
    present : iterable of str
        Stored categories.
    lang : str
        Language of the labels (the order).

    Returns
    -------
    dict of str to tuple of str
        Category to show (label with :func:`category_label`) -> the stored categories it stands for.
    """
    return categories.choices(present, lang)
