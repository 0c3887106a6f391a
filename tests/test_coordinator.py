"""A coordinator's workshop tasks without the command line: the first coordinator of a hosted workspace
(a one-time setup code), table cards with a QR code, activities (CLI, service, workshop files) and
what a workshop table or the public may not do.

Pages are in ``test_coordinator_pages.py``; here the service, the cards PDF and the CLI, on the real
Delft workspace.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pypdfium2
import pytest
import segno
from pypdf import PdfReader

from assetmap.cli import main
from assetmap.errors import InputError, PermissionDenied
from assetmap.service import Actor, open_workspace
from assetmap.table_cards import CARDS_PER_PAGE, qr_matrix, table_cards_pdf
from assetmap.this_week import week_sessions

URL = "https://kaart.buurt-delft.nl/"
PUBLIC = Actor(None, "public")
TABLE = Actor("tafel 3", "workshop")


def a_place(ws, block="resource") -> tuple[str, str]:
    """The id and name of a public place of the given building block in the Delft workspace."""
    public = ws.assets(actor=PUBLIC)
    row = public[(public["building_block"] == block).to_numpy()].iloc[0]
    return row["id"], row["name"]


# ---------------------------------------------------------------------- the first coordinator
def test_setup_code_makes_the_first_coordinator_once(delft_copy):
    with open_workspace(delft_copy, PUBLIC) as ws:
        assert ws.needs_first_coordinator()
        code = ws.issue_setup_code()
        assert code and len(code.replace("-", "")) == 12
        assert code not in json.dumps(ws.store.meta())  # only a hash is kept
        with pytest.raises(PermissionDenied) as wrong:
            ws.redeem_setup_code("AAAA-BBBB-CCCC", "Ans", "een lang wachtwoord")
        assert wrong.value.problems[0].code == "setup_code_invalid"
        assert ws.needs_first_coordinator()
        with pytest.raises(InputError):  # a bad password: refused, and the code stays for the next try
            ws.redeem_setup_code(code, "Ans", "kort")
        actor = ws.redeem_setup_code(code.lower().replace("-", " "), "Ans", "een lang wachtwoord")
        assert actor == Actor("Ans", "coordinator")
        assert not ws.needs_first_coordinator()
        with pytest.raises(PermissionDenied):  # used once: gone
            ws.redeem_setup_code(code, "Tweede", "een lang wachtwoord")
        assert ws.issue_setup_code() is None  # a coordinator exists: no new code
        assert ws.sign_in("ANS", "een lang wachtwoord") == actor


def test_an_expired_setup_code_is_refused(delft_copy, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from assetmap.service import accounts

    with open_workspace(delft_copy, PUBLIC) as ws:
        code = ws.issue_setup_code(hours=1)
        later = datetime.now(timezone.utc) + timedelta(hours=2)
        monkeypatch.setattr(accounts, "_utcnow", lambda: later)
        with pytest.raises(PermissionDenied):
            ws.redeem_setup_code(code, "Ans", "een lang wachtwoord")


# ---------------------------------------------------------------------- table cards
def test_table_cards_hold_every_code_and_a_qr_code_to_the_app(tmp_path):
    codes = [f"K7P{i}-4QXM" for i in range(2, 2 + CARDS_PER_PAGE + 2)]  # ten cards: two pages
    pdf = table_cards_pdf(codes, URL, "nl")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    for code in codes:
        assert code in text
    assert "Tafelcode voor de werksessie" in text and URL in text
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil().convert("L")
    try:
        import zxingcpp
    except ImportError:  # no decoder: the drawn code is at least segno's encoding of the address
        assert qr_matrix(URL) == [[bool(v) for v in row] for row in segno.make_qr(URL, error="m").matrix]
    else:
        found = zxingcpp.read_barcodes(image)
        assert len(found) == CARDS_PER_PAGE and {f.text for f in found} == {URL}


def test_cards_without_an_address_have_no_qr_code_and_say_to_ask():
    pdf = table_cards_pdf(["ABCD-EFGH"], None, "en")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "ABCD-EFGH" in text and "Ask the coordinator" in text
    with pytest.raises(InputError) as bad:
        table_cards_pdf(["ABCD-EFGH"], "kaart.nl zonder schema", "nl")
    assert bad.value.problems[0].code == "cards_url_invalid"


def test_cli_table_code_writes_cards(delft_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSETMAP_PUBLIC_URL", URL)
    cards = tmp_path / "kaartjes.pdf"
    assert main(["table-code", str(delft_copy), "--cards", str(cards), "--count", "3"]) == 0
    codes = capsys.readouterr().out.split()
    assert len(codes) == 3
    text = "".join(p.extract_text() for p in PdfReader(cards).pages)
    assert all(code in text for code in codes) and URL in text
    with open_workspace(delft_copy) as ws:  # every printed code lets a table in
        assert ws.redeem_table_code(codes[2], "tafel 7") == Actor("tafel 7", "workshop")
    assert main(["table-code", str(delft_copy), "--cards", str(cards), "--url", "ftp://x"]) == 2
    assert "cards_url_invalid" not in capsys.readouterr().err  # the message, not the code


# ---------------------------------------------------------------------- activities
def test_cli_activity_add_list_remove_and_this_week(delft_copy, capsys):
    with open_workspace(delft_copy) as ws:
        place, place_name = a_place(ws)
    assert main(["activity", "add", str(delft_copy), "--place", place, "--name", "Taalcafé",
                 "--when", "We 18:00-20:00", "--group", "nieuwkomers", "--free", "--walk-in"]) == 0
    new_id = capsys.readouterr().out.strip()
    assert main(["activity", "add", str(delft_copy), "--place", place, "--name", "Kerstmarkt",
                 "--when", "2026-12-10 18:00-20:00", "--paid"]) == 0
    capsys.readouterr()
    assert main(["activity", "list", str(delft_copy), "--place", place, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["name"] for a in listed] == ["Taalcafé", "Kerstmarkt"]
    assert listed[0]["target_group"] == "newcomers" and listed[0]["free"] is True and listed[0]["walk_in"] is True
    assert listed[1]["recurring_time"] == "2026 Dec 10 18:00-20:00" and listed[1]["free"] is False
    with open_workspace(delft_copy, PUBLIC) as ws:
        week = week_sessions(ws.activities(actor=PUBLIC), ws.assets(actor=PUBLIC), week_of=date(2026, 12, 7))
    assert list(week["activity"]) == ["Taalcafé", "Kerstmarkt"] and set(week["place"]) == {place_name}
    assert main(["activity", "remove", str(delft_copy), new_id]) == 0
    capsys.readouterr()
    assert main(["activity", "list", str(delft_copy)]) == 0
    out = capsys.readouterr().out
    assert "Kerstmarkt" in out and "Taalcafé" not in out
    # a time that does not read, and a person: refused with the reason, nothing written
    assert main(["activity", "add", str(delft_copy), "--place", place, "--name", "X", "--when", "elke woensdag"]) == 2
    assert "elke woensdag" in capsys.readouterr().err


# ---------------------------------------------------------------------- who may
def test_a_table_and_the_public_may_not_run_the_workshop(delft_copy):
    with open_workspace(delft_copy) as ws:
        for actor in (TABLE, PUBLIC):
            for call in (lambda a: ws.create_account("Nieuw", "een lang wachtwoord", "coordinator", actor=a),
                         lambda a: ws.accounts(actor=a), lambda a: ws.issue_table_code(actor=a),
                         lambda a: ws.set_labels({"individual": "Talenten"}, actor=a)):
                with pytest.raises(PermissionDenied):
                    call(actor)
        place, _ = a_place(ws)
        with pytest.raises(PermissionDenied):
            ws.add_activity({"asset_id": place, "name": "X", "recurring_time": "We 18:00-20:00"}, actor=PUBLIC)
        assert ws.labels() == {} and ws.accounts().empty


# ---------------------------------------------------------------------- activities in a workshop file
WORKSHOP_CSV = """naam,bouwsteen,lat,lon,zichtbaarheid,activiteit,wanneer,activiteit_voor_wie,activiteit_gratis,inloop
Buurtkamer De Wielen,hulpbron,52.0015,4.3725,openbaar,Taalcafé,We 18:00-20:00,nieuwkomers,ja,ja
Schaakclub Oost,vereniging,52.0020,4.3735,openbaar,Kerstschaak,2026-12-12 14:00-17:00,,nee,
Moestuin Oost,hulpbron,52.0025,4.3745,openbaar,,,,,
"""


def test_a_workshop_file_adds_activities_to_its_rows(delft_copy, tmp_path, capsys):
    table = tmp_path / "werksessie.csv"
    table.write_text(WORKSHOP_CSV, encoding="utf-8")
    assert main(["import", str(delft_copy), str(table), "--by", "tafel 1"]) == 0
    capsys.readouterr()
    with open_workspace(delft_copy, PUBLIC) as ws:
        activities = ws.activities(actor=PUBLIC)
        week = week_sessions(activities, ws.assets(actor=PUBLIC), week_of=date(2026, 12, 7))
    assert sorted(activities["name"]) == ["Kerstschaak", "Taalcafé"]
    taal = activities[activities["name"] == "Taalcafé"].iloc[0]
    assert (taal["target_group"], taal["free"], taal["walk_in"]) == ("newcomers", True, True)
    assert list(zip(week["activity"], week["place"])) == [("Taalcafé", "Buurtkamer De Wielen"),
                                                          ("Kerstschaak", "Schaakclub Oost")]


def test_a_workshop_file_with_a_wrong_activity_is_refused_by_row_and_column(delft_copy, tmp_path, capsys):
    table = tmp_path / "fout.csv"
    table.write_text("naam,bouwsteen,lat,lon,activiteit,wanneer\n"
                     "Buurtkamer,hulpbron,52.0015,4.3725,Taalcafé,elke woensdag\n"
                     "Anna,individu,52.0016,4.3726,Zangles,We 19:00-20:00\n"
                     "Buurthuis,instelling,52.0017,4.3727,,We 19:00-20:00\n", encoding="utf-8")
    with open_workspace(delft_copy) as ws:
        before = len(ws.assets())
    assert main(["--lang", "nl", "import", str(delft_copy), str(table)]) == 2
    err = capsys.readouterr().err
    assert "rij 2" in err and "wanneer" in err and "elke woensdag" in err
    assert "rij 3" in err and "rij 4" in err and "activiteit" in err
    with open_workspace(delft_copy) as ws:  # nothing written
        assert len(ws.assets()) == before and ws.activities().empty


def test_one_day_from_the_form_reads_as_an_opening_hours_rule():
    from datetime import time

    from assetmap._ui_coordinator import date_hours
    from assetmap.layers.activities import osm_when
    from assetmap.layers.hours import parse_hours, times_in_week

    rule = date_hours(date(2026, 12, 10), time(18, 0), time(20, 30))
    assert rule == "2026 Dec 10 18:00-20:30" == osm_when("10-12-2026 18:00-20:30") == osm_when("2026-12-10 18:00-20:30")
    assert [(s.day, s.hour, e.hour, e.minute) for s, e in times_in_week(parse_hours(rule), date(2026, 12, 7))] \
        == [(10, 18, 20, 30)]
    assert times_in_week(parse_hours(rule), date(2026, 12, 14)) == []  # one day only: not the week after
    assert osm_when("2026-13-01 10:00-12:00") == "2026-13-01 10:00-12:00"  # no month 13: left for the layer to refuse
