"""Keeping the map alive (issue 33): freshness and ``assetmap stale``, update links with which an
entry's owner keeps it up to date (through moderation), and the agenda as a calendar feed and on paper.

All on the real Delft workspace (``delft_copy``: CBS wijken and the TU Delft OSM extract), through
the service and the CLI; the clock is moved where time matters, never waited for.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from assetmap.cli import main
from assetmap.errors import InputError, PermissionDenied
from assetmap.layers import build_assets
from assetmap.layers.boundaries import assign_codes
from assetmap.service import Actor, create_workspace, freshness, open_workspace, update_links

PUBLIC = Actor(None, "public")


def a_place(ws, block="institution", k=0) -> tuple[str, str]:
    """The id and name of the ``k``-th public place of a building block in the Delft workspace."""
    public = ws.assets(actor=PUBLIC)
    row = public[(public["building_block"] == block).to_numpy()].iloc[k]
    return row["id"], row["name"]


def move_clock(monkeypatch, days: int) -> date:
    """Freshness and update links count from a day ``days`` ahead of today; that day."""
    later = datetime.now(timezone.utc) + timedelta(days=days)
    monkeypatch.setattr(freshness, "_today", lambda: later.date())
    monkeypatch.setattr(update_links, "_utcnow", lambda: later)
    return later.date()


def age_entries(path, days: int) -> str:
    """Every entry of the workspace file was added, changed and last checked ``days`` ago (as in a
    workspace kept for years): the day, ``YYYY-MM-DD``."""
    import sqlite3

    from assetmap.storage._gpkg import register_functions

    day = (datetime.now(timezone.utc) - timedelta(days=days)).date().isoformat()
    with sqlite3.connect(path) as conn:
        register_functions(conn)  # the GeoPackage's triggers call them, as in GDAL or QGIS
        conn.execute("UPDATE assets SET created_at = ?, updated_at = ?, last_checked = NULL",
                     (f"{day}T09:00:00.000Z",) * 2)
    return day


def add_private_club(ws) -> str:
    """A private association (with a contact) in Delft: only a coordinator sees it."""
    rows = gpd.GeoDataFrame({"id": ["geheime-club"], "name": ["Besloten leesclub"], "building_block": ["association"],
                             "visibility": ["private"], "consent": [True], "contact": ["06-11112222"]},
                            geometry=[Point(4.3600, 52.0030)], crs=4326)
    ws.save_assets(assign_codes(build_assets(rows), ws.boundaries()))
    return "geheime-club"


# ---------------------------------------------------------------------- freshness
def test_stale_lists_what_nobody_checked_once_the_clock_moves(delft_copy, monkeypatch):
    with open_workspace(delft_copy) as ws:
        total = len(ws.assets())
        assert ws.stale_months() == 12
        assert ws.stale_entries().empty  # all imported today
        later = move_clock(monkeypatch, 400)
        assert len(ws.stale_entries()) == total and ws.stale_since() == freshness.stale_before(later, 12)
    age_entries(delft_copy, 400)
    monkeypatch.setattr(freshness, "_today", lambda: datetime.now(timezone.utc).date())  # the clock back
    with open_workspace(delft_copy) as ws:
        stale = ws.stale_entries()
        assert len(stale) == total  # none archived in the extract: every entry, none twice
        assert stale["id"].is_unique and stale["days"].min() >= 399
        first, second = stale["id"].iloc[0], stale["id"].iloc[1]
        assert ws.mark_checked([first]) == 1  # "klopt nog"
        ws.update_asset(second, {"description": "Elke week open"})  # an edit is a check too
        again = ws.stale_entries()
        assert set(stale["id"]) - set(again["id"]) == {first, second} and len(again) == total - 2
        assert ws.asset(first)["last_checked"] == datetime.now(timezone.utc).date().isoformat()
        assert ws.stale_entries(months=14).empty  # 400 days is less than 14 months
        wijk = again["area_code"].iloc[0]
        in_wijk = ws.stale_entries(area=wijk)
        assert 0 < len(in_wijk) < len(again) and set(in_wijk["area_code"]) == {wijk}
        ws.set_stale_months(24)
        assert ws.stale_months() == 24 and ws.stale_entries().empty
        for bad in (0, 121, "12"):
            with pytest.raises(InputError) as refused:
                ws.set_stale_months(bad)
            assert refused.value.problems[0].code == "stale_months_range"


def test_stale_is_for_coordinators_and_lists_the_oldest_check_first(delft_copy):
    with open_workspace(delft_copy) as ws:
        some = ws.assets()["id"].iloc[:3].tolist()
    old = age_entries(delft_copy, 800)
    with open_workspace(delft_copy) as ws:
        for actor in (PUBLIC, Actor("tafel 1", "workshop")):
            with pytest.raises(PermissionDenied):
                ws.stale_entries(actor=actor)
        checked = (datetime.now(timezone.utc).date() - timedelta(days=500)).isoformat()
        ws.update_asset(some[0], {"last_checked": checked})  # an explicit day is kept as given
        ws.update_asset(some[1], {"description": "Nieuw bord bij de deur"})
        stale = ws.stale_entries()
        assert ws.asset(some[0])["last_checked"] == checked
        assert stale["checked"].tolist() == sorted(stale["checked"].tolist())  # oldest first
        assert stale["checked"].iloc[0] == old and stale["checked"].iloc[-1] == checked
        assert some[1] not in set(stale["id"]) and ws.asset(some[1])["last_checked"] == datetime.now(timezone.utc).date().isoformat()


def test_cli_stale_and_checked(delft_copy, capsys):
    assert main(["--lang", "nl", "stale", str(delft_copy)]) == 0
    assert "Alles is in de laatste 12 maanden gecontroleerd" in capsys.readouterr().out
    age_entries(delft_copy, 400)
    assert main(["stale", str(delft_copy)]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert main(["stale", str(delft_copy), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["months"] == 12 and len(payload["entries"]) == len(listed) > 100
    ids = [row["id"] for row in payload["entries"][:3]]
    assert main(["checked", str(delft_copy), *ids]) == 0
    capsys.readouterr()
    assert main(["stale", str(delft_copy), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)["entries"]
    assert len(after) == len(listed) - 3 and not set(ids) & {row["id"] for row in after}
    assert main(["stale", str(delft_copy), "--set-months", "0"]) == 2  # a coded message, no traceback
    assert "Traceback" not in capsys.readouterr().err
    assert main(["checked", str(delft_copy), "geen-bestaand-id"]) == 2


# ---------------------------------------------------------------------- update links
def test_an_update_link_edits_its_own_entry_and_nothing_else(delft_copy):
    with open_workspace(delft_copy) as ws:
        ws.set_moderation(False)
        mine, name = a_place(ws)
        other, _ = a_place(ws, k=1)
        code, link_id = ws.issue_update_link(mine, days=30)
        assert len(code.replace("-", "")) == 20 and code not in json.dumps(ws.update_links().to_dict("records"))
        owner = ws.redeem_update_link(code.lower().replace("-", " "))
        assert owner.entry == mine and owner.role == "public"
        assert ws.owner_change("entry", {"opening_hours": "ma-vr 9-17", "description": "Nu ook op vrijdag"},
                               actor=owner) == "saved"
        stored = ws.asset(mine)
        assert stored["opening_hours"] == "Mo-Fr 09:00-17:00" and stored["description"] == "Nu ook op vrijdag"
        assert ws.history(mine)["actor"].iloc[-1] == f"owner:{mine}"  # the history says: the entry's owner
        before_other = ws.asset(other)
        for field, value in (("visibility", "private"), ("contact", "mail@example.org"), ("building_block", "story"),
                             ("owners", "iemand")):
            with pytest.raises(PermissionDenied) as refused:
                ws.owner_change("entry", {field: value}, actor=owner)
            assert refused.value.problems[0].code == "permission_owner_field"
        with pytest.raises(PermissionDenied) as refused:  # the editing methods are not the owner's way in
            ws.update_asset(other, {"name": "Overgenomen"}, owner)
        assert refused.value.problems[0].code == "permission_owner_through_link"  # only owner_change, checked
        for sneaky in (lambda: ws.update_asset(mine, {"name": "Zonder moderatie"}, owner),
                       lambda: ws.add_activity({"asset_id": mine, "name": "Stiekem", "recurring_time": "Mo 10:00-11:00"},
                                               owner),
                       lambda: ws.add_activity({"asset_id": other, "name": "Stiekem", "recurring_time": "Mo 10:00-11:00"},
                                               owner)):
            with pytest.raises(PermissionDenied):
                sneaky()
        assert ws.asset(other) == before_other
        with pytest.raises(InputError) as bad:  # hours that do not read are refused before anything is written
            ws.owner_change("entry", {"opening_hours": "soms wel"}, actor=owner)
        assert bad.value.problems[0].code == "opening_hours_invalid"
        assert ws.asset(mine)["opening_hours"] == "Mo-Fr 09:00-17:00"
        # its activities: added and removed by the owner; another entry's activity stays out of reach
        assert ws.owner_change("activity add", {"name": "Koffieochtend", "recurring_time": "We 10:00-12:00"},
                               actor=owner) == "saved"
        theirs = ws.owner_activities(owner)
        assert theirs["name"].tolist() == ["Koffieochtend"] and "added_by" not in theirs
        elsewhere = ws.add_activity({"asset_id": other, "name": "Schaakclub", "recurring_time": "Th 19:00-22:00"})
        with pytest.raises(PermissionDenied):
            ws.owner_change("activity delete", target_id=elsewhere, actor=owner)
        ws.owner_change("activity delete", target_id=theirs["id"].iloc[0], actor=owner)
        assert ws.owner_activities(owner).empty and len(ws.activities(other)) == 1
        with pytest.raises(PermissionDenied):  # a link's holder issues no links
            ws.issue_update_link(mine, actor=owner)
        assert ws.update_links(mine)["state"].tolist() == ["valid"] and link_id in set(ws.update_links()["id"])


def test_an_owners_change_waits_for_a_coordinator_while_moderation_is_on(delft_copy):
    with open_workspace(delft_copy) as ws:
        assert ws.moderation()
        mine, _ = a_place(ws)
        hours_before = ws.asset(mine)["opening_hours"]
        owner = ws.redeem_update_link(ws.issue_update_link(mine)[0])
        assert ws.owner_change("entry", {"opening_hours": "za 10-14"}, actor=owner) == "waiting"
        assert ws.owner_change("activity add", {"name": "Repair café", "recurring_time": "Sa 10:00-13:00"},
                               actor=owner) == "waiting"
        with pytest.raises(PermissionDenied):  # not around the queue, through the editing methods
            ws.update_asset(mine, {"opening_hours": "za 10-14"}, owner)
        assert ws.asset(mine, actor=PUBLIC)["opening_hours"] == hours_before  # nothing public yet
        assert ws.activities(mine, actor=PUBLIC).empty
        waiting = ws.owner_changes()
        assert waiting["kind"].tolist() == ["entry", "activity add"] and set(waiting["asset_id"]) == {mine}
        with pytest.raises(PermissionDenied):
            ws.owner_changes(actor=owner)
        ws.decide_owner_change(waiting["id"].iloc[0], True)
        ws.decide_owner_change(waiting["id"].iloc[1], False)
        assert ws.asset(mine, actor=PUBLIC)["opening_hours"] == "Sa 10:00-14:00"
        assert ws.activities(mine).empty and ws.owner_changes().empty
        assert ws.history(mine)["actor"].iloc[-1] == f"owner:{mine}"
        with pytest.raises(InputError):  # decided once
            ws.decide_owner_change(waiting["id"].iloc[0], True)


def test_an_update_link_expires_and_can_be_revoked(delft_copy, monkeypatch):
    with open_workspace(delft_copy) as ws:
        mine, _ = a_place(ws)
        short, _ = ws.issue_update_link(mine, days=7)
        revoked, revoked_id = ws.issue_update_link(mine, days=90)
        ws.revoke_update_link(revoked_id)
        for bad in (revoked, "AAAA-BBBB-CCCC-DDDD-EEEE", ""):
            with pytest.raises(PermissionDenied) as refused:
                ws.redeem_update_link(bad)
            assert refused.value.problems[0].code == "update_link_invalid"
        assert ws.redeem_update_link(short).entry == mine
        move_clock(monkeypatch, 8)
        with pytest.raises(PermissionDenied):
            ws.redeem_update_link(short)
        assert sorted(ws.update_links(mine)["state"]) == ["expired", "revoked"]
        with pytest.raises(InputError) as refused:
            ws.issue_update_link(mine, days=400)
        assert refused.value.problems[0].code == "update_link_days"
        story = ws.assets(actor=PUBLIC).query("building_block == 'story'")["id"].iloc[0]
        with pytest.raises(InputError) as refused:  # a story (or a person) has no owner to keep it
            ws.issue_update_link(story)
        assert refused.value.problems[0].code == "update_link_not_for_block"


def test_cli_update_link_issue_list_revoke_and_owner_changes(delft_copy, capsys):
    with open_workspace(delft_copy) as ws:
        mine, _ = a_place(ws)
    assert main(["update-link", str(delft_copy), mine, "--days", "30"]) == 0
    code = capsys.readouterr().out.strip()
    assert main(["update-link", str(delft_copy), "--list"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 1 and rows[0][1] == "valid" and rows[0][3] == mine and code not in rows[0]
    with open_workspace(delft_copy) as ws:
        owner = ws.redeem_update_link(code)
        ws.owner_change("entry", {"description": "Bijgewerkt door de eigenaar"}, actor=owner)
    assert main(["owner-changes", str(delft_copy)]) == 0
    change_id = capsys.readouterr().out.split("\t")[0]
    assert main(["owner-changes", str(delft_copy), "--approve", change_id]) == 0
    assert main(["update-link", str(delft_copy), "--revoke", rows[0][0]]) == 0
    with open_workspace(delft_copy) as ws:
        assert ws.asset(mine)["description"] == "Bijgewerkt door de eigenaar"
        with pytest.raises(PermissionDenied):
            ws.redeem_update_link(code)
    assert main(["update-link", str(delft_copy), mine, "--days", "0"]) == 2
    assert main(["update-link", str(delft_copy)]) == 2
    assert "Traceback" not in capsys.readouterr().err


# ---------------------------------------------------------------------- the agenda as a calendar
def test_publish_writes_an_agenda_ics_of_public_activities_only(delft_copy, tmp_path):
    from icalendar import Calendar

    with open_workspace(delft_copy) as ws:
        place, place_name = a_place(ws)
        weekly = ws.add_activity({"asset_id": place, "name": "Taalcafé", "recurring_time": "We 18:00-20:00",
                                  "target_group": "newcomers", "free": True, "walk_in": True})
        day = datetime.now(timezone.utc).date() + timedelta(days=10)
        once = ws.add_activity({"asset_id": place, "name": "Buurtfeest",
                                "recurring_time": f"{day.isoformat()} 14:00-17:00"})
        club = add_private_club(ws)
        ws.add_activity({"asset_id": club, "name": "Geheime leesavond", "recurring_time": "Tu 20:00-22:00"})
        wijk = ws.asset(place)["wijk_code"]
    site = tmp_path / "site"
    assert main(["--lang", "nl", "publish", str(delft_copy), str(site)]) == 0
    raw = (site / "agenda.ics").read_bytes()
    assert b"Geheime leesavond" not in raw and b"06-11112222" not in raw
    calendar = Calendar.from_ical(raw)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Taalcafé", "Buurtfeest"}
    taal = events["Taalcafé"]
    assert str(taal["uid"]) == f"{weekly}@assetmap" and str(events["Buurtfeest"]["uid"]) == f"{once}@assetmap"
    assert taal["rrule"]["FREQ"] == ["WEEKLY"] and taal["rrule"]["BYDAY"] == ["WE"]
    start = taal.decoded("dtstart")
    assert (start.weekday(), start.hour, start.minute, str(start.tzinfo)) == (2, 18, 0, "Europe/Amsterdam")
    assert taal.decoded("dtend") - start == timedelta(hours=2) and str(taal["location"]) == place_name
    assert "gratis" in str(taal["description"]) and "vrije inloop" in str(taal["description"])
    feest = events["Buurtfeest"]
    assert "rrule" not in feest and feest.decoded("dtstart").date() == day
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    # the same UIDs on the next publication (a subscribed phone updates, never doubles) and per area
    assert main(["publish", str(delft_copy), str(site)]) == 0
    again = Calendar.from_ical((site / "agenda.ics").read_bytes())
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(str(e["uid"]) for e in events.values())
    area_feed = Calendar.from_ical((site / "agenda" / f"{wijk}.ics").read_bytes())
    assert {str(e["summary"]) for e in area_feed.walk("VEVENT")} == {"Taalcafé", "Buurtfeest"}
    others = [p for p in (site / "agenda").glob("*.ics") if p.stem != wijk]
    assert others and all(not Calendar.from_ical(p.read_bytes()).walk("VEVENT") for p in others)
    assert 'href="agenda.ics"' in (site / "index.html").read_text(encoding="utf-8")
    # the feed matches the site: the place's week on the page holds the same Wednesday evening
    script = (site / "data.js").read_text(encoding="utf-8")
    records = json.loads(script.removeprefix("window.ASSETMAP_SITE = ").rstrip().removesuffix(";"))["assets"]
    record = next(r for r in records if r["i"] == place)
    assert [2 * 1440 + 18 * 60, 2 * 1440 + 20 * 60] in record["ah"]
    assert club not in {r["i"] for r in records} and "Geheime leesavond" not in script


# ---------------------------------------------------------------------- the agenda on paper
def test_cli_agenda_prints_a_month_with_qr_codes_to_the_site(delft_copy, tmp_path, capsys):
    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    url = "https://kaart.buurt-delft.nl/"
    with open_workspace(delft_copy) as ws:
        place, place_name = a_place(ws)
        ws.add_activity({"asset_id": place, "name": "Taalcafé", "recurring_time": "We 18:00-20:00",
                         "target_group": "older_people", "free": False})
        club = add_private_club(ws)
        ws.add_activity({"asset_id": club, "name": "Geheime leesavond", "recurring_time": "Tu 20:00-22:00"})
        wijk = ws.asset(place)["wijk_code"]
    out = tmp_path / "agenda.pdf"
    assert main(["agenda", str(delft_copy), "--area", wijk, "--weeks", "4", "--out", str(out), "--url", url]) == 0
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Deze maand in de buurt" in text and text.count("Taalcafé") == 4  # four Wednesdays
    assert "18:00–20:00" in text and "niet gratis" in text
    assert "Geheime leesavond" not in text and "Besloten leesclub" not in text
    assert place_name in text
    sizes = []  # every text at least 12 pt: the size set with Tf, times the text and drawing matrices
    for page in reader.pages:
        page.extract_text(visitor_text=lambda s, cm, tm, font, size: s.strip() and sizes.append(size * tm[0] * cm[0]))
    assert sizes and min(sizes) >= 12
    first = pypdfium2.PdfDocument(str(out))[0].render(scale=200 / 72).to_pil().convert("L")
    assert {f.text for f in zxingcpp.read_barcodes(first)} == {url}
    last = pypdfium2.PdfDocument(str(out))[len(reader.pages) - 1].render(scale=200 / 72).to_pil().convert("L")
    assert {f.text for f in zxingcpp.read_barcodes(last)} == {f"{url}#plek={place}"}
    assert main(["agenda", str(delft_copy), "--area", "WK999999", "--out", str(out)]) == 2
    assert main(["agenda", str(delft_copy), "--area", wijk, "--weeks", "30", "--out", str(out)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_an_old_workspace_gets_the_update_link_tables(delft_copy):
    import sqlite3

    from assetmap.storage._migrations import MIGRATIONS, SCHEMA_VERSION, _add_update_links

    before = next(version for version, step in MIGRATIONS.items() if step is _add_update_links)
    conn = sqlite3.connect(delft_copy)
    conn.execute("DROP TABLE update_links")
    conn.execute("DROP TABLE owner_changes")
    conn.execute("UPDATE workspace_meta SET value = ? WHERE key = 'schema_version'", (str(before),))
    conn.commit()
    conn.close()
    with open_workspace(delft_copy) as ws:
        assert ws.update_links().empty
        mine, _ = a_place(ws)
        assert ws.redeem_update_link(ws.issue_update_link(mine)[0]).entry == mine
    assert pd.read_sql("SELECT value FROM workspace_meta WHERE key = 'schema_version'",
                       sqlite3.connect(delft_copy))["value"].iloc[0] == str(SCHEMA_VERSION)


def test_update_links_on_a_server_workspace_new_and_migrated(postgis_uri):
    import psycopg

    from assetmap.storage import SCHEMA_VERSION
    from assetmap.storage._migrations import MIGRATIONS, _add_update_links
    from assetmap.storage.postgis import parse_uri

    before = next(version for version, step in MIGRATIONS.items() if step is _add_update_links)
    with create_workspace(postgis_uri) as ws:
        place = ws.add_entry({"name": "Buurthuis De Hoven", "building_block": "institution", "visibility": "public"},
                             Point(4.37, 52.0))
        owner = ws.redeem_update_link(ws.issue_update_link(place)[0])
        assert ws.owner_change("entry", {"opening_hours": "di 9-12"}, actor=owner) == "waiting"
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo, autocommit=True) as conn:  # as a workspace of the schema before was
        conn.execute(f'DROP TABLE "{schema}".update_links')
        conn.execute(f'DROP TABLE "{schema}".owner_changes')
        conn.execute(f"UPDATE \"{schema}\".workspace_meta SET value = %s WHERE key = 'schema_version'",
                     (str(before),))
    with open_workspace(postgis_uri) as ws:
        assert ws.schema_version() == SCHEMA_VERSION and ws.update_links().empty and ws.owner_changes().empty
        owner = ws.redeem_update_link(ws.issue_update_link(place, days=5)[0])
        ws.decide_owner_change(_waiting(ws, owner, {"opening_hours": "di 9-12"}), True)
        assert ws.asset(place, actor=PUBLIC)["opening_hours"] == "Tu 09:00-12:00"
        assert ws.history(place)["actor"].iloc[-1] == f"owner:{place}"


def _waiting(ws, owner, fields) -> str:
    """The id of an owner's change to their entry, waiting for a coordinator."""
    assert ws.owner_change("entry", fields, actor=owner) == "waiting"
    return ws.owner_changes()["id"].iloc[-1]


def test_the_site_shows_when_each_entry_was_last_checked_and_hides_none(delft_copy, tmp_path):
    with open_workspace(delft_copy) as ws:
        total = len(ws.assets(actor=PUBLIC))
        fresh = ws.assets(actor=PUBLIC)["id"].iloc[0]
    old = age_entries(delft_copy, 500)
    with open_workspace(delft_copy) as ws:
        ws.mark_checked([fresh])
    site = tmp_path / "site"
    assert main(["publish", str(delft_copy), str(site)]) == 0
    script = (site / "data.js").read_text(encoding="utf-8")
    records = json.loads(script.removeprefix("window.ASSETMAP_SITE = ").rstrip().removesuffix(";"))["assets"]
    assert len(records) == total  # out of date is shown as such, never left out
    by_id = {r["i"]: r for r in records}
    assert by_id[fresh]["lc"] == datetime.now(timezone.utc).date().isoformat() and "ls" not in by_id[fresh]
    others = [r for r in records if r["i"] != fresh]
    assert all(r["lc"] == old and r["ls"] == 1 for r in others)
    assert "site_last_checked" in script and "a.lc" in (site / "site.js").read_text(encoding="utf-8")


def test_cli_update_link_prints_the_owners_page_and_its_qr_code(delft_copy, tmp_path, capsys):
    import zxingcpp
    from PIL import Image

    app = "https://kaart.buurt-delft.nl/app/"
    with open_workspace(delft_copy) as ws:
        mine, _ = a_place(ws)
    qr = tmp_path / "link.png"
    assert main(["update-link", str(delft_copy), mine, "--url", app, "--qr", str(qr)]) == 0
    code, link = capsys.readouterr().out.strip().splitlines()
    assert link == f"https://kaart.buurt-delft.nl/app/Bijwerken?code={code}"
    assert [found.text for found in zxingcpp.read_barcodes(Image.open(qr))] == [link]
    assert main(["update-link", str(delft_copy), mine, "--url", "geen adres"]) == 2
    with open_workspace(delft_copy) as ws:
        assert len(ws.update_links(mine)) == 1  # a wrong address issued no second link


def test_the_map_popup_says_when_an_entry_was_last_checked(delft_copy):
    from assetmap import maps

    today = datetime.now(timezone.utc).date()
    with open_workspace(delft_copy) as ws:
        place, _ = a_place(ws)
        ws.mark_checked([place])
        entry = ws.asset(place, actor=PUBLIC)
    fresh = maps.asset_popup(entry, lang="nl")
    assert f"laatst gecontroleerd {today.isoformat()}" in fresh and "lang niet gecontroleerd" not in fresh
    old = maps.asset_popup({**entry, "last_checked": (today - timedelta(days=400)).isoformat()}, lang="nl")
    assert "lang niet gecontroleerd" in old  # shown as such, the entry itself is on the map as ever
    assert "lang niet gecontroleerd" not in maps.asset_popup({**entry, "last_checked": (
        today - timedelta(days=400)).isoformat()}, lang="nl", stale_months=24)  # the workspace's own limit


@pytest.mark.browser
def test_the_sites_agenda_link_follows_the_chosen_area_in_chromium(delft_copy, tmp_path):
    import browsing

    browsing.require_chromium()
    with open_workspace(delft_copy) as ws:
        place, _ = a_place(ws)
        ws.add_activity({"asset_id": place, "name": "Taalcafé", "recurring_time": "We 18:00-20:00"})
        wijk = ws.asset(place)["wijk_code"]
    site = tmp_path / "site"
    assert main(["--lang", "nl", "publish", str(delft_copy), str(site)]) == 0
    with browsing.chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # offline
        page.goto((site / "index.html").as_uri())
        page.wait_for_selector("html[data-ready]")
        link = page.locator("#agenda-link")
        assert link.inner_text() == "Zet de activiteiten in je agenda" and link.get_attribute("href") == "agenda.ics"
        page.select_option("#area", wijk)
        assert link.get_attribute("href") == f"agenda/{wijk}.ics" and (site / "agenda" / f"{wijk}.ics").is_file()
        page.select_option("#area", "")
        assert link.get_attribute("href") == "agenda.ics"
