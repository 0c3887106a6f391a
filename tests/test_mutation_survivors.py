"""The tests mutation testing found missing (issue 29): each kills a mutant of the privacy or access
code that passed the whole suite before. How to run mutmut: README, "Mutation testing".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from assetmap.errors import PermissionDenied
from assetmap.privacy import handover_contacts, is_public
from assetmap.service import Actor, open_workspace

ANNA = Actor("anna", "workshop")
BERT = Actor("bert", "workshop")
PUBLIC = Actor(None, "public")
COORDINATOR = Actor("carla", "coordinator")
TRANSVAAL = Point(4.2905, 52.0662)


# ---------------------------------------------------------------------- privacy.py
def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=[TRANSVAAL] * len(rows), crs=4326)


def test_missing_consent_is_no():
    rows = _frame([{"visibility": "public", "consent": c, "building_block": "resource"}
                   for c in (True, False, None, np.nan)])
    assert is_public(rows).tolist() == [True, False, False, False]


def test_the_handover_keeps_no_individuals_contact_and_needs_public_and_consent():
    rows = _frame([
        {"id": "club", "name": "Koor", "building_block": "association", "visibility": "public", "consent": True,
         "contact": "koor@example.org"},
        {"id": "fatima", "name": "Fatima", "building_block": "individual", "visibility": "public", "consent": True,
         "contact": "06-12345678"},
        {"id": "groep", "name": "Tuin", "building_block": "resource", "visibility": "group", "consent": True,
         "contact": "tuin@example.org"},
        {"id": "geen", "name": "Kast", "building_block": "resource", "visibility": "public", "consent": False,
         "contact": "kast@example.org"},
        {"id": "leeg", "name": "Bank", "building_block": "resource", "visibility": "public", "consent": True,
         "contact": "  "},
    ])
    assert handover_contacts(rows)["id"].tolist() == ["club"]


# ---------------------------------------------------------------------- the access policy
@pytest.mark.parametrize("role", ["admin", "Public", "Coordinator", "", None])
def test_an_actor_with_an_unknown_role_cannot_exist(role):
    with pytest.raises(ValueError):
        Actor("iemand", role)


def test_the_public_may_neither_edit_nor_delete_an_activity(delft_ws):
    ws = delft_ws
    place = ws.add_entry({"name": "Buurthuis", "building_block": "institution", "visibility": "public",
                          "consent": True}, Point(4.3720, 52.0030), COORDINATOR)
    activity = ws.add_activity({"asset_id": place, "name": "Koffie", "recurring_time": "We 10:00-12:00"},
                               COORDINATOR)
    with pytest.raises(PermissionDenied):
        ws.update_activity(activity, {"name": "Gratis, bel 06-12345678"}, PUBLIC)
    with pytest.raises(PermissionDenied):
        ws.delete_activity(activity, PUBLIC)
    with pytest.raises(PermissionDenied):
        ws.update_activity(activity, {"name": "Overgenomen"}, BERT)  # not Bert's either
    assert ws.activities(place, actor=COORDINATOR)["name"].tolist() == ["Koffie"]


def test_a_table_sees_no_activity_of_another_tables_private_place(delft_ws):
    ws = delft_ws
    hidden = ws.add_entry({"name": "Mijn schuur", "building_block": "resource", "visibility": "private"},
                          Point(4.3720, 52.0030), ANNA)
    activity = ws.add_activity({"asset_id": hidden, "name": "Klussen", "recurring_time": "Sa 10:00-12:00"}, ANNA)
    assert activity in set(ws.activities(actor=ANNA)["id"])
    assert activity not in set(ws.activities(actor=BERT)["id"])
    assert activity not in set(ws.activities(actor=PUBLIC)["id"])


def test_a_table_may_not_remove_an_entry_without_an_owner(denhaag_workspace):
    """Imports and a coordinator's entries have no table as owner: they belong to the coordinators."""
    with open_workspace(denhaag_workspace) as ws:
        ws.set_moderation(False)
        club = ws.add_entry({"name": "Buurtkoor", "building_block": "association", "visibility": "public",
                             "consent": True}, TRANSVAAL, COORDINATOR)
        stored = ws.store.read("assets", {"id": club})
        stored["added_by"] = None  # as an import without --by leaves it
        ws.store.update("assets", stored, "id")
        for attempt in (lambda: ws.remove([club], ANNA), lambda: ws.delete_assets([club], ANNA),
                        lambda: ws.remove([club], ANNA, permanently=True)):
            with pytest.raises(PermissionDenied):
                attempt()
        assert ws.asset(club)["status"] != "gestopt"


def test_only_an_owner_or_a_coordinator_brings_back_an_archived_initiative(delft_ws):
    ws = delft_ws
    ws.set_moderation(False)
    kook = ws.add_initiative({"name": "Kookclub", "status": "loopt", "visibility": "public", "consent": True},
                             Point(4.3720, 52.0030), ANNA)
    ws.remove([kook], ANNA)
    with pytest.raises(PermissionDenied):
        ws.restore_asset(kook, BERT)  # not Bert's
    assert ws.asset(kook)["status"] == "gestopt"
    assert ws.restore_asset(kook, COORDINATOR)["status"] == "loopt"  # a coordinator may



def test_a_person_without_an_area_anchor_is_not_placed_at_home():
    """Outside every boundary, or with no boundaries at all: no point, never the exact home."""
    from assetmap.privacy import public_view

    home = Point(4.3571, 52.0116)
    rows = _frame([{"id": "p", "name": "Buurvrouw", "building_block": "individual", "visibility": "public",
                    "consent": True, "buurt_code": None, "wijk_code": None},
                   {"id": "q", "name": "Buurman", "building_block": "individual", "visibility": "public",
                    "consent": True, "buurt_code": "BU99999999", "wijk_code": None}])
    rows["geometry"] = [home, home]
    empty = gpd.GeoDataFrame({"code": [], "level": []}, geometry=[], crs=4326)
    for boundaries in (None, empty):
        shown = public_view(rows, boundaries)
        assert len(shown) == 2
        for geometry in shown.geometry:
            assert geometry is None or geometry.is_empty or not geometry.equals(home)


def test_an_anchor_keeps_fifty_metres_from_every_home(delft_ws):
    """The rule is 50 m (not the constant, which a mutant may change): at least that from every home."""
    from assetmap.layers.assets import build_assets
    from assetmap.layers.boundaries import assign_codes
    from assetmap.privacy import ANCHOR_CLEARANCE_M, public_view

    assert ANCHOR_CLEARANCE_M == 50.0
    homes = delft_ws.buildings()
    home = homes.geometry.iloc[len(homes) // 3]
    rows = gpd.GeoDataFrame({"name": ["Buurvrouw met talent"], "building_block": ["individual"],
                             "visibility": ["public"], "consent": [True]}, geometry=[home], crs=4326)
    delft_ws.save_assets(assign_codes(build_assets(rows, added_by="tafel 9"), delft_ws.boundaries()))
    view = public_view(delft_ws.assets(), delft_ws.boundaries(), homes, delft_ws.study_area())
    shown = gpd.GeoSeries(view.loc[view["name"] == "Buurvrouw met talent", "geometry"], crs=4326).to_crs(28992)
    assert homes.geometry.to_crs(28992).distance(shown.iloc[0]).min() >= 50.0


# ---------------------------------------------------------------------- round 2 (bench/mutation.sh)
def test_the_handover_contacts_of_edge_cases_have_the_four_columns_and_no_more():
    columns = ["id", "name", "building_block", "contact"]
    empty = gpd.GeoDataFrame({"id": [], "building_block": [], "contact": []}, geometry=[], crs=4326)
    assert handover_contacts(empty).columns.tolist() == columns
    no_contact = _frame([{"id": "club", "name": "Koor", "building_block": "association", "visibility": "public",
                          "consent": True}])
    assert handover_contacts(no_contact).columns.tolist() == columns and handover_contacts(no_contact).empty
    rows = _frame([
        {"id": "a", "name": "A", "building_block": "resource", "visibility": "group", "consent": True,
         "contact": "a@example.org"},
        {"id": "b", "name": "B", "building_block": "association", "visibility": "public", "consent": True,
         "contact": "b@example.org"},
        # The kind unknown (a text column with a gap): not known not to be a person, so left out.
        {"id": "c", "name": "C", "building_block": None, "visibility": "public", "consent": True,
         "contact": "c@example.org"}])
    rows["building_block"] = rows["building_block"].astype("string")
    kept = handover_contacts(rows)
    assert kept.columns.tolist() == columns  # no former index as a column
    assert kept["id"].tolist() == ["b"] and kept.index.tolist() == [0]


@pytest.mark.parametrize("text, masked", [
    ("IBAN nl91 abna 0417 1643 00 graag", True),  # lower case, with spaces: still an IBAN
    ("Lijn AB12 3456 789 en verder", False),  # too short to be an IBAN, whatever its digits
    ("BSN 111222333 graag", True),  # passes the 11-proef
    ("BSN 0000.0000", False),  # zeros pass the sum (with the leading zero), but are no BSN
])
def test_ibans_of_every_case_are_masked_and_short_codes_are_not(text, masked):
    from assetmap.privacy import CONTACT_MASK, holds_bsn, mask_contact_details

    assert (CONTACT_MASK in mask_contact_details(text)) is masked, mask_contact_details(text)
    if text.startswith("BSN"):
        assert holds_bsn(text) is masked


def _with_check_digits(country: str, body: str) -> str:
    """``country`` + check digits + ``body``: a string that passes the IBAN mod-97 check (ISO 13616)."""
    number = int("".join(str(int(ch, 36)) for ch in body + country + "00"))
    return f"{country}{98 - number % 97:02d}{body}"


def test_an_iban_is_at_most_34_characters():
    from assetmap.privacy import CONTACT_MASK, mask_contact_details

    longest, too_long = _with_check_digits("XK", "1" * 30), _with_check_digits("XK", "1" * 31)
    assert (len(longest), len(too_long)) == (34, 35)
    assert mask_contact_details(f"rekening {longest}") == f"rekening {CONTACT_MASK}"
    assert CONTACT_MASK not in mask_contact_details(f"rekening {too_long}")


def _refusal(check, *args) -> tuple[str, dict]:
    with pytest.raises(PermissionDenied) as refused:
        check(*args)
    [problem] = refused.value.problems
    return problem.code, dict(problem.params)


def test_every_refusal_of_the_policy_says_which_rule_and_which_entry():
    """The message a refused person reads: the rule by its code and the entry by its id."""
    from assetmap.service import policy

    mine, theirs = {"added_by": "anna", "owners": None}, {"added_by": "bert", "owners": None}
    assert _refusal(policy.check_write, PUBLIC) == ("permission_public_read_only", {})
    assert _refusal(policy.check_manage, ANNA) == ("permission_coordinator_only", {})
    assert _refusal(policy.check_take_over, ANNA) == ("permission_take_over", {})
    assert _refusal(policy.check_decide_reports, ANNA) == ("permission_coordinator_only", {})
    assert _refusal(policy.check_issue_update_links, ANNA) == ("permission_coordinator_only", {})
    assert _refusal(policy.check_change, ANNA, theirs, "e1") == ("permission_not_yours", {"id": "e1"})
    assert _refusal(policy.check_change, Actor(None, "workshop"), mine, "e1") == ("permission_no_pseudonym", {})
    assert _refusal(policy.check_restore, ANNA, theirs, "e2") == ("permission_not_yours", {"id": "e2"})
    assert _refusal(policy.check_unarchive, ANNA, theirs, "e3") == ("permission_not_yours", {"id": "e3"})
    person = {**theirs, "building_block": "individual"}
    assert _refusal(policy.check_add_photo, ANNA, person, "e4") == ("permission_photo_person", {"id": "e4"})
    assert _refusal(policy.check_remove_photo, ANNA, theirs, theirs, "f1") == ("permission_not_yours", {"id": "f1"})
    owner = policy.owner_actor("e5")
    assert _refusal(policy.check_owner_edit, owner, "e6") == ("permission_owner_other_entry", {"id": "e6"})
    assert _refusal(policy.check_owner_edit, owner, "e5", ["visibility", "name", "contact"]) == \
        ("permission_owner_field", {"fields": "contact, visibility"})
    assert _refusal(policy.check_entry_write, owner, "e5", ["name", "visibility"]) == \
        ("permission_owner_field", {"fields": "visibility"})
    assert _refusal(policy.check_entry_write, PUBLIC, "e5", ["name"]) == ("permission_public_read_only", {})
    # What each may do is not refused.
    policy.check_change(ANNA, mine, "e1")
    policy.check_change(COORDINATOR, theirs, "e1")  # a coordinator changes any entry, unless owner_only
    assert _refusal(policy.check_change, COORDINATOR, theirs, "e1", True) == ("permission_not_yours", {"id": "e1"})
    policy.check_restore(ANNA, mine, "e2")
    policy.check_remove_photo(ANNA, mine, theirs, "f1")
    policy.check_owner_edit(owner, "e5", ["name", "opening_hours"])


def test_the_higher_of_two_roles():
    from assetmap.service.policy import higher_role

    assert higher_role("coordinator", "workshop") == "coordinator"
    assert higher_role("workshop", "coordinator") == "coordinator"
    assert higher_role("public", "workshop") == "workshop" and higher_role("workshop", "public") == "workshop"


def test_the_anchor_is_the_grid_point_nearest_the_centre_that_keeps_fifty_metres_from_every_home():
    """area_anchors as documented: the representative point, then a 20 m grid inside the area, nearest to
    it first (ties in grid order); the first at least 50 m from every home. A home on the centre itself."""
    import shapely
    from shapely.geometry import box

    from assetmap.privacy import area_anchors

    square = box(85000, 445000, 85400, 445400)  # 400 x 400 m in Den Haag, RD New
    areas = gpd.GeoDataFrame({"code": ["BU05180001"]}, geometry=[square], crs=28992)
    centre = square.representative_point()
    home = box(centre.x - 9, centre.y - 9, centre.x + 9, centre.y + 9)
    buildings = gpd.GeoDataFrame(geometry=[home], crs=28992)
    known = gpd.GeoDataFrame(geometry=[square.buffer(1000)], crs=28992)
    anchor = gpd.GeoSeries([area_anchors(areas, buildings, known)["BU05180001"]], crs=4326).to_crs(28992).iloc[0]

    xs, ys = np.meshgrid(np.arange(85000, 85400, 20.0), np.arange(445000, 445400, 20.0))
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(square, grid)]
    grid = grid[np.argsort(shapely.distance(grid, centre), kind="stable")]
    expected = next(p for p in grid if p.distance(home) >= 50)
    assert anchor.distance(home) >= 50 and square.contains(anchor)  # 51 m (to and from WGS84: within 1 mm)
    assert anchor.distance(expected) < 0.01, (anchor, expected)  # 60 m below the centre: (85200, 445140)
    assert abs(expected.x - 85200) < 1e-6 and abs(expected.y - 445140) < 1e-6
    # Without the study area the known part is the homes' extent (here with two more homes, in the corners).
    corners = [box(85005, 445005, 85015, 445015), box(85385, 445385, 85395, 445395)]
    more = gpd.GeoDataFrame(geometry=[home, *corners], crs=28992)
    alone = gpd.GeoSeries([area_anchors(areas, more)["BU05180001"]], crs=4326).to_crs(28992).iloc[0]
    assert alone.distance(expected) < 0.01, alone
    # Buildings without a shape (missing or empty) are no homes: the representative point, no error.
    shapeless = gpd.GeoDataFrame(geometry=[None, Point()], crs=28992)
    plain = gpd.GeoSeries([area_anchors(areas, shapeless, known)["BU05180001"]], crs=4326).to_crs(28992).iloc[0]
    assert plain.distance(centre) < 0.01
    # Only the areas asked for.
    two = gpd.GeoDataFrame({"code": ["BU05180001", "BU05180002"]}, geometry=[square, box(86000, 445000, 86400, 445400)],
                           crs=28992)
    assert set(area_anchors(two, buildings, known, codes={"BU05180002"})) == {"BU05180002"}


def test_the_public_sees_the_activities_of_places_never_of_a_person():
    import pandas as pd

    from assetmap.privacy import public_activities

    shown_assets = _frame([
        {"id": "p", "name": "Buurvrouw", "building_block": "individual", "visibility": "public", "consent": True},
        {"id": "club", "name": "Koor", "building_block": "association", "visibility": "public", "consent": True},
        {"id": "x", "name": "Onbekend", "building_block": None, "visibility": "public", "consent": True}])
    shown_assets["building_block"] = shown_assets["building_block"].astype("string")
    activities = pd.DataFrame({"id": ["a1", "a2", "a3"], "asset_id": ["p", "club", "x"], "name": ["Les", "Zingen", "Koffie"],
                               "added_by": ["anna", "bert", "carla"]})
    shown = public_activities(activities, shown_assets)
    assert shown["id"].tolist() == ["a2", "a3"] and shown.index.tolist() == [0, 1]
    assert shown.columns.tolist() == ["id", "asset_id", "name", "added_by"]  # no former index as a column
    assert shown["added_by"].isna().all() and shown["added_by"].dtype == "string"


def test_an_entry_belongs_to_its_owners_and_without_any_to_a_nameless_coordinator_only():
    from assetmap.service.policy import belongs_to

    nameless = Actor(None, "coordinator")
    ownerless, annas = {"added_by": None, "owners": None}, {"added_by": "anna", "owners": None}
    berts = {"added_by": None, "owners": "bert"}
    assert belongs_to(nameless, ownerless) and belongs_to(nameless, {"added_by": "", "owners": ""})
    assert not belongs_to(nameless, annas) and not belongs_to(nameless, berts)
    assert belongs_to(ANNA, annas) and belongs_to(BERT, berts) and not belongs_to(BERT, annas)
    assert not belongs_to(ANNA, ownerless) and not belongs_to(COORDINATOR, ownerless)  # a name: not theirs


def _documented_anchor(area, homes, step_m: float = 20.0):
    """area_anchors' rule as its docstring states it, with every candidate inside the known part."""
    import shapely

    centre = area.representative_point()
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, step_m), np.arange(miny, maxy, step_m))
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(area, grid)]
    candidates = [centre, *grid[np.argsort(shapely.distance(grid, centre), kind="stable")]]
    distances = [c.distance(homes) for c in candidates]
    clear = [c for c, d in zip(candidates, distances) if d >= 50]
    return clear[0] if clear else candidates[int(np.argmax(distances))]


def _anchor(area, buildings, known=None, **options):
    from assetmap.privacy import area_anchors

    areas = gpd.GeoDataFrame({"code": ["BU05180001"]}, geometry=[area], crs=28992)
    found = area_anchors(areas, buildings, known, **options)["BU05180001"]
    return gpd.GeoSeries([found], crs=4326).to_crs(28992).iloc[0]


def test_the_anchor_rule_at_its_edges():
    from shapely.geometry import box
    from shapely.ops import unary_union

    square = box(85000, 445000, 85400, 445400)
    cx, cy = square.representative_point().x, square.representative_point().y
    everywhere = gpd.GeoDataFrame(geometry=[square.buffer(5000)], crs=28992)

    def homes(*boxes):
        return gpd.GeoDataFrame(geometry=list(boxes), crs=28992)

    # Exactly 50 m from a home is far enough.
    wide = box(cx - 10, cy - 10, cx + 10, cy + 10)
    assert _anchor(square, homes(wide), everywhere).distance(Point(cx, cy - 60)) < 0.01
    # Within 100 m of the study area's edge is not known well enough: the next candidate inside.
    home = box(cx - 9, cy - 9, cx + 9, cy + 9)
    edge = gpd.GeoDataFrame(geometry=[box(85000, 445060, 85400, 445400)], crs=28992)
    assert _anchor(square, homes(home), edge).distance(Point(cx - 60, cy)) < 0.01
    # No candidate clear of homes: the one farthest from them, never an error.
    small = box(85000, 445000, 85060, 445060)
    s = small.representative_point()
    crowded = box(s.x - 9, s.y - 9, s.x + 9, s.y + 9)
    found = _anchor(small, homes(crowded), everywhere)
    assert found.distance(_documented_anchor(small, crowded)) < 0.01 and found.distance(crowded) > 1
    # Outside the known part, and without any buildings: the representative point.
    far = gpd.GeoDataFrame(geometry=[box(90000, 450000, 91000, 451000)], crs=28992)
    assert _anchor(square, homes(home), far).distance(Point(cx, cy)) < 0.01
    odd = box(85000, 445000, 85410, 445400)  # its representative point is no grid point
    assert _anchor(odd, None).distance(odd.representative_point()) < 0.01
    # Two homes as far from the centre line: each candidate counts its nearest home once.
    pair = unary_union([box(cx - 49, cy - 9, cx - 31, cy + 9), box(cx + 31, cy - 9, cx + 49, cy + 9)])
    found = _anchor(square, homes(*pair.geoms), everywhere)
    assert found.distance(_documented_anchor(square, pair)) < 0.01
    # A large area: the grid widens so that it has at most 4,000 points.
    large = box(85000, 445000, 87000, 447000)
    mid = large.representative_point()
    centre_home = box(mid.x - 9, mid.y - 9, mid.x + 9, mid.y + 9)
    step = (large.area / 4000) ** 0.5
    found = _anchor(large, homes(centre_home), everywhere)
    assert found.distance(_documented_anchor(large, centre_home, step)) < 0.01


def test_a_co_owner_sees_their_initiatives_contact_and_another_table_does_not():
    from assetmap.privacy import CONTACT_MASK, mask_group_view

    rows = _frame([{"id": "kook", "name": "Kookclub", "building_block": "initiative", "visibility": "group",
                    "description": "Bel 06-12345678", "added_by": "anna", "owners": "bert"}])
    assert mask_group_view(rows, "bert")["description"].tolist() == ["Bel 06-12345678"]
    assert mask_group_view(rows, "anna")["description"].tolist() == ["Bel 06-12345678"]
    assert CONTACT_MASK in mask_group_view(rows, "carla")["description"].iloc[0]


def test_a_table_never_sees_a_private_entry_without_an_author():
    from assetmap.privacy import workshop_view

    rows = _frame([{"id": "mine", "name": "Schuur", "building_block": "resource", "visibility": "private",
                    "added_by": "anna"},
                   {"id": "nobodys", "name": "Zolder", "building_block": "resource", "visibility": "private",
                    "added_by": None}])
    rows["added_by"] = rows["added_by"].astype("string")  # as the store reads it: a gap is <NA>
    assert workshop_view(rows, "anna")["id"].tolist() == ["mine"]
    assert workshop_view(rows, None)["id"].tolist() == []


def test_health_beside_a_named_person_is_warned_about_without_any_family_word():
    from assetmap.privacy import story_warnings

    found = story_warnings("Jan de Vries heeft kanker en zoekt gezelschap")
    assert "story_names_person" in found and "story_names_health" in found
    assert "story_names_health" not in story_warnings("Een spreekuur over kanker in de bibliotheek")


def test_ibans_of_any_country_are_masked_exactly_where_they_stand():
    from assetmap.privacy import CONTACT_MASK as M
    from assetmap.privacy import mask_contact_details

    german = "DE89 3704 0044 0532 0130 00"
    assert mask_contact_details(f"IBAN {german} dank") == f"IBAN {M} dank"  # the space after it stays
    assert mask_contact_details(f"IBAN {german} graag") == f"IBAN {M} graag"
    assert mask_contact_details(f"iban {german.lower()}") == f"iban {M}"
    body = _with_check_digits("XK", "AB123456789012")
    spaced = " ".join(body[k:k + 4] for k in range(0, len(body), 4))  # "XKcc AB12 ...": AB12 inside it
    assert mask_contact_details(f"eerst {spaced} dan {german}") == f"eerst {M} dan {M}"


def test_the_public_view_blanks_contacts_and_pseudonyms_as_missing_text():
    from assetmap.layers.schema import CONTACT_FIELDS
    from assetmap.privacy import PSEUDONYM_FIELDS, public_view

    rows = _frame([{"id": "club", "name": "Koor", "building_block": "association", "visibility": "public",
                    "consent": True, "contact": "koor@example.org", "added_by": "anna", "owners": "anna"}])
    shown = public_view(rows, None)
    blanked = [c for c in (*CONTACT_FIELDS, *PSEUDONYM_FIELDS) if c in shown.columns]
    assert {"contact", "added_by"} <= set(blanked)
    for column in blanked:
        assert shown[column].isna().all() and shown[column].dtype == "string", column


def test_an_anchor_where_only_a_small_part_is_known_uses_that_part():
    """A study area too small to keep 100 m from its edge: the whole of it counts as known."""
    from shapely.geometry import box

    square = box(85000, 445000, 85400, 445400)
    c = square.representative_point()
    home = gpd.GeoDataFrame(geometry=[box(c.x - 9, c.y - 9, c.x + 9, c.y + 9)], crs=28992)
    small = gpd.GeoDataFrame(geometry=[box(c.x - 75, c.y - 75, c.x + 75, c.y + 75)], crs=28992)
    assert _anchor(square, home, small).distance(Point(c.x, c.y - 60)) < 0.01


def test_an_actor_that_cannot_exist_says_why():
    with pytest.raises(ValueError, match=r"^role must be one of \('public', 'workshop', 'coordinator'\), not 'admin'$"):
        Actor("iemand", "admin")
    with pytest.raises(ValueError, match="^an update link's holder has the public role and one entry, nothing more$"):
        Actor("owner:e1", "workshop", entry="e1")
    assert Actor("owner:e1", "public", entry="e1").entry == "e1"


def test_a_missing_visibility_is_not_public_and_an_actor_like_without_an_entry_owns_no_link():
    from types import SimpleNamespace

    from assetmap.service.policy import is_entry_owner

    rows = _frame([{"visibility": v, "consent": True, "building_block": "resource"} for v in ("public", None)])
    rows["visibility"] = rows["visibility"].astype("string")  # as the store reads it: a gap is <NA>
    assert is_public(rows).tolist() == [True, False]
    assert not is_entry_owner(SimpleNamespace(pseudonym="anna", role="workshop"))
    assert is_entry_owner(Actor("owner:e1", "public", entry="e1"))


def test_a_public_story_keeps_its_link_to_a_public_entry_and_loses_one_to_a_hidden_entry():
    from assetmap.privacy import public_view

    rows = _frame([
        {"id": "club", "name": "Koor", "building_block": "association", "visibility": "public", "consent": True},
        {"id": "hidden", "name": "Schuur", "building_block": "resource", "visibility": "private", "consent": True},
        {"id": "s1", "name": "Het eerste concert", "building_block": "story", "visibility": "public", "consent": True,
         "related_asset_id": "club"},
        {"id": "s2", "name": "In de schuur", "building_block": "story", "visibility": "public", "consent": True,
         "related_asset_id": "hidden"}])
    shown = public_view(rows, None).set_index("id")
    assert shown.loc["s1", "related_asset_id"] == "club"
    assert shown["related_asset_id"].isna()["s2"]  # the hidden entry's id is not given away
    assert "hidden" not in shown.index


def test_an_entry_of_no_known_kind_is_not_handled_as_a_person():
    from assetmap.privacy import public_view

    place = Point(4.3571, 52.0116)
    rows = _frame([{"id": "x", "name": "Bankje", "building_block": None, "visibility": "public", "consent": True,
                    "description": "Beheer: 06-12345678", "buurt_code": None, "wijk_code": None}])
    rows["building_block"] = rows["building_block"].astype("string")
    rows["geometry"] = [place]
    shown = public_view(rows, None)
    assert shown.geometry.iloc[0].equals(place) and shown["description"].iloc[0] == "Beheer: 06-12345678"


def test_the_public_view_places_a_person_with_the_buildings_and_the_study_area_it_is_given():
    """A person lives on the buurt's centre: the public view moves them about 60 m, clear of every home."""
    from shapely.geometry import box

    from assetmap.privacy import public_view

    square = box(85000, 445000, 85400, 445400)
    c = square.representative_point()
    home = box(c.x - 9, c.y - 9, c.x + 9, c.y + 9)
    boundaries = gpd.GeoDataFrame({"code": ["BU05180001"], "level": ["buurt"]}, geometry=[square],
                                  crs=28992).to_crs(4326)
    buildings = gpd.GeoDataFrame(geometry=[home], crs=28992)
    study = gpd.GeoDataFrame(geometry=[square.buffer(1000)], crs=28992)
    at_home = gpd.GeoSeries([c], crs=28992).to_crs(4326).iloc[0]
    rows = _frame([{"id": "p", "name": "Buurvrouw", "building_block": "individual", "visibility": "public",
                    "consent": True, "buurt_code": "BU05180001", "wijk_code": None}])
    rows["geometry"] = [at_home]
    shown = public_view(rows, boundaries, buildings, study)
    placed = shown.to_crs(28992).geometry.iloc[0]
    assert placed.distance(home) >= 50 and placed.distance(c) < 61  # the nearest clear ring (via WGS84)
