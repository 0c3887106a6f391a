"""Connections (issue 35): the network of who and what is linked, on the real Delft demo.

The demo ships seven links (``assetmap/demo/links_delft.csv``) beside its two stories. The core
test is privacy: the public network of a workspace is the same, byte for byte, as JSON and as
GraphML, whether or not private and group people (and their links) were added; people appear in it
only as an anonymous count of at least five, never as a node or a name.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from assetmap.cli import main
from assetmap.connections import K_ANONYMITY, build_connections, workspace_connections
from assetmap.demo import build_demo
from assetmap.imports import import_workshop
from assetmap.service import Actor, open_workspace

PUBLIC = Actor(None, "public")
BUURTKAMER, VERENIGING, MOESTUIN = "demo-buurtkamer", "demo-vereniging", "demo-moestuin"
ISLAND = ["osm-node-1148372521", "osm-way-28326876"]  # VV Ariston '80 and its pitch
#: Names of what must never reach a public network.
PRIVATE_NAMES = ["Kees Geheim Schildert", "Groep Breiclub Dinsdag", "Fatima Zonder Toestemming",
                 "Privé Huiskamerkoor", "Verhaal uit de achterkamer"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("connections") / "demo.gpkg"
    build_demo(path)
    return path


def _copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copy(source, target)
    return target


def _add(path: Path, rows: list[list[str]], links: list[tuple[str, str, str]], actor: str = "tafel 3") -> None:
    """Import workshop rows (id, name, block, visibility, consent, related) in Wippolder, then link them."""
    table = path.with_suffix(f".{len(rows)}.csv")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "naam", "bouwsteen", "lat", "lon", "zichtbaarheid", "toestemming", "hoort_bij"])
        for n, (ident, name, block, visibility, consent, related) in enumerate(rows):
            writer.writerow([ident, name, block, f"{52.0005 + n * 0.0001:.4f}", "4.3705", visibility, consent, related])
    with open_workspace(path) as ws:
        ws.set_moderation(False)
        import_workshop(ws, table, actor=actor)
        if links:
            ws.add_links(pd.DataFrame(links, columns=["from_asset_id", "to_asset_id", "kind"]), actor=actor)


def _people(count: int, start: int = 0) -> list[list[str]]:
    return [[f"talent-{i}", f"Talent Nummer {i}", "individuele capaciteiten", "openbaar", "ja", ""]
            for i in range(start, start + count)]


def _network_files(path: Path, folder: Path, *extra: str) -> tuple[bytes, bytes, str]:
    out_json, out_graphml = folder / f"{path.stem}.json", folder / f"{path.stem}.graphml"
    assert main(["network", str(path), "--public", "--json", str(out_json), "--graphml", str(out_graphml),
                 *extra, "--force"]) == 0
    return out_json.read_bytes(), out_graphml.read_bytes(), out_json.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- privacy
def test_the_public_network_is_byte_identical_with_and_without_private_people(demo_file, tmp_path, capsys):
    base = _copy(demo_file, tmp_path, "base.gpkg")
    # Six public people with consent, linked to the Buurtkamer: shown as one count of six.
    _add(base, _people(6), [(f"talent-{i}", BUURTKAMER, "works_with") for i in range(6)])
    with_private = _copy(base, tmp_path, "with_private.gpkg")
    _add(with_private, [
        ["p-kees", PRIVATE_NAMES[0], "individuele capaciteiten", "prive", "ja", ""],
        ["p-brei", PRIVATE_NAMES[1], "vereniging", "groep", "ja", ""],
        ["p-fatima", PRIVATE_NAMES[2], "individuele capaciteiten", "openbaar", "nee", ""],
        ["p-koor", PRIVATE_NAMES[3], "vereniging", "prive", "ja", ""],
        ["p-verhaal", PRIVATE_NAMES[4], "verhaal", "prive", "ja", BUURTKAMER],
    ], [("p-kees", BUURTKAMER, "works_with"), ("p-kees", VERENIGING, "part_of"), ("p-brei", BUURTKAMER, "located_at"),
        ("p-fatima", MOESTUIN, "works_with"), ("p-koor", "p-brei", "works_with"), ("p-koor", ISLAND[0], "other"),
        ("p-fatima", BUURTKAMER, "works_with")])
    capsys.readouterr()
    for extra in ((), ("--area", "Wippolder"), ("--tags",)):
        plain = _network_files(base, tmp_path, *extra)
        more = _network_files(with_private, tmp_path, *extra)
        assert plain[0] == more[0], extra  # JSON
        assert plain[1] == more[1], extra  # GraphML
        for name in PRIVATE_NAMES + [f"Talent Nummer {i}" for i in range(6)]:
            assert name not in more[2] and name.encode() not in more[1], (extra, name)
        payload = json.loads(plain[2])
        assert payload["anonymous_people"] is True and payload["summary"]["links"] >= 7
        assert {p["id"]: p["count"] for p in payload["people"]} == {BUURTKAMER: 6}
        assert not [n for n in payload["nodes"] if n["building_block"] == "individual"]
    printed = capsys.readouterr().out
    assert not any(name in printed for name in PRIVATE_NAMES)
    # The private entries are really there and linked: the coordinator's network holds them.
    with open_workspace(with_private) as ws:
        full = workspace_connections(ws, anonymous_people=False)
    names = {n["name"] for n in full.nodes()}
    assert set(PRIVATE_NAMES) <= names
    assert {"p-kees", "p-brei"} <= {m for _, m in full.neighbours(BUURTKAMER)}


def test_fewer_than_five_people_are_never_counted_in_public(demo_file, tmp_path, capsys):
    path = _copy(demo_file, tmp_path, "three.gpkg")
    _add(path, _people(3), [(f"talent-{i}", BUURTKAMER, "works_with") for i in range(3)])
    capsys.readouterr()
    raw_json, raw_graphml, text = _network_files(path, tmp_path)
    printed = capsys.readouterr().out
    payload = json.loads(text)
    assert payload["people"] == [] and all(a["people"] is None for a in payload["areas"])
    assert all(n["people"] == 0 for n in payload["nodes"])
    assert "Talent Nummer" not in text and b"Talent Nummer" not in raw_graphml
    assert "people with a talent linked" not in printed and "Talent" not in printed
    # Two more make five: now the count is shown, for the Buurtkamer and for the area.
    _add(path, _people(2, start=3), [(f"talent-{i}", BUURTKAMER, "works_with") for i in (3, 4)])
    capsys.readouterr()
    _, _, text = _network_files(path, tmp_path)
    printed = capsys.readouterr().out
    payload = json.loads(text)
    assert payload["people"] == [{"id": BUURTKAMER, "area": "WK050328", "count": K_ANONYMITY}]
    assert [a["people"] for a in payload["areas"] if a["area"] == "WK050328"] == [K_ANONYMITY]
    assert f"{K_ANONYMITY} people with a talent linked to Buurtkamer Wippolder" in printed


def test_a_coordinator_sees_people_as_nodes_the_public_never(demo_file):
    with open_workspace(demo_file) as ws:
        full = workspace_connections(ws, anonymous_people=False)
        public = workspace_connections(ws, actor=PUBLIC, anonymous_people=True)
    assert ("could_work_with", "demo-fietsen") in full.neighbours(VERENIGING)  # the demo's group person
    assert "demo-fietsen" not in {n["id"] for n in public.nodes()}
    assert public.people() == []  # one person: under k, so no count at all


# ---------------------------------------------------------------------- measures on the demo
def test_the_demo_network_names_its_brokers_its_island_and_its_unlinked_entries(demo_file):
    with open_workspace(demo_file) as ws:
        public = workspace_connections(ws, actor=PUBLIC, anonymous_people=True)
        entries = len(ws.assets(actor=PUBLIC))
    summary = public.summary()
    # 7 links of the demo, one of them to a person (left out), and the two stories.
    assert summary["links"] == 8 and summary["entries"] == entries
    assert summary["linked"] == 10 and summary["unlinked"] == entries - 10
    assert [b["id"] for b in public.brokers()] == [BUURTKAMER, VERENIGING, MOESTUIN]
    assert public.islands() == [ISLAND] and summary["groups"] == 2
    assert BUURTKAMER not in public.unlinked() and len(public.unlinked()) == entries - 10
    assert ("story_about", "demo-groei") in [(k, m) for k, m in public.neighbours(BUURTKAMER)]
    assert {"from": "demo-groei", "to": BUURTKAMER, "kinds": ["story_about"]} in public.links()  # its direction


def test_an_area_network_keeps_what_its_entries_link_to_outside_it(demo_file):
    with open_workspace(demo_file) as ws:
        area = workspace_connections(ws, actor=PUBLIC, anonymous_people=True, area="WK050328")
        assets = ws.assets(actor=PUBLIC)
    wippolder = set(assets.loc[assets["wijk_code"] == "WK050328", "id"])
    inside = {n["id"] for n in area.nodes() if n["inside"]}
    assert inside == wippolder
    outside = {n["id"] for n in area.nodes() if not n["inside"]}
    assert all(area.graph.degree(n) > 0 for n in outside)  # only what links in
    assert area.area == "WK050328" and area.summary()["entries"] == len(wippolder)


def test_graphml_opens_again_with_every_node_label_and_link_kind(demo_file, tmp_path):
    out = tmp_path / "net.graphml"
    assert main(["network", str(demo_file), "--public", "--graphml", str(out)]) == 0
    graph = nx.read_graphml(out)
    with open_workspace(demo_file) as ws:
        public = workspace_connections(ws, actor=PUBLIC, anonymous_people=True)
    assert graph.number_of_nodes() == len(public.nodes()) and graph.number_of_edges() == 8
    assert graph.nodes[BUURTKAMER]["label"] == "Buurtkamer Wippolder"
    assert graph.nodes[BUURTKAMER]["building_block"] == "institution"
    assert graph.edges[VERENIGING, BUURTKAMER]["kind"] == "located_at"
    assert graph.nodes[BUURTKAMER]["betweenness"] > 0


def test_shared_tags_link_entries_only_when_asked():
    assets = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "building_block": ["association"] * 3,
                           "tags": ["koken; muziek", "Koken", None], "buurt_code": ["BU1"] * 3})
    assert build_connections(assets, None, anonymous_people=True).summary()["links"] == 0
    tagged = build_connections(assets, None, anonymous_people=True, shared_tags=True)
    assert tagged.links() == [{"from": "a", "to": "b", "kinds": ["shared_tag"]}]


# ---------------------------------------------------------------------- bad input
def test_an_unknown_area_or_missing_folder_is_a_coded_message(demo_file, tmp_path, capsys):
    assert main(["network", str(demo_file), "--area", "Nergenshuizen"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Wippolder" in err  # the fix lists the areas there are
    missing = tmp_path / "nope" / "net.json"
    assert main(["network", str(demo_file), "--json", str(missing)]) == 2
    assert "Traceback" not in capsys.readouterr().err and not missing.exists()


def test_the_network_command_prints_its_summary_in_dutch(demo_file, capsys):
    assert main(["network", str(demo_file), "--public", "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert "Buurtkamer Wippolder" in out and "cli_network" not in out
    first = io.StringIO(out).readline().strip()
    # Counted things in the catalogue's plural forms: the demo has one island beside the largest group.
    assert "8 verbindingen:" in first and "2 groepen die onderling verbonden zijn, waarvan 1 eiland naast" in first
    assert "eilanden" not in first


def test_the_network_summary_counts_in_plural_forms(demo_file):
    with open_workspace(demo_file) as ws:
        public = workspace_connections(ws, actor=PUBLIC, anonymous_people=True)
    words = public.summary_words("en")
    assert (words["islands"], words["groups"], words["links"]) == ("1 island", "2 linked groups", "8 links")
    assert public.summary_words("nl")["islands"] == "1 eiland" and words["linked"] == "10"


# ---------------------------------------------------------------------- the Verbindingen page
PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "9_Verbindingen.py")


def _page(path: Path, monkeypatch, access: str | None):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(path))
    if access:
        monkeypatch.setenv("ASSETMAP_ACCESS", access)
    else:
        monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # without ASSETMAP_ACCESS: a coordinator on their laptop
    try:
        at = AppTest.from_file(PAGE, default_timeout=240)
        at.run()
    finally:
        config.set_option("server.address", before)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page_text(at) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.title, *at.subheader)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    return "\n".join(map(str, parts))


def test_the_page_shows_the_public_network_with_people_only_as_a_count(demo_file, tmp_path, monkeypatch):
    path = _copy(demo_file, tmp_path, "page.gpkg")
    _add(path, _people(6), [(f"talent-{i}", BUURTKAMER, "works_with") for i in range(6)])
    _add(path, [["p-kees", PRIVATE_NAMES[0], "individuele capaciteiten", "prive", "ja", ""]],
         [("p-kees", BUURTKAMER, "works_with")])
    at = _page(path, monkeypatch, "public")
    assert at.title[0].value == "Verbindingen"
    brokers = at.dataframe[0].value
    assert list(brokers["Naam"])[:3] == ["Buurtkamer Wippolder", "Bewonersvereniging Wippolder", "Moestuin Mekelpark"]
    shown = _page_text(at)
    assert "6 talenten verbonden aan Buurtkamer Wippolder" in shown
    assert "Talent Nummer" not in shown and PRIVATE_NAMES[0] not in shown
    assert "Eiland 1: Voetbal Vereniging Ariston '80, Sportveld" in shown  # the island, named
    nodes = at.dataframe[1].value
    assert len(nodes) == 10 and "Buurtkamer Wippolder" in set(nodes["Naam"])
    # Choosing an entry lists its links beside the map.
    at.selectbox(key="connections_chosen").set_value(BUURTKAMER).run()
    assert any("verhaal over" in m.value for m in at.markdown)
    # A filter by kind leaves only those links.
    at.multiselect(key="connections_kinds").set_value(["located_at"]).run()
    assert not at.exception
    assert at.metric[1].value == "2"  # the association in the Buurtkamer, the club at its pitch


def test_the_page_shows_a_coordinator_people_as_nodes(demo_file, tmp_path, monkeypatch):
    path = _copy(demo_file, tmp_path, "coordinator.gpkg")
    at = _page(path, monkeypatch, None)
    nodes = at.dataframe[1].value
    with open_workspace(path) as ws:
        fietsen = ws.asset("demo-fietsen")
    assert fietsen["name"] in set(nodes["Naam"])  # the demo's person, linked to the association
    assert len(nodes) == 11 and not any("anoniem aantal" in c.value for c in at.caption)


def test_the_network_map_draws_a_line_per_link_and_rings_the_chosen_entry(demo_file):
    from assetmap.maps import CHOSEN_COLOUR, network_map

    with open_workspace(demo_file) as ws:
        assets, links = ws.assets(actor=PUBLIC), ws.links(actor=PUBLIC)
        public = workspace_connections(ws, actor=PUBLIC, anonymous_people=True)
    linked = {n["id"] for n in public.nodes() if n["degree"]}
    edges = [(link["from"], link["to"]) for link in public.links()]
    shown = assets[assets["id"].isin(linked)]
    page = network_map(shown, edges, links=links, chosen=BUURTKAMER, tiles=False).get_root().render()
    assert page.count('"LineString"') == len(edges) == 8
    assert CHOSEN_COLOUR in page and "Verbindingen (8)" in page
    # The layer control names the lines' layer too, so it comes after it (else Leaflet fails to draw).
    assert page.index("L.control.layers") > page.rindex('"LineString"')
    assert page.rindex("leaflet-control-layers-toggle") > page.index("L.control.layers")  # then its name
    plain = network_map(shown, edges, links=links, tiles=False).get_root().render()
    assert CHOSEN_COLOUR not in plain


# ---------------------------------------------------------------------- on paper
def _network_section(html_text: str) -> str:
    start = html_text.index("<h2>Verbindingen tussen verenigingen")
    return html_text[start:html_text.index("<h2>", start + 4)]


def test_the_profile_has_a_network_page_with_brokers_named_and_no_person(demo_file, tmp_path):
    import pypdf

    base = _copy(demo_file, tmp_path, "profile.gpkg")
    _add(base, _people(6), [(f"talent-{i}", BUURTKAMER, "works_with") for i in range(6)])
    with_private = _copy(base, tmp_path, "profile_private.gpkg")
    _add(with_private, [["p-koor", PRIVATE_NAMES[3], "vereniging", "prive", "ja", ""]],
         [("p-koor", BUURTKAMER, "works_with"), ("p-koor", ISLAND[0], "other")])
    sections = []
    for path in (base, with_private):
        out = tmp_path / f"{path.stem}.html"
        assert main(["report", str(path), "--area", "Wippolder", "--out", str(out), "--lang", "nl"]) == 0
        sections.append(_network_section(out.read_text(encoding="utf-8")))
    assert sections[0] == sections[1]  # a private association and its links change nothing
    section = sections[0]
    assert "Verbinders (aantal verbindingen): Buurtkamer Wippolder (3), Bewonersvereniging Wippolder (2)" in section
    assert "data:image/png;base64," in section and "Talent" not in section and PRIVATE_NAMES[3] not in section
    pdf = tmp_path / "profile.pdf"
    assert main(["report", str(base), "--area", "Wippolder", "--out", str(pdf), "--lang", "nl"]) == 0
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    network_page = [text for text in pages if "Verbindingen tussen verenigingen" in text]
    assert len(network_page) == 1 and "Buurtkamer Wippolder" in network_page[0]
    assert "Verbinders (aantal verbindingen)" in network_page[0]
    # The network starts a page of its own (the link list ends the page before): every name on it is drawn.
    assert "Talent Nummer" not in network_page[0] and "Voetbal Vereniging Ariston '80" in network_page[0]
    # The link list names no resident either: six public people, each "een bewoner" at their end.
    html_text = (tmp_path / "profile.html").read_text(encoding="utf-8")
    links = html_text[html_text.index("<h2>Verbindingen tussen assets"):]
    links = links[:links.index("<h2>", 4)]
    assert links.count("een bewoner — werkt samen met — Buurtkamer Wippolder") == 6
    assert "Talent Nummer" not in links and "Talent Nummer" not in " ".join(pages)


def test_the_page_shows_a_workshop_table_group_entries_but_people_only_as_counts(demo_file, tmp_path, monkeypatch):
    path = _copy(demo_file, tmp_path, "workshop.gpkg")
    _add(path, [["p-brei", PRIVATE_NAMES[1], "vereniging", "groep", "ja", ""],
                ["p-anna", "Anna Groepstalent", "individuele capaciteiten", "groep", "ja", ""]],
         [("p-brei", BUURTKAMER, "located_at"), ("p-anna", "p-brei", "part_of")])
    at = _page(path, monkeypatch, "workshop")
    names = set(at.dataframe[1].value["Naam"])
    assert PRIVATE_NAMES[1] in names  # a group entry: the table sees it
    assert "Anna Groepstalent" not in _page_text(at)  # a person: never a node, one is no count
    assert any("anoniem aantal" in c.value for c in at.caption)


@pytest.mark.browser
@pytest.mark.slow
def test_clicking_an_entry_on_the_map_chooses_it_beside_the_map(demo_file, tmp_path):
    import browsing

    browsing.require_chromium()
    path = _copy(demo_file, tmp_path, "browser.gpkg")
    frame_selector = 'iframe[title="streamlit_folium.st_folium"]'
    with browsing.streamlit_server(path, "public") as url, browsing.chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(120_000)
        page.goto(url + "/Verbindingen")
        page.locator(frame_selector).first.wait_for()
        marker = page.frame_locator(frame_selector).first.locator('.leaflet-marker-icon[aria-label^="Moestuin Mekelpark"]')
        marker.wait_for()
        choice = page.locator('[data-testid="stSelectbox"]').filter(has_text="Markeer een item op de kaart")
        assert choice.locator("input").input_value() == "" and "hoort bij Mekelpark" not in page.inner_text("body")
        marker.click()
        # Its links are listed beside the map, in words, and the box beside the map names it.
        page.get_by_text("hoort bij").first.wait_for()
        assert choice.locator("input").input_value() == "Moestuin Mekelpark"
        assert "hoort bij Mekelpark" in page.inner_text("body")
