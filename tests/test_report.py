"""The wijk profile (``assetmap report``) and the workshop poster (``assetmap poster``), read back.

The PDFs are read with pypdf (page size, text, embedded fonts) and every page is rendered with
pypdfium2 and looked at (not blank). The workspace is the Delft demo with private, group and
public entries of a table, people with contact details among them: nothing of the hidden ones may
reach a profile or a poster. The coverage figures must be those of ``assetmap coverage --json``.
The grid round trip prints a poster, writes one of its cells on the workshop form, imports the
form and finds the entry inside that cell.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2
import pytest
import shapely

from assetmap import settings
from assetmap.cli import main
from assetmap.demo import build_demo
from assetmap.imports import import_workshop
from assetmap.service import open_workspace

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
AREA = "WK050328"
AREA_NAME = "Wijk 28 Wippolder"
#: Points (pt) of A4 and of the poster sizes, portrait.
PAGE_PT = {"A4": (595.3, 841.9), "A3": (841.9, 1190.6), "A2": (1190.6, 1683.8), "A1": (1683.8, 2383.9),
           "A0": (2383.9, 3370.4)}
HIDDEN_NAMES = ["Geheime Moestuin Achterom", "Groepje Breiclub Zolder", "Jannie Verborgen Kookt"]
CONTACTS = ["06-98765432", "jannie.verborgen@example.org", "0612345678", "open.anna@example.org"]
PSEUDONYM = "tafel geheim"
PUBLIC_PERSON = "Anna Fietsmaakster"
ESCAPED_NAME = "<b>Buurtplein</b>"


@pytest.fixture(scope="module")
def mixed_file(tmp_path_factory) -> Path:
    """The Delft demo workspace plus a table with private, group and public entries in Wippolder."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "wippolder.gpkg"
    build_demo(path)
    table = folder / "tafel.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "naam", "bouwsteen", "omschrijving", "lat", "lon", "contact", "zichtbaarheid",
                         "toestemming", "hoort_bij"])
        writer.writerow(["t-prive", HIDDEN_NAMES[0], "hulpbron", "achter het huis", "52.0012", "4.3712",
                         CONTACTS[0], "prive", "ja", ""])
        writer.writerow(["t-groep", HIDDEN_NAMES[1], "vereniging", "elke dinsdag", "52.0016", "4.3716", "", "groep",
                         "ja", ""])
        writer.writerow(["t-mens", HIDDEN_NAMES[2], "individuele capaciteiten", f"bel {CONTACTS[2]}", "52.0018", "4.3719",
                         CONTACTS[1], "groep", "nee", ""])
        writer.writerow(["t-anna", PUBLIC_PERSON, "individuele capaciteiten", f"repareert fietsen, mail {CONTACTS[3]}",
                         "52.0020", "4.3722", CONTACTS[3], "openbaar", "ja", ""])
        writer.writerow(["t-plein", ESCAPED_NAME, "verhaal", "het plein werd in 1990 aangelegd", "52.0009", "4.3702",
                         "", "openbaar", "ja", ""])
        writer.writerow(["t-verhaal", "Verhaal over de moestuin", "verhaal", "over de tuin achter het huis",
                         "52.0013", "4.3713", "", "openbaar", "ja", "t-prive"])
    with open_workspace(path) as ws:
        import_workshop(ws, table, actor=PSEUDONYM)
    return path


@pytest.fixture(scope="module")
def coverage_json(mixed_file, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("coverage") / "coverage.json"
    assert main(["coverage", str(mixed_file), "--json", str(out), "--no-save"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def profile_en(mixed_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("profile") / "profile.pdf"
    assert main(["report", str(mixed_file), "--area", AREA, "--lang", "en", "--out", str(out)]) == 0
    return out


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def _fonts(pdf: Path) -> list:
    """Every font of every page, with descendant fonts of composite (Type0) fonts."""
    found = []
    for page in pypdf.PdfReader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            found.append(font)
            found.extend(d.get_object() for d in font.get("/DescendantFonts", []))
    return found


def _assert_pages_drawn(pdf: Path, name: str, scale: float = 0.5) -> None:
    """Render every page to PNG (kept in test-artifacts/) and check it holds a drawing, not a blank sheet."""
    ARTIFACTS.mkdir(exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document)):
            image = document[number].render(scale=scale).to_pil().convert("L")
            image.save(ARTIFACTS / f"{name}-{number + 1}.png")
            pixels = np.asarray(image, dtype=float)
            assert pixels.std() > 10, f"page {number + 1} of {pdf.name} looks blank"
            assert (pixels < 200).mean() > 0.01, f"page {number + 1} of {pdf.name} has almost no ink"
    finally:
        document.close()


def test_the_profile_is_a_few_a4_pages_with_the_area_and_selectable_embedded_fonts(profile_en):
    reader = pypdf.PdfReader(profile_en)
    assert 1 <= len(reader.pages) <= 4
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == tuple(round(v) for v in PAGE_PT["A4"])
    text = _text(profile_en)
    assert f"Profile of {AREA_NAME}" in text and AREA in text
    # Licences and the date.
    assert settings.OSM_ATTRIBUTION in text and settings.CBS_ATTRIBUTION in text
    assert "Sources and licences" in text
    # Text is text: TrueType fonts (Type 42) embedded, no Type 3 glyph drawings.
    fonts = _fonts(profile_en)
    assert fonts and not any(f.get("/Subtype") == "/Type3" for f in fonts)
    embedded = [f for f in fonts if "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"].get_object()]
    assert embedded, "no embedded TrueType font"
    _assert_pages_drawn(profile_en, "profile-en")


def test_the_profile_shows_the_coverage_figures_of_coverage_json(profile_en, coverage_json):
    row = next(r for r in coverage_json["buurten"] if r["code"] == AREA)
    text = " ".join(_text(profile_en).split())
    assert (f"{row['coverage_pct']:.1f}% of residents live within {coverage_json['minutes']:g} minutes' walk"
            in text)
    assert f"{row['covered_population']:,} of {row['population']:,}" in text
    assert f"{row['population'] - row['covered_population']:,} residents live further" in text
    assert f"median {row['median_minutes']:.1f} min" in text and f"within {row['p90_minutes']:.1f} min" in text


def test_a_gemeente_profile_in_dutch_gives_the_total_of_coverage_json(mixed_file, coverage_json, tmp_path):
    out = tmp_path / "gemeente.pdf"
    assert main(["report", str(mixed_file), "--area", "GM0503", "--lang", "nl", "--out", str(out)]) == 0
    text = " ".join(_text(out).split())
    total = coverage_json["total"]
    pct = f"{total['coverage_pct']:.1f}".replace(".", ",")
    # The extract holds a ninth of the 104,580 residents of the Delft wijken (CBS): the gemeente's figure is
    # withheld, and the profile says why.
    share = round(100 * total["population"] / 104_580)
    assert f"gedeeltelijk: {share} % van de gemeente valt binnen de kaartgegevens; daarom geen cijfer" in text
    assert f"{pct}% van de bewoners woont binnen 10 minuten lopen" not in text
    # One row per wijk, as coverage --json has them; partial ones starred, with their share in the legend.
    assert "* gedeeltelijk (deel van het gebied binnen de kaartgegevens):" in text
    for row in coverage_json["buurten"]:
        assert row["code"] in text
        assert f"{row['name']} {round(100 * row['data_share'])} %" in text
    assert "Bron: CBS, Kadaster" in text
    _assert_pages_drawn(out, "profile-gemeente-nl", scale=0.3)


def test_the_profile_shows_public_stories_links_and_suggestions_and_nothing_hidden(profile_en, mixed_file, tmp_path):
    text = _text(profile_en)
    flat = " ".join(text.split())
    assert "Het Wippolderfeest" in flat and "about Bewonersvereniging Wippolder" in flat  # a public story, linked
    assert "Where a new meeting place would help" in flat and "+" in flat
    # The one public person with consent is counted (people are not listed by name); the hidden one is not.
    assert re.search(r"Individual capacities\s+1\b", flat)
    for secret in HIDDEN_NAMES + CONTACTS + [PSEUDONYM, "voorbeeld"]:  # "voorbeeld": the demo's pseudonym
        assert secret not in flat, secret
    # The public story about the private garden loses its link: nothing names the garden.
    assert "Verhaal over de moestuin" in flat and "about Geheime" not in flat


def test_the_html_profile_is_escaped_and_holds_nothing_hidden(mixed_file, coverage_json, tmp_path):
    out = tmp_path / "profile.html"
    assert main(["report", str(mixed_file), "--area", AREA, "--lang", "en", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert AREA_NAME in page and settings.OSM_ATTRIBUTION in page
    row = next(r for r in coverage_json["buurten"] if r["code"] == AREA)
    assert f"{row['coverage_pct']:.1f}% of residents" in page
    assert ESCAPED_NAME not in page and "&lt;b&gt;Buurtplein&lt;/b&gt;" in page
    for secret in HIDDEN_NAMES + CONTACTS + [PSEUDONYM]:
        assert secret not in page, secret
    assert "data:image/png;base64," in page  # the map travels inside the file


def test_a_profile_of_an_unknown_area_or_format_is_refused_and_nothing_is_written(mixed_file, tmp_path, capsys):
    before = mixed_file.read_bytes()
    assert main(["report", str(mixed_file), "--area", "WK999999", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "WK999999" in capsys.readouterr().err
    assert main(["report", str(mixed_file), "--area", AREA, "--out", str(tmp_path / "x.docx")]) == 2
    assert ".docx" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()) and mixed_file.read_bytes() == before


@pytest.mark.parametrize("size", ["A3", "A2", "A1", "A0"])
def test_the_poster_has_its_paper_size_the_grid_the_numbered_assets_and_nothing_hidden(mixed_file, tmp_path, size,
                                                                                       capsys):
    out = tmp_path / f"poster-{size}.pdf"
    assert main(["poster", str(mixed_file), "--area", AREA, "--size", size, "--lang", "nl", "--out", str(out)]) == 0
    assert "assets" in capsys.readouterr().out
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) >= 1  # a second sheet names the numbers that do not fit below the map
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == \
        tuple(round(v) for v in PAGE_PT[size])
    text = _text(out)
    flat = " ".join(text.split())
    assert f"Werksessiekaart: {AREA_NAME}" in flat and f"Gebied: {AREA}" in flat
    lines = set(text.split("\n"))
    # The grid's margins: A-H above and below, 1-12 left and right (read as one line per row).
    assert set("ABCDEFGH") <= lines and all({str(n), f"{n} {n}"} & lines for n in range(1, 13))
    assert "1. " in flat and "Vak" in flat and "Bouwsteen" in flat  # numbered assets, the form column
    assert settings.OSM_ATTRIBUTION in flat
    for secret in HIDDEN_NAMES + CONTACTS + [PSEUDONYM]:
        assert secret not in flat, secret
    if size in ("A3", "A0"):
        _assert_pages_drawn(out, f"poster-{size}", scale=0.15 if size == "A0" else 0.4)


def test_a_public_initiative_is_counted_in_the_profile_and_named_in_the_poster_legend(mixed_file, tmp_path):
    import shutil

    from assetmap.service import Actor

    path = tmp_path / "met-initiatief.gpkg"
    shutil.copy(mixed_file, path)
    with open_workspace(path, actor=Actor("coordinator", "coordinator")) as ws:
        ws.add_initiative({"name": "Repaircafe Wippolder", "visibility": "public", "consent": True},
                          shapely.Point(4.3710, 52.0010))
    profile, poster = tmp_path / "profiel.pdf", tmp_path / "poster.pdf"
    assert main(["report", str(path), "--area", AREA, "--lang", "en", "--out", str(profile)]) == 0
    assert main(["poster", str(path), "--area", AREA, "--size", "A3", "--lang", "nl", "--out", str(poster)]) == 0
    lines = [" ".join(line.split()) for line in _text(profile).split("\n")]
    assert "Initiatives 1" in lines  # its own row in the counts per building block
    assert "Initiatieven" in " ".join(_text(poster).split())  # in the poster's colour legend
    from assetmap.poster import poster_pdf

    with open_workspace(path) as ws:
        numbered = poster_pdf(ws, AREA, "A3")[1].legend
    assert [(block, name) for _, _, block, name in numbered if name == "Repaircafe Wippolder"] == \
        [("initiative", "Repaircafe Wippolder")]


def test_every_poster_size_has_the_same_grid(mixed_file):
    from assetmap.poster import poster_pdf

    with open_workspace(mixed_file) as ws:
        grids = {size: poster_pdf(ws, AREA, size)[1].grid for size in ("A3", "A0")}
    assert grids["A3"] == grids["A0"]


def test_a_grid_cell_on_the_poster_written_on_the_form_lands_in_that_cell(mixed_file, tmp_path, capsys):
    from assetmap.poster import poster_pdf

    workspace = tmp_path / "workshop.gpkg"
    workspace.write_bytes(mixed_file.read_bytes())
    with open_workspace(workspace) as ws:
        _, poster = poster_pdf(ws, AREA, "A1")
    # The workshop form that ships with assetmap, with the cells a table wrote on it.
    form = (REPO / "data" / "workshop_form_grid.csv").read_text(encoding="utf-8").splitlines()
    header = form[0].split(",")
    assert {"vak", "gebied"} <= set(header)
    rows = [dict(zip(header, line.split(","))) for line in form[1:3]]
    rows[0].update(vak="C4", gebied=AREA, naam="Ruilkast op C4")
    rows[1].update(vak="h12", gebied=AREA.lower(), naam="Bankje op H12")
    filled = tmp_path / "form.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    assert main(["import", str(workspace), str(filled), "--by", "tafel 4"]) == 0
    captured = capsys.readouterr()
    assert "2 (C4), 3 (H12)" in captured.err  # the import says which rows it placed by grid cell
    with open_workspace(workspace) as ws:
        assets = ws.assets()
    for name, cell in (("Ruilkast op C4", "C4"), ("Bankje op H12", "H12")):
        point = assets[assets["name"] == name].geometry.to_crs(settings.METRIC_CRS).iloc[0]
        assert shapely.box(*poster.grid.cell_bounds(cell)).contains(point), (name, cell)
        assert poster.grid.cell_at(point.x, point.y) == cell


def test_wrong_grid_cells_are_refused_with_row_and_column(mixed_file, tmp_path, capsys):
    form = tmp_path / "bad.csv"
    form.write_text("vak,gebied,naam,bouwsteen\nJ4,WK050328,Buiten het raster,4\nC4,,Zonder gebied,4\n"
                    "C4,WK000000,Onbekend gebied,4\n", encoding="utf-8")
    before = mixed_file.read_bytes()
    assert main(["import", str(mixed_file), str(form)]) == 2
    err = capsys.readouterr().err
    # The columns as the form names them (vak, gebied), not the fields behind them.
    assert "row 2, column 'vak'" in err and "'J4' is not a grid cell" in err
    assert "row 3, column 'gebied'" in err and "row 4, column 'gebied'" in err and "WK000000" in err
    assert "has no location" not in err  # one problem per row: the real one
    assert mixed_file.read_bytes() == before


def test_the_poster_grid_is_reproducible_from_the_area_alone():
    from assetmap.layers.grid import GRID_COLUMNS, GRID_ROWS, parse_cell, poster_grid

    bounds = (84503.0, 445329.0, 86487.0, 447439.0)
    grid = poster_grid(bounds)
    assert grid == poster_grid(bounds)
    minx, miny, maxx, maxy = grid.bounds
    assert minx < bounds[0] and maxx > bounds[2] and miny < bounds[1] and maxy > bounds[3]
    assert (maxx - minx) / len(GRID_COLUMNS) == (maxy - miny) / GRID_ROWS == grid.cell_m  # square cells
    for cell in ("A1", "H12", "D7"):
        assert grid.cell_at(*grid.cell_centre(cell)) == cell
    assert [parse_cell(v) for v in ("c4", " C 4 ", "C-4", "4c", "I1", "A13", "", None)] == \
        ["C4", "C4", "C4", "C4", None, None, None, None]


def test_the_meeting_places_page_makes_the_profile_to_download(mixed_file, tmp_path, monkeypatch):
    """The app's block: pick the wijk, make the PDF; the bytes are the profile, public data only."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from assetmap.i18n import t

    target = tmp_path / "app.gpkg"
    target.write_bytes(mixed_file.read_bytes())
    monkeypatch.setenv("ASSETMAP_WORKSPACE", str(target))
    monkeypatch.delenv("ASSETMAP_ACCESS", raising=False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # a coordinator on their own computer
    try:
        at = AppTest.from_file(str(REPO / "pages" / "3_Ontmoetingsplekken.py"), default_timeout=300)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert t("report_app_title", "nl") in [s.value for s in at.subheader]
        # The page's choices: 5 minutes at the slow pace, walk-in places only; the profile uses and says them.
        at.slider(key="gap_minutes").set_value(5).run()
        at.radio(key="gap_speed").set_value("slow").run()
        at.selectbox(key="gap_access").set_value("walk_in").run()
        at.selectbox(key="report_area").set_value(AREA).run()
        at.button(key="report_make").click().run()
        assert not at.exception, [e.value for e in at.exception]
        key, data = at.session_state["report_pdf"]
        assert key[2] == AREA and data.startswith(b"%PDF")
    finally:
        config.set_option("server.address", before)
    made = tmp_path / "from-app.pdf"
    made.write_bytes(data)
    flat = " ".join(_text(made).split())
    assert f"Profiel van {AREA_NAME}" in flat
    assert "binnen 5 minuten lopen (3,0 km/u)" in flat and "4,5 km/u" not in flat
    assert re.search(r"Geteld: \d+ van de \d+ ontmoetingsplekken, zoals gekozen op de pagina: open alle; "
                     r"toegang: [^;]+; voor: alle", flat), flat
    for secret in HIDDEN_NAMES + CONTACTS + [PSEUDONYM]:
        assert secret not in flat, secret


# ---------------------------------------------------------------------- the offline base map
def test_the_osm_import_stores_water_green_and_buildings_for_the_offline_base_map(mixed_file):
    with open_workspace(mixed_file) as ws:
        base = ws.basemap()
        homes = ws.buildings()
    counts = base["kind"].value_counts()
    assert {"water", "waterway", "green", "building"} <= set(counts.index)
    assert counts["building"] > len(homes)  # every building outline, not only the homes
    polygons = base[base["kind"].isin(["water", "green", "building"])]
    assert polygons.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert base[base["kind"] == "waterway"].geom_type.isin(["LineString", "MultiLineString"]).all()
    assert base.crs.to_epsg() == 4326


def test_the_interactive_map_carries_the_offline_base_map_until_a_tile_loads(mixed_file, tmp_path):
    """Tiles blocked, as in a room without internet: the map still shows streets, water and green."""
    from assetmap import maps
    from assetmap.basemap import offline_base

    from browsing import chromium, require_chromium

    with open_workspace(mixed_file) as ws:
        assets, boundaries = ws.assets(actor="public"), ws.boundaries()
    plain = maps.asset_map(assets, boundaries).get_root().render()
    with offline_base(mixed_file):
        fmap = maps.asset_map(assets, boundaries, leaflet_base=(REPO / "static" / "leaflet").as_uri())
    page_html = fmap.get_root().render()
    assert "tileload" in page_html and '"kind":"street"' in page_html and '"kind":"water"' in page_html
    assert "tileload" not in plain  # only inside an offline_base block
    require_chromium()
    (tmp_path / "map.html").write_text(page_html, encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 900, "height": 700})
        page.route("http*://**", lambda route: route.abort())  # no tiles, no CDN
        page.goto((tmp_path / "map.html").as_uri())
        page.wait_for_selector(".leaflet-overlay-pane path")
        paths = page.locator(".leaflet-overlay-pane path").count()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "offline-base-map.png"))
    # Boundaries alone are 13 paths; the base map adds streets, waterways, water and green.
    assert paths >= len(boundaries) + 4


@pytest.mark.parametrize("guide", ["aan-de-slag.md", "getting-started.md"])
def test_the_quick_start_guides_print_the_profile_and_poster_with_commands_that_run(guide, mixed_file, tmp_path):
    """The step "print the profile" of each guide: its commands run as written (in a copy of the demo)."""
    import shlex

    text = (REPO / "docs" / guide).read_text(encoding="utf-8")
    assert "img/wijkprofiel.png" in text and (REPO / "docs" / "img" / "wijkprofiel.png").is_file()
    commands = re.findall(r"^\s*\.venv/bin/assetmap ((?:report|poster) .+)$", text, flags=re.MULTILINE)
    assert {c.split()[0] for c in commands} == {"report", "poster"}
    (tmp_path / "workspaces").mkdir()
    (tmp_path / "workspaces" / "delft.gpkg").write_bytes(mixed_file.read_bytes())
    for command in commands:
        args = [a.replace("workspaces/", f"{tmp_path}/workspaces/") for a in shlex.split(command)]
        assert main(args) == 0, command
        out = Path(args[args.index("--out") + 1])
        assert out.read_bytes().startswith(b"%PDF")


def test_a_profile_printed_by_a_coordinator_moves_for_no_entry_or_activity_that_waits(delft_copy):
    """A table's public meeting place and its activity wait for a coordinator (moderation on): the
    coordinator's own coverage counts them, the printed profile (a public output) does not, until
    they are approved."""
    from shapely.geometry import Point

    from assetmap.coverage import compute_coverage, load_inputs, place_filters
    from assetmap.report import build_profile
    from assetmap.service import Actor

    from conftest import shown_versions

    table, coordinator = Actor("tafel 2", "workshop"), Actor("carla", "coordinator")
    when = place_filters(when="Sa 03:00")  # a night hour: only an activity can make a place count then
    with open_workspace(delft_copy, coordinator) as ws:
        assert ws.moderation()
        before = build_profile(ws, AREA)
        before_night = build_profile(ws, AREA, filters=when)
        place = ws.add_entry({"name": "Buurtkamer Wachtend", "building_block": "resource", "visibility": "public",
                              "consent": True, "category": "community_centre", "is_meeting_place": True},
                             Point(4.3745, 52.0035), table)
        activity = ws.add_activity({"asset_id": before.assets.loc[before.assets["is_meeting_place"].fillna(False).astype(bool),
                                                       "id"].iloc[0],
                         "name": "Nachtcafé", "recurring_time": "Sa 02:00-04:00"}, table)
        # The waiting entry is no public meeting place for anyone; the waiting activity is in the coordinator's
        # own view, where it makes its place count at night (so the figures below could move) ...
        assert place not in set(load_inputs(ws).meeting_places["id"])
        night = {who: compute_coverage(load_inputs(ws, actor=who), filters=when).place_counts
                 for who in (None, Actor(None, "public"))}
        assert night[None] != night[Actor(None, "public")], night
        # ... the printed profile neither.
        after, after_night = build_profile(ws, AREA), build_profile(ws, AREA, filters=when)
        assert after.coverage_total == before.coverage_total
        assert after_night.coverage_total == before_night.coverage_total
        assert after_night.place_counts == before_night.place_counts
        assert ws.approve(shown_versions(ws, [place, activity]), coordinator) == 2
        assert place in set(build_profile(ws, AREA).assets["id"])
        assert build_profile(ws, AREA, filters=when).place_counts != before_night.place_counts  # public now: counts
