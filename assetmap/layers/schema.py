"""The asset schema: building blocks, fields, allowed values.

Every layer is described here once; validation, storage and exports read it.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BUILDING_BLOCKS",
    "BUILDING_BLOCK_LABELS",
    "INITIATIVE",
    "ENTRY_KINDS",
    "ENTRY_KIND_SINGULAR_NL",
    "INITIATIVE_STATUSES",
    "ARCHIVED_STATUS",
    "SEEKING_KINDS",
    "SEEK_VALUES",
    "SEEK_ALIASES",
    "ASSET_REFERENCE_PREFIX",
    "INITIATIVE_FIELDS",
    "PERSONAL_PROBLEM_WORDS",
    "SOURCES",
    "VISIBILITIES",
    "WHEELCHAIR_VALUES",
    "LINK_KINDS",
    "BOUNDARY_LEVELS",
    "ACCESS_VALUES",
    "SCALE_VALUES",
    "TARGET_GROUPS",
    "ACCESS_ALIASES",
    "SCALE_ALIASES",
    "TARGET_GROUP_ALIASES",
    "AGE_GROUP_FIELDS",
    "ASSET_FIELDS",
    "REQUIRED_ASSET_FIELDS",
    "MEETING_PLACE_FIELDS",
    "CONTACT_FIELDS",
    "BOOLEAN_FIELDS",
    "LINK_FIELDS",
    "BOUNDARY_FIELDS",
    "ACTIVITY_FIELDS",
    "FORBIDDEN_FIELD_WORDS",
    "CONTENT_LANGUAGES",
    "TRANSLATED_FIELDS",
    "TRANSLATION_FIELDS",
    "text_fields",
]

#: The five ABCD building blocks (Kretzmann & McKnight), keyed as stored.
BUILDING_BLOCKS: Final[tuple[str, ...]] = ("individual", "association", "institution", "resource", "story")

#: Dutch and English labels of the building blocks, for the UI.
BUILDING_BLOCK_LABELS: Final[dict[str, dict[str, str]]] = {
    "individual": {"nl": "Individuele capaciteiten", "en": "Individual capacities", "tr": "Kişisel yetenekler",
                   "ar": "قدرات الأفراد", "pl": "Umiejętności mieszkańców"},
    "association": {"nl": "Gemeenschapsnetwerken en verenigingen", "en": "Associations",
                    "tr": "Dernekler ve topluluklar", "ar": "الجمعيات والشبكات", "pl": "Stowarzyszenia i grupy"},
    "institution": {"nl": "Institutionele middelen", "en": "Institutions", "tr": "Kurumlar", "ar": "المؤسسات",
                    "pl": "Instytucje"},
    "resource": {"nl": "Fysieke en economische hulpbronnen", "en": "Physical and economic resources",
                 "tr": "Yerler ve imkânlar", "ar": "الأماكن والموارد", "pl": "Miejsca i zasoby"},
    "story": {"nl": "Verhalen en cultuur", "en": "Stories and culture", "tr": "Hikâyeler ve kültür",
              "ar": "القصص والثقافة", "pl": "Historie i kultura"},
    # Not an ABCD building block: what people start with the assets (see ENTRY_KINDS).
    "initiative": {"nl": "Initiatieven", "en": "Initiatives", "tr": "Girişimler", "ar": "المبادرات",
                   "pl": "Inicjatywy"},
}

# ---- initiatives: from map to action (issue 18) ------------------------------------------------
#: An initiative is a sixth kind of entry beside the five ABCD building blocks, stored in the same
#: ``building_block`` column; BUILDING_BLOCKS stays the five blocks of the map and its analysis.
INITIATIVE: Final[str] = "initiative"
#: Every kind of entry a ``building_block`` may hold: the five blocks, then initiatives.
ENTRY_KINDS: Final[tuple[str, ...]] = BUILDING_BLOCKS + (INITIATIVE,)
#: Singular Dutch name of each kind, as people write it (``initiatief``).
ENTRY_KIND_SINGULAR_NL: Final[dict[str, str]] = {INITIATIVE: "initiatief"}
#: Life cycle of an initiative (and of an association that stopped): Dutch, as the practice says it.
INITIATIVE_STATUSES: Final[tuple[str, ...]] = ("idee", "gestart", "loopt", "overgedragen", "gestopt")
#: The status of an archived entry: it stays on the map as "gestopt", with its story.
ARCHIVED_STATUS: Final[str] = "gestopt"
#: Kinds that may carry ``seeks`` (and ``status``): an initiative or an association, never a person.
SEEKING_KINDS: Final[tuple[str, ...]] = (INITIATIVE, "association")
#: Standard values of ``seeks`` and ``offers``; free text and ``asset:<id>`` are allowed too.
SEEK_VALUES: Final[tuple[str, ...]] = ("space", "volunteers", "money", "successor")
#: Dutch (and other) ways of writing the standard values, accepted on input.
SEEK_ALIASES: Final[dict[str, str]] = {
    "ruimte": "space", "zaal": "space", "plek": "space", "lokaal": "space",
    "vrijwilligers": "volunteers", "vrijwilliger": "volunteers",
    "geld": "money", "subsidie": "money", "funding": "money",
    "opvolger": "successor", "opvolging": "successor",
}
#: Prefix of a seek or offer that names one asset: ``asset:<id>``.
ASSET_REFERENCE_PREFIX: Final[str] = "asset:"
#: Initiative and change-over-time fields (semicolon lists for seeks, offers, tags and owners).
INITIATIVE_FIELDS: Final[dict[str, str]] = {
    "status": "TEXT",
    "seeks": "TEXT",
    "offers": "TEXT",
    "tags": "TEXT",
    "owners": "TEXT",
    "last_checked": "TEXT",
    "ended_at": "TEXT",
}
#: Words of a column that would record a person's problems or need for help: refused like
#: :data:`FORBIDDEN_FIELD_WORDS`. ABCD maps what people have, never what they lack.
PERSONAL_PROBLEM_WORDS: Final[tuple[str, ...]] = (
    "hulpvraag", "hulpbehoefte", "zorgvraag", "zorgbehoefte", "hulp_nodig", "needs_help", "need_help",
    "help_needed", "problem", "probleem", "schulden", "debt", "diagnos", "beperking", "disabilit",
)
# ---- end initiatives ---------------------------------------------------------------------------

SOURCES: Final[tuple[str, ...]] = ("osm", "cbs", "workshop", "import")
VISIBILITIES: Final[tuple[str, ...]] = ("public", "group", "private")
WHEELCHAIR_VALUES: Final[tuple[str, ...]] = ("yes", "limited", "no")
LINK_KINDS: Final[tuple[str, ...]] = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")
BOUNDARY_LEVELS: Final[tuple[str, ...]] = ("gemeente", "wijk", "buurt")
#: How residents can use a meeting place: walk in, by appointment, or only by renting it.
ACCESS_VALUES: Final[tuple[str, ...]] = ("walk_in", "by_appointment", "rent_only")
#: Size of a meeting place: a living room (a few people), small, or a large centre.
SCALE_VALUES: Final[tuple[str, ...]] = ("living_room", "small", "large")
#: Who a meeting place or activity is for. Groups of residents, never a person's traits: no
#: special category of personal data (see :data:`FORBIDDEN_FIELD_WORDS`).
TARGET_GROUPS: Final[tuple[str, ...]] = ("everyone", "youth", "older_people", "parents", "newcomers")
#: Values as people write them in a workshop table (Dutch or English, normalised: lower case,
#: words joined by ``_``) -> stored value.
ACCESS_ALIASES: Final[dict[str, str]] = {
    "walk_in": "walk_in", "inloop": "walk_in", "vrije_inloop": "walk_in", "open": "walk_in",
    "by_appointment": "by_appointment", "appointment": "by_appointment", "op_afspraak": "by_appointment",
    "afspraak": "by_appointment", "rent_only": "rent_only", "rent": "rent_only", "alleen_huur": "rent_only",
    "huur": "rent_only", "verhuur": "rent_only",
}
SCALE_ALIASES: Final[dict[str, str]] = {
    "living_room": "living_room", "huiskamer": "living_room", "woonkamer": "living_room",
    "small": "small", "klein": "small", "large": "large", "groot": "large",
}
TARGET_GROUP_ALIASES: Final[dict[str, str]] = {
    "everyone": "everyone", "iedereen": "everyone", "alle": "everyone", "all": "everyone",
    "youth": "youth", "jongeren": "youth", "jeugd": "youth", "kinderen": "youth",
    "older_people": "older_people", "ouderen": "older_people", "senioren": "older_people",
    "parents": "parents", "ouders": "parents", "newcomers": "newcomers", "nieuwkomers": "newcomers",
    "nieuwe_bewoners": "newcomers",
}
#: CBS age groups of the residents of an area, as shares (%) of its population.
AGE_GROUP_FIELDS: Final[tuple[str, ...]] = ("pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65plus")

# ---- content in several languages (issue 36) ------------------------------------------------------
#: Languages an entry's name and description may also be written in, beside Dutch (the resident
#: map shows the visitor's where given, Dutch otherwise). The resident surfaces' languages but Dutch.
CONTENT_LANGUAGES: Final[tuple[str, ...]] = ("en", "tr", "ar", "pl")
#: The free-text fields that may carry a text per language.
TRANSLATED_FIELDS: Final[tuple[str, ...]] = ("name", "description")
#: ``name_en`` ... ``description_pl``: optional, free text, checked as the Dutch field is.
TRANSLATION_FIELDS: Final[dict[str, str]] = {
    f"{field}_{language}": "TEXT" for field in TRANSLATED_FIELDS for language in CONTENT_LANGUAGES}


def text_fields(*fields: str) -> tuple[str, ...]:
    """``fields`` followed by their texts in other languages (``name`` -> ``name``, ``name_en``, ...).

    Every check and mask of a free-text field goes over this, so a phone number typed in
    ``description_tr`` is found as one in ``description`` is.

    Parameters
    ----------
    *fields : str
        Field names; those of :data:`TRANSLATED_FIELDS` bring their other languages.

    Returns
    -------
    tuple of str
        ``fields`` in order, then ``name_en`` ... ``name_pl``, ``description_en`` ... where they apply.
    """
    return fields + tuple(f"{field}_{language}" for field in fields if field in TRANSLATED_FIELDS
                          for language in CONTENT_LANGUAGES)
# ---- end content in several languages --------------------------------------------------------------


#: Asset fields in storage order, with their SQLite/GeoPackage type.
#: ``geometry`` is held apart (point or polygon, EPSG:4326).
ASSET_FIELDS: Final[dict[str, str]] = {
    "id": "TEXT",
    "name": "TEXT",
    "building_block": "TEXT",
    "category": "TEXT",
    "description": "TEXT",
    "buurt_code": "TEXT",
    "wijk_code": "TEXT",
    "gemeente_code": "TEXT",
    "source": "TEXT",
    "source_ref": "TEXT",
    "is_meeting_place": "BOOLEAN",
    "opening_hours": "TEXT",
    "wheelchair": "TEXT",
    "free_entry": "BOOLEAN",
    "operator": "TEXT",
    "access": "TEXT",
    "scale": "TEXT",
    "capacity": "INTEGER",
    "target_groups": "TEXT",
    "contact": "TEXT",
    "story_date": "TEXT",
    "related_asset_id": "TEXT",
    "visibility": "TEXT",
    "consent": "BOOLEAN",
    "added_by": "TEXT",
    "created_at": "TEXT",
    "updated_at": "TEXT",
    **INITIATIVE_FIELDS,
    **TRANSLATION_FIELDS,
}
REQUIRED_ASSET_FIELDS: Final[tuple[str, ...]] = ("name", "building_block")
#: Meeting-place fields added by schema version 3 (a migration adds them to older files).
MEETING_PLACE_FIELDS: Final[tuple[str, ...]] = ("access", "scale", "capacity", "target_groups")
#: Fields that identify or reach a person; never in a public view.
CONTACT_FIELDS: Final[tuple[str, ...]] = ("contact",)
BOOLEAN_FIELDS: Final[tuple[str, ...]] = tuple(k for k, v in ASSET_FIELDS.items() if v == "BOOLEAN")

LINK_FIELDS: Final[dict[str, str]] = {
    "id": "TEXT",
    "from_asset_id": "TEXT",
    "to_asset_id": "TEXT",
    "kind": "TEXT",
    "note": "TEXT",
    "added_by": "TEXT",
    "created_at": "TEXT",
}

BOUNDARY_FIELDS: Final[dict[str, str]] = {
    "code": "TEXT",
    "level": "TEXT",
    "name": "TEXT",
    "population": "INTEGER",
    "wijk_code": "TEXT",
    "gemeente_code": "TEXT",
    "source": "TEXT",
    "year": "INTEGER",
    "pop_0_14": "REAL",
    "pop_15_24": "REAL",
    "pop_25_44": "REAL",
    "pop_45_64": "REAL",
    "pop_65plus": "REAL",
}

#: Activities at a place or of an association: a recurring time in OSM ``opening_hours`` syntax
#: (``Tu 19:00-21:00``), who it is for, free or paid, walk-in or not.
ACTIVITY_FIELDS: Final[dict[str, str]] = {
    "id": "TEXT",
    "asset_id": "TEXT",
    "name": "TEXT",
    "recurring_time": "TEXT",
    "target_group": "TEXT",
    "free": "BOOLEAN",
    "walk_in": "BOOLEAN",
    "added_by": "TEXT",
    "created_at": "TEXT",
}

#: Special categories of personal data (GDPR art. 9) that no layer may hold.
FORBIDDEN_FIELD_WORDS: Final[tuple[str, ...]] = (
    "ethnic", "etnic", "etnisch", "afkomst", "herkomst", "migratieachtergrond", "migration_background",
    # A place of worship keeps its denomination in category or description; a column of religion is
    # about persons, so it is refused like the others.
    "religion", "religie", "geloof", "godsdienst", "levensbeschouwing",
    "health", "gezondheid", "sexual", "seksue", "political", "politiek",
    "nationality", "nationaliteit",
)
