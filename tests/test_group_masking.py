"""Group views mask contact details, IBANs and BSNs of others' entries; a BSN is refused at input (issue 29).

The attack (class 13): a group-visible person's IBAN and BSN in a free-text field were shown to
every workshop table, because masking applied to public outputs only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import Point

from assetmap.errors import InputError
from assetmap.privacy import CONTACT_MASK, holds_bsn, mask_contact_details
from assetmap.service import Actor, open_workspace

ANNA = Actor("anna", "workshop")
BERT = Actor("bert", "workshop")
COORDINATOR = Actor("carla", "coordinator")
TRANSVAAL = Point(4.2905, 52.0662)
IBAN = "NL91 ABNA 0417 1643 00"
BSN = "111222333"  # passes the 11-proef
SECRETS = ("06-12345678", "anna@voorbeeld.nl", IBAN, "BE68 5390 0754 7034")


def _person(ws, actor, description, visibility="group") -> str:
    return ws.add_entry({"name": "Fatima", "building_block": "individual", "description": description,
                         "visibility": visibility, "consent": True}, TRANSVAAL, actor)


def test_another_table_sees_no_phone_email_or_iban_of_a_group_person(denhaag_workspace):
    text = "zingt en geeft les; " + ", ".join(SECRETS)
    with open_workspace(denhaag_workspace) as ws:
        person = _person(ws, ANNA, text)
        seen = ws.asset(person, actor=BERT)["description"]  # the attack: another table reads it
        assert not any(secret in seen for secret in SECRETS)
        assert seen.count(CONTACT_MASK) == len(SECRETS) and seen.startswith("zingt en geeft les")
        assert all(secret not in " ".join(ws.assets(actor=BERT)["description"].dropna()) for secret in SECRETS)
        # Its author and a coordinator see it as it was typed.
        assert ws.asset(person, actor=ANNA)["description"] == text
        assert ws.asset(person, actor=COORDINATOR)["description"] == text


def test_a_bsn_stored_before_the_refusal_is_masked_for_another_table(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        person = _person(ws, ANNA, "helpt met formulieren")
        stored = ws.store.read("assets", {"id": person})  # as a workspace from before this rule holds it
        stored["description"] = f"helpt, bsn {BSN}"
        ws.store.update("assets", stored, "id")
        assert BSN not in ws.asset(person, actor=BERT)["description"]
        assert BSN in ws.asset(person, actor=COORDINATOR)["description"]


def test_an_activity_of_another_table_is_masked_too(delft_ws):
    ws = delft_ws
    public = ws.assets(actor=Actor(None, "public"))
    club = public.loc[public["added_by"].isna().to_numpy() & (public["building_block"] == "association").to_numpy(),
                      "id"].iloc[0]
    activity = ws.add_activity({"asset_id": club, "name": "Spreekuur bel 06-12345678",
                                "recurring_time": "Tu 19:00-21:00"}, ANNA)
    names = ws.activities(actor=BERT).set_index("id")["name"]
    assert names[activity] == f"Spreekuur bel {CONTACT_MASK}"
    assert ws.activities(actor=ANNA).set_index("id")["name"][activity] == "Spreekuur bel 06-12345678"


@pytest.mark.parametrize("field", ["description", "name"])
def test_a_bsn_is_refused_on_save_with_a_code_and_nothing_is_written(denhaag_workspace, field):
    with open_workspace(denhaag_workspace) as ws:
        before = len(ws.assets())
        fields = {"name": "Fatima", "description": "helpt"} | {field: f"BSN: {BSN[:4]}.{BSN[4:6]}.{BSN[6:]}"}
        with pytest.raises(InputError) as refused:
            ws.add_entry({**fields, "building_block": "individual", "visibility": "group", "consent": True},
                         TRANSVAAL, ANNA)
        assert [(p.code, p.column) for p in refused.value.problems] == [("bsn_refused", field)]
        assert len(ws.assets()) == before
        person = _person(ws, ANNA, "helpt")
        with pytest.raises(InputError, match="BSN"):
            ws.update_asset(person, {"description": f"mijn bsn is {BSN}"}, ANNA)
        assert ws.asset(person)["description"] == "helpt"


def test_a_bsn_in_an_activity_or_a_link_note_is_refused(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        a = ws.add_entry({"name": "Buurthuis", "building_block": "institution", "visibility": "group"}, TRANSVAAL,
                         COORDINATOR)
        b = ws.add_entry({"name": "Moestuin", "building_block": "resource", "visibility": "group"}, TRANSVAAL,
                         COORDINATOR)
        with pytest.raises(InputError, match="BSN"):
            ws.add_activity({"asset_id": a, "name": f"Hulp, bsn {BSN}", "recurring_time": "Tu 19:00-21:00"},
                            ANNA)
        assert ws.activities().empty
        with pytest.raises(InputError, match="BSN"):
            ws.add_links(pd.DataFrame([{"from_asset_id": a, "to_asset_id": b, "kind": "works_with",
                                        "note": f"bsn {BSN}"}]), COORDINATOR)
        assert ws.links().empty


def test_phone_numbers_and_ibans_are_not_taken_for_a_bsn():
    """Nine digits of a phone number may pass the 11-proef: refusing them would refuse honest text."""
    assert holds_bsn(f"bsn {BSN}") and holds_bsn("BSN 1234.56.782")
    for text in ("bel 06-12345678", "06 1234 5678", "+31 6 12345678", "015 212 3456", IBAN, "sinds 1985", None):
        assert not holds_bsn(text), text
    # Eight digits that pass the 11-proef: a KvK number, unless the text says BSN.
    assert not holds_bsn("Stichting Buurtwerk, KvK 10000008") and holds_bsn("bsn 10000008")


# ---------------------------------------------------------------------- mutation survivors (issue 29)
@pytest.mark.parametrize("iban", ["NO9386011117947", "NO93 8601 1117 947", "BE68539007547034",
                                  "BE68 5390 0754 7034"])
def test_short_foreign_ibans_are_masked(iban):
    """Norway's IBAN has 15 characters, Belgium's 16: the shortest there are."""
    assert mask_contact_details(f"rekening {iban} graag") == f"rekening {CONTACT_MASK} graag"


@pytest.mark.parametrize("phone", ["09 123 45 67", "010-1234567", "+32 9 123 45 67"])
def test_nine_digit_phone_numbers_are_masked(phone):
    """A Belgian landline: a 0 and eight digits; the shortest number the phone pattern must take."""
    assert mask_contact_details(f"bel {phone} na zessen") == f"bel {CONTACT_MASK} na zessen"
