"""The asset schema: building blocks, fields, allowed values.

Every layer is described here once; validation, storage and exports read it.
"""

from __future__ import annotations

from typing import Final

#: The five ABCD building blocks (Kretzmann & McKnight), keyed as stored.
BUILDING_BLOCKS: Final[tuple[str, ...]] = ("individual", "association", "institution", "resource", "story")

#: Dutch and English labels of the building blocks, for the UI.
BUILDING_BLOCK_LABELS: Final[dict[str, dict[str, str]]] = {
    "individual": {"nl": "Individuele capaciteiten", "en": "Individual capacities"},
    "association": {"nl": "Gemeenschapsnetwerken en verenigingen", "en": "Associations"},
    "institution": {"nl": "Institutionele middelen", "en": "Institutions"},
    "resource": {"nl": "Fysieke en economische hulpbronnen", "en": "Physical and economic resources"},
    "story": {"nl": "Verhalen en cultuur", "en": "Stories and culture"},
}

SOURCES: Final[tuple[str, ...]] = ("osm", "cbs", "workshop", "import")
VISIBILITIES: Final[tuple[str, ...]] = ("public", "group", "private")
WHEELCHAIR_VALUES: Final[tuple[str, ...]] = ("yes", "limited", "no")
LINK_KINDS: Final[tuple[str, ...]] = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")
BOUNDARY_LEVELS: Final[tuple[str, ...]] = ("gemeente", "wijk", "buurt")

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
    "contact": "TEXT",
    "story_date": "TEXT",
    "related_asset_id": "TEXT",
    "visibility": "TEXT",
    "consent": "BOOLEAN",
    "added_by": "TEXT",
    "created_at": "TEXT",
    "updated_at": "TEXT",
}
REQUIRED_ASSET_FIELDS: Final[tuple[str, ...]] = ("name", "building_block")
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
