"""Public views: what residents and the world may see.

Rules (see docs/privacy.md, "Privacy and data safety"):

* only assets with ``visibility == "public"`` and ``consent`` are shown;
* a public view is made from public data only: adding, moving or removing a private or group
  entry changes no byte of it;
* contact details, the pseudonym of who added an entry and the owners of an initiative are never
  shown: a public view never tells who seeks help. In every free-text
  field of an individual (name, description, category) a phone number, an e-mail address (also
  written as ``(at)``/``punt`` or without a top-level domain), an IBAN or a BSN (11-proef) is
  replaced by ``CONTACT_MASK``; the fields that describe a place, not a person (operator, opening
  hours, source reference), are left out for individuals;
* a link (``related_asset_id``) to an asset that the view leaves out is removed, so a public story
  does not point at a hidden person;
* an individual capacity is never placed finer than its buurt: all individuals of a buurt (or,
  without buurten, of a wijk) share one anchor point, computed from public map data alone: the
  point of the area farthest from any residential building (OSM), so it lands in a park, on a
  square or in a street, never on a home. Without buildings it is the area's representative point.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from assetmap import settings
from assetmap.layers.initiatives import is_owner
from assetmap.layers.schema import CONTACT_FIELDS, text_fields
from assetmap.messages import N_

__all__ = [
    "PSEUDONYM_FIELDS",
    "PERSON_TEXT_FIELDS",
    "PERSON_DROPPED_FIELDS",
    "CONTACT_MASK",
    "MAX_ANCHOR_CANDIDATES",
    "ANCHOR_CLEARANCE_M",
    "ANCHOR_EDGE_M",
    "is_public",
    "public_view",
    "public_activities",
    "mask_contact_details",
    "area_anchors",
    "workshop_view",
    "GROUP_MASKED_FIELDS",
    "mask_group_view",
    "holds_bsn",
    "handover_contacts",
    "story_warnings",
]

#: Pseudonyms: who added an entry, and the owners of an initiative (who seeks help is nobody's business).
PSEUDONYM_FIELDS: tuple[str, ...] = ("added_by", "owners")
_HIDDEN_FIELDS = CONTACT_FIELDS + PSEUDONYM_FIELDS
#: Free-text fields of an individual that are shown, with contact details masked.
PERSON_TEXT_FIELDS: tuple[str, ...] = (*text_fields("name", "description"), "category", "offers", "tags")
#: Fields that describe a place, not a person: left out of an individual's public entry.
PERSON_DROPPED_FIELDS: tuple[str, ...] = ("operator", "opening_hours", "source_ref", "access", "scale", "capacity",
                                          "target_groups")
#: What a phone number, e-mail address, IBAN or BSN in a person's public text is replaced by.
CONTACT_MASK: str = "[contact verborgen]"
#: Most anchor candidates tried per area (the grid widens for large areas).
MAX_ANCHOR_CANDIDATES: int = 4000
#: An anchor this far (metres) from every residential building is good enough; the one nearest the
#: area's centre is taken. Where no point is that far, the farthest point is.
ANCHOR_CLEARANCE_M: float = 50.0
#: Anchors keep this far (metres) inside the edge of the mapped area, where buildings beyond are unknown.
ANCHOR_EDGE_M: float = 100.0

_AT = r"(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|\(\s*apenstaartje\s*\))"
_DOT = r"(?:\.|\(\s*(?:dot|punt)\s*\)|\[\s*(?:dot|punt)\s*\]|\s(?:dot|punt)\s)"
_CONTACT_PATTERN = re.compile(
    # e-mail, also anna(at)voorbeeld(punt)nl, anna [at] voorbeeld . nl and anna@voorbeeld without a domain
    rf"[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*"
    # written out with words only: anna at voorbeeld punt nl (a dot word is required here)
    rf"|[\w.+-]+\s(?:at|apenstaartje)\s[\w-]+(?:\s*{_DOT}\s*[\w-]+)+"
    # phone numbers start with 0 or + (06-12345678, (070) 123 4567, +31 6 1234 5678, 0031 ...), so
    # years and counts ("1985 1986 1987") are left alone
    r"|(?<![\w+])(?:\((?=0\d{1,3}\)))?(?:\+\d|0)(?:[\s().-]{0,2}\d){8,13}(?![\w])",
    re.IGNORECASE)
# IBAN (checked with its mod-97 check digits) and BSN (checked with the 11-proef).
# What every contact detail above holds somewhere (a digit, an "at", a spoken "at"): a text without
# any is left alone at once, as most descriptions are.
_MAYBE_CONTACT = re.compile(rf"\d|{_AT}|\s(?:at|apenstaartje)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
# A Dutch IBAN (NL, 2 check digits, bank code, 10 digits) is masked even with wrong check digits.
_NL_IBAN = re.compile(r"NL\d{2}\s?[A-Z]{4}(?:\s?\d){10}(?!\w)", re.IGNORECASE)
_BSN_WORD = re.compile(r"\b(?:bsn|burgerservicenummer|sofi)", re.IGNORECASE)
_BSN_PATTERN = re.compile(r"(?<![\d.-])\d(?:[\s.-]?\d){7,8}(?![\d])")


def is_public(assets: gpd.GeoDataFrame) -> pd.Series:
    """Rows that may appear in a public view.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets with ``visibility`` and ``consent``.

    Returns
    -------
    pandas.Series
        Boolean, True where ``visibility`` is ``public`` and ``consent`` is true; a missing value
        counts as not public.
    """
    return (assets["visibility"] == "public").fillna(False) & assets["consent"].fillna(False).astype(bool)


def public_view(assets: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame | None,
                buildings: gpd.GeoDataFrame | None = None,
                study_area: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The assets as the public may see them (see the module docstring for the rules).

    Only public rows with consent, and public map data (boundaries and buildings), go into the
    result: no private or group entry can change it.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Assets of the workspace (EPSG:4326); rows that are not public are dropped first.
    boundaries : geopandas.GeoDataFrame or None
        Boundaries with ``code`` (EPSG:4326). An individual is placed at the anchor of its
        ``buurt_code``, else of its ``wijk_code``; without boundaries it is shown without a location.
    buildings : geopandas.GeoDataFrame, optional
        Residential buildings (OSM, EPSG:4326) that the anchors keep away from.
    study_area : geopandas.GeoDataFrame, optional
        The area the OSM data covers: anchors are chosen inside it, where the buildings are known.

    Returns
    -------
    geopandas.GeoDataFrame
        The public rows in EPSG:4326 with contact fields, ``added_by`` and ``owners`` emptied.
    """
    shown = assets[is_public(assets)].copy()
    for column in _HIDDEN_FIELDS:
        if column in shown.columns:
            shown[column] = pd.Series([pd.NA] * len(shown), dtype="string", index=shown.index)
    if "related_asset_id" in shown.columns:
        dangling = shown["related_asset_id"].notna() & ~shown["related_asset_id"].isin(shown["id"])
        shown.loc[dangling, "related_asset_id"] = pd.NA
    people = (shown["building_block"] == "individual").fillna(False)
    if people.any():
        for column in PERSON_TEXT_FIELDS:
            if column in shown.columns:
                shown.loc[people, column] = shown.loc[people, column].map(mask_contact_details)
        for column in PERSON_DROPPED_FIELDS:
            if column in shown.columns:
                shown.loc[people, column] = pd.NA
        area = shown.loc[people, "buurt_code"].fillna(shown.loc[people, "wijk_code"])
        anchors = area_anchors(boundaries, buildings, study_area, codes=set(area.dropna()))
        shown.loc[people, "geometry"] = gpd.GeoSeries([anchors.get(code) for code in area],
                                                      index=area.index, crs=settings.STORAGE_CRS)
    return gpd.GeoDataFrame(shown, geometry="geometry", crs=settings.STORAGE_CRS)


def public_activities(activities: pd.DataFrame, public_assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The activities the public may see: those of assets in the public view, never of a person.

    Parameters
    ----------
    activities : pandas.DataFrame
        Activities with ``asset_id`` and ``added_by``.
    public_assets : geopandas.GeoDataFrame
        A public view (see :func:`public_view`).

    Returns
    -------
    pandas.DataFrame
        The activities of public places and associations, ``added_by`` emptied.
    """
    people = (public_assets["building_block"] == "individual").fillna(False).to_numpy()
    shown = activities[activities["asset_id"].isin(public_assets.loc[~people, "id"]).to_numpy()].copy()
    if "added_by" in shown.columns:
        shown["added_by"] = pd.Series([pd.NA] * len(shown), dtype="string", index=shown.index)
    return shown.reset_index(drop=True)


def mask_contact_details(text):
    """``text`` with phone numbers, e-mail addresses, IBANs and BSNs replaced by :data:`CONTACT_MASK`.

    Parameters
    ----------
    text : object
        A text; anything else is returned as it is.

    Returns
    -------
    object
        The masked text, or ``text`` unchanged when it is not a string.
    """
    if not isinstance(text, str) or not _may_hold_contact(text):
        return text
    text = _NL_IBAN.sub(CONTACT_MASK, text)
    text = _mask_ibans(text)
    text = _BSN_PATTERN.sub(lambda m: CONTACT_MASK if _is_bsn(m.group(0)) else m.group(0), text)
    return _CONTACT_PATTERN.sub(CONTACT_MASK, text)


def _may_hold_contact(text: str) -> bool:
    """:data:`_MAYBE_CONTACT`, answered without the regex for a text with no digit, "@" or "at"."""
    if _DIGIT.search(text) or "@" in text:
        return True
    # casefold: the "at" forms match as the IGNORECASE pattern does (also a long s in "apenſtaartje").
    folded = text.casefold()
    return ("at" in folded or "apenstaartje" in folded) and _MAYBE_CONTACT.search(text) is not None


def _mask_ibans(text: str) -> str:
    """Mask every IBAN (any country, valid check digits), written with or without spaces."""
    out, position = [], 0
    for start in _IBAN_START.finditer(text):
        if start.start() < position:
            continue
        # The longest run of letters, digits and single spaces after the country code that is an IBAN.
        run = re.match(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*", text[start.start():]).group(0)
        for end in range(len(run), 14, -1):
            piece = run[:end]
            if not piece[-1].isspace() and (end == len(run) or not run[end].isalnum()) and _is_iban(piece):
                out.append(text[position:start.start()] + CONTACT_MASK)
                position = start.start() + end
                break
    return "".join(out) + text[position:]


def _is_iban(candidate: str) -> bool:
    """Whether ``candidate`` is an IBAN with valid check digits (ISO 13616, mod 97)."""
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34:
        return False
    rotated = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rotated)) % 97 == 1


def _is_bsn(candidate: str) -> bool:
    """Whether ``candidate`` is a BSN: nine digits that pass the 11-proef."""
    digits = [int(d) for d in re.sub(r"\D", "", candidate)]
    if len(digits) == 8:
        digits = [0] + digits  # a BSN may be written without its leading zero
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
    return total % 11 == 0


def area_anchors(boundaries: gpd.GeoDataFrame | None, buildings: gpd.GeoDataFrame | None = None,
                 study_area: gpd.GeoDataFrame | None = None, *, codes: set[str] | None = None,
                 step_m: float = 20.0) -> dict[str, object]:
    """One display point per boundary code, made from public map data only.

    Candidates are the area's representative point and a grid of ``step_m`` (wider for large
    areas) inside the area, nearest to the centre first. Where buildings are known (inside the
    study area, at least :data:`ANCHOR_EDGE_M` from its edge), the anchor is the first candidate
    at least :data:`ANCHOR_CLEARANCE_M` from every residential building, else the candidate
    farthest from them: a park, a square or a street, not a home. Without buildings it is the
    representative point.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame or None
        Areas with ``code``, in any CRS that is set.
    buildings : geopandas.GeoDataFrame, optional
        Residential buildings (points or shapes) in any CRS that is set.
    study_area : geopandas.GeoDataFrame, optional
        Where the buildings are known (the OSM extract), in any CRS that is set.
    codes : set of str, optional
        Only these areas (all by default). Each anchor depends on its own area alone.
    step_m : float
        Grid spacing in metres (EPSG:28992).

    Returns
    -------
    dict
        ``code -> shapely Point`` in EPSG:4326.
    """
    if boundaries is None or boundaries.empty:
        return {}
    areas = boundaries if codes is None else boundaries[boundaries["code"].isin(codes)]
    if areas.empty:
        return {}
    metric = areas.to_crs(settings.METRIC_CRS)
    tree, known = None, None
    if buildings is not None and len(buildings):
        homes = buildings.geometry[buildings.geometry.notna() & ~buildings.geometry.is_empty]
        if len(homes):
            tree = shapely.STRtree(np.asarray(homes.to_crs(settings.METRIC_CRS).array))
            known = shapely.union_all(np.asarray(homes.to_crs(settings.METRIC_CRS).envelope.array)).envelope
    if tree is not None and study_area is not None and len(study_area):
        known = shapely.make_valid(shapely.union_all(study_area.to_crs(settings.METRIC_CRS).geometry.array))
    if known is not None:
        inner = known.buffer(-ANCHOR_EDGE_M)
        known = inner if not inner.is_empty else known
    chosen = []
    for area in metric.geometry:
        area = shapely.make_valid(area)
        candidates = _candidates(area, max(step_m, (area.area / MAX_ANCHOR_CANDIDATES) ** 0.5))
        inside = candidates[shapely.contains(known, candidates)] if known is not None else candidates[:0]
        if tree is None or not len(inside):
            chosen.append(candidates[0])
            continue
        _, distance = tree.query_nearest(inside, return_distance=True, all_matches=False)
        clear = np.nonzero(distance >= ANCHOR_CLEARANCE_M)[0]
        chosen.append(inside[clear[0]] if len(clear) else inside[int(np.argmax(distance))])
    points = gpd.GeoSeries(chosen, crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    return {code: point for code, point in zip(metric["code"], points)}


def _candidates(area, step_m: float) -> np.ndarray:
    """The area's representative point, then grid points inside it, nearest to that point first."""
    centre = area.representative_point()
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step_m), np.arange(miny, maxy, step_m))
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(area, grid)]
    grid = grid[np.argsort(shapely.distance(grid, centre), kind="stable")]
    return np.concatenate([np.asarray([centre], dtype=object), grid])


def workshop_view(assets: gpd.GeoDataFrame, pseudonym: str | None) -> gpd.GeoDataFrame:
    """What a participant at a workshop table sees: public and group entries plus their own private ones.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Every asset of the workspace.
    pseudonym : str or None
        The participant's pseudonym; without one, no private entry is shown.

    Returns
    -------
    geopandas.GeoDataFrame
        The visible rows, without contact fields (people's own locations stay, as the group agreed),
        and without other tables' pseudonyms: ``added_by`` and ``owners`` stay only on the entries
        the participant added or owns.
    """
    if not len(assets):
        return assets
    visible = assets["visibility"].isin(["public", "group"]).fillna(False)
    if pseudonym:
        visible |= (assets["added_by"] == pseudonym).fillna(False)
    shown = assets[visible.to_numpy()].drop(columns=list(CONTACT_FIELDS), errors="ignore").copy()
    own = [is_owner(row, pseudonym) for row in shown[[c for c in PSEUDONYM_FIELDS if c in shown]].to_dict("records")]
    for column in (c for c in PSEUDONYM_FIELDS if c in shown):
        shown[column] = shown[column].astype(object).where(pd.Series(own, index=shown.index, dtype=bool), None)
    return shown


#: Free-text fields of any entry (or activity) in which a group view masks contact details, IBANs and BSNs.
GROUP_MASKED_FIELDS: tuple[str, ...] = (*text_fields("name", "description"), "category", "offers", "seeks", "tags", "operator",
                                        "target_groups", "target_group", "status")


def mask_group_view(assets: gpd.GeoDataFrame, pseudonym: str | None) -> gpd.GeoDataFrame:
    """A group (workshop) view with contact details, IBANs and BSNs masked in every free-text field
    of the entries ``pseudonym`` does not own (their own entries they see as they typed them).

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        What the participant may see (:func:`workshop_view`).
    pseudonym : str or None
        The participant's pseudonym; without one, every entry is masked.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with :func:`mask_contact_details` applied to :data:`GROUP_MASKED_FIELDS` of every
        entry the participant does not own.
    """
    if not len(assets):
        return assets
    records = assets[[c for c in ("added_by", "owners") if c in assets.columns]].astype(object)
    others = np.array([not is_owner(r, pseudonym) for r in records.to_dict("records")], dtype=bool)
    out = assets.copy()
    for column in GROUP_MASKED_FIELDS:
        if column in out.columns and others.any():
            values = out[column].astype(object).to_numpy().copy()
            values[others] = [mask_contact_details(v) for v in values[others]]
            out[column] = values
    return out


def holds_bsn(text) -> bool:
    """Whether ``text`` holds a BSN (nine digits that pass the 11-proef), which no entry may store.

    Parameters
    ----------
    text : object
        A text; anything else holds none.

    Returns
    -------
    bool
        True when a BSN is found.
    """
    if not isinstance(text, str) or not _DIGIT.search(text):
        return False
    # A phone number or an IBAN is not a BSN, though nine of its digits may pass the 11-proef.
    rest = _CONTACT_PATTERN.sub(" ", _mask_ibans(_NL_IBAN.sub(" ", text)))
    # Eight digits (a BSN without its leading zero) count only where the text says BSN: a KvK
    # number has eight digits too, and one in eleven passes the 11-proef.
    named = _BSN_WORD.search(rest) is not None
    return any(_is_bsn(m.group(0)) and (named or len(_DIGIT.findall(m.group(0))) == 9)
               for m in _BSN_PATTERN.finditer(rest))


def handover_contacts(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The contacts that their owners made visible, for a successor's handover bundle.

    Only entries that are public with consent, and never a person's (an individual's contact is
    their home, their phone): the contact of an initiative, association, institution or place.

    Parameters
    ----------
    assets : geopandas.GeoDataFrame
        Every asset of the workspace, contact fields included.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``building_block`` and ``contact``, one row per entry that has a contact.
    """
    columns = ["id", "name", "building_block", "contact"]
    if not len(assets) or "contact" not in assets.columns:
        return pd.DataFrame(columns=columns)
    keep = is_public(assets) & (assets["building_block"] != "individual").fillna(False) \
        & assets["contact"].notna() & (assets["contact"].astype("string").str.strip() != "").fillna(False)
    return pd.DataFrame(assets.loc[keep.to_numpy(), columns]).reset_index(drop=True)


_TITLE_NAME = re.compile(
    r"\b(?:mevrouw|mevr\.?|mw\.?|meneer|mr\.?|dhr\.?|de heer|juf|meester|buurvrouw|buurman|tante|oom|opa|oma)"
    r"\s+[A-Z][\w'-]+", re.IGNORECASE)
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+\s+(?:(?:van|de|der|den|ter|ten|el|al)\s+)+[A-Z][a-z]+")
_ADDRESS = re.compile(
    r"\b[A-Z][\w'-]*(?:straat|laan|weg|plein|kade|gracht|singel|hof|dreef|steeg|pad|dijk|markt|erf|park|"
    r"plantsoen|kwartier)\s+\d+\s?[a-zA-Z]?\b"
    r"|\b\d{4}\s?[A-Z]{2}\b")
# What the patterns above need somewhere: a text without it skips that pattern (most do, and a
# pattern is slow to fail). Title words are looked for in the casefolded text, as IGNORECASE matches.
_TITLE_WORDS = ("mevr", "mw", "meneer", "mr", "dhr", "de heer", "juf", "meester", "buur", "tante", "oom", "opa",
                "oma")
_NAME_PARTICLE = re.compile(r"\s(?:van|de|der|den|ter|ten|el|al)\s")


# Health and care need (GDPR art. 9, special categories): word stems looked for in the casefolded text.
_HEALTH_WORDS = ("ziek", "zieke", "kanker", "dementi", "alzheimer", "parkinson", "depressi", "psychisch",
                 "psychiatr", "verslaaf", "beroerte", "hartaanval", "diabet", "suikerziek", "rolstoel",
                 "gehandicapt", "handicap", "beperking", "blind", "doof", "chemo", "ziekenhuis", "mantelzorg",
                 "zorgbehoev", "thuiszorg", "hospice", "terminaal", "burn-out", "burnout", "autis", "adhd",
                 "medicijn", "operatie", "revalid", "gips", "illness", "sick", "cancer", "dementia",
                 "disabled", "wheelchair", "hospital", "mental health")
# Words that make a text about one person (with a health word: about that person's health).
_PERSON_WORDS = re.compile(
    r"\b(?:mijn|zijn|haar|hun|onze|buurvrouw|buurman|buren|moeder|vader|zoon|dochter|opa|oma|man|vrouw|"
    r"mevrouw|mevr|meneer|dhr|iemand|bewoner|bewoonster|weduwe|weduwnaar|my|his|her|neighbou?r|mother|father)\b",
    re.IGNORECASE)


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:  # a plain loop: twice as fast as any() over a generator
        if word in text:
            return True
    return False


def story_warnings(text: str | None) -> list[str]:
    """What in a story to check before it goes public: codes for a name, an address, contact details, health.

    A warning, not a refusal: the author decides. Used by the workshop page and by imports.

    Parameters
    ----------
    text : str or None
        The story (or description) as typed.

    Returns
    -------
    list of str
        Message codes, in this order where found: ``story_names_person``, ``story_gives_address``,
        ``story_gives_contact``, ``story_names_health`` (a person's health or care need: special
        category data, GDPR art. 9).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    found = []
    folded = text.casefold()
    if (_holds_any(folded, _TITLE_WORDS) and _TITLE_NAME.search(text)) \
            or (_NAME_PARTICLE.search(text) and _FULL_NAME.search(text)):
        found.append(N_("story_names_person"))
    if _DIGIT.search(text) and _ADDRESS.search(text):  # a house number or a postcode
        found.append(N_("story_gives_address"))
    if mask_contact_details(text) != text:
        found.append(N_("story_gives_contact"))
    if _holds_any(folded, _HEALTH_WORDS) and (N_("story_names_person") in found or _PERSON_WORDS.search(text)):
        found.append(N_("story_names_health"))
    return found
