"""Photos on entries (issue #34), service, CLI and workshop-file side, on real Den Haag buurten.

* a phone photo is stored upright, resized, as a clean JPEG: no EXIF, no GPS, no comment (checked
  with Pillow and with a byte scan for the coordinates); every output made from it is as clean;
* a file that is not an image, empty, broken, too large or a decompression bomb gets a coded message
  and changes nothing;
* every photo waits for a coordinator (moderation on or off); only an approved photo of a public
  entry is public; a photo of a private entry or of a person never is; only its owner adds one to a
  person's entry;
* the CLI (``photo add/list/approve/reject/remove``) and a workshop file's ``foto`` column add them;
* a photo is never lost: added through every route, copied GeoPackage -> GeoPackage, backed up,
  copied GeoPackage -> PostGIS (bytea) -> GeoPackage and exported as a zip, its checksums hold.
"""

from __future__ import annotations

import io
import sqlite3
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest
from photo_files import phone_photo, traces_in
from PIL import Image
from shapely.geometry import Point

from assetmap.errors import InputError, PermissionDenied
from assetmap.export import ZIP_GEOPACKAGE, export_assets
from assetmap.imports import import_workshop
from assetmap.layers.photos import DISPLAY_PX, MAX_PHOTO_BYTES, THUMBNAIL_PX, checksum, process_photo
from assetmap.service import Actor, create_workspace, open_workspace
from assetmap.storage import SCHEMA_VERSION, copy_store
from assetmap.storage.backup import backup_store

CLI = [sys.executable, "-m", "assetmap.cli"]
TABLE = Actor("tafel 3", "workshop")
OTHER_TABLE = Actor("tafel 5", "workshop")
PUBLIC = Actor(None, "public")
COORDINATOR = Actor("carla", "coordinator")
TRANSVAAL = Point(4.2905, 52.0662)


def _add(ws, name, actor=COORDINATOR, **fields) -> str:
    return ws.add_entry({"name": name, "building_block": "resource", "visibility": "public", "consent": True,
                         **fields}, TRANSVAAL, actor)


def _stored_photos(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM photos").fetchone()[0]
    finally:
        conn.close()


def _bomb() -> bytes:
    """A tiny PNG whose header says 30000 x 30000 pixels (900 million): it would fill the memory."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", 30000, 30000)
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr:ihdr + 17])))
    return bytes(data)


# ---------------------------------------------------------------------- safe by construction
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_phone_photo_is_stored_upright_and_small_with_no_trace_of_where_it_was_taken(fmt):
    original = phone_photo(size=(2400, 1800), orientation=6, fmt=fmt)
    assert traces_in(original), "the test photo must carry GPS to prove anything"
    clean = process_photo(original, "tuin.jpg")
    for data, longest in ((clean.image, DISPLAY_PX), (clean.thumbnail, THUMBNAIL_PX)):
        assert traces_in(data) == []
        with Image.open(io.BytesIO(data)) as shown:
            assert shown.format == "JPEG"
            assert dict(shown.getexif()) == {}
            assert not {"exif", "comment", "icc_profile", "xmp"} & set(shown.info)
            assert max(shown.size) == longest
            assert shown.height > shown.width  # orientation 6: the pixels lay on their side
    assert (clean.width, clean.height) == (1200, 1600)
    assert clean.sha256 == checksum(clean.image) and clean.thumbnail_sha256 == checksum(clean.thumbnail)


@pytest.mark.parametrize(("data", "code"), [
    (b"naam,bouwsteen\nBuurthuis,instelling\n", "photo_unreadable"),
    (b"", "photo_empty"),
    (phone_photo()[:2000], "photo_unreadable"),
    (b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES), "photo_too_large"),
    (_bomb(), "photo_too_large"),
], ids=["csv", "empty", "cut-off", "huge", "bomb"])
def test_a_bad_file_gets_a_coded_message_and_changes_nothing(denhaag_workspace, data, code):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
        ws.add_photo(entry, phone_photo(), caption="De tuin", actor=TABLE)
        before = denhaag_workspace.read_bytes()
        with pytest.raises(InputError) as refused:
            ws.add_photo(entry, data, caption="De tuin", actor=TABLE)
        assert [p.code for p in refused.value.problems] == [code]
        assert "Traceback" not in refused.value.render("nl")
    assert denhaag_workspace.read_bytes() == before
    assert _stored_photos(denhaag_workspace) == 1


def test_a_caption_is_required_and_a_person_named_in_it_is_warned_of(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
        with pytest.raises(InputError) as refused:
            ws.add_photo(entry, phone_photo(), caption="   ", actor=TABLE)
        assert refused.value.problems[0].code == "photo_caption_needed"
        added = ws.add_photo(entry, phone_photo(), caption="Mevrouw Jansen van nummer 12 in haar tuin",
                             actor=TABLE)
    assert added["warnings"], "a caption naming a person warns as a story does"


# ---------------------------------------------------------------------- approved before public
@pytest.mark.parametrize("moderation", [True, False])
def test_a_photo_waits_for_a_coordinator_whether_moderation_is_on_or_off(denhaag_workspace, moderation):
    with open_workspace(denhaag_workspace) as ws:
        ws.set_moderation(moderation, actor=COORDINATOR)
        entry = _add(ws, "Buurttuin")
        added = ws.add_photo(entry, phone_photo(), caption="De tuin in mei", actor=TABLE)
        assert added["status"] == "pending"
        assert ws.photos(actor=PUBLIC).empty and ws.photo_image(added["id"], actor=PUBLIC) is None
        assert list(ws.photos(actor=TABLE)["id"]) == [added["id"]]  # their own, waiting
        assert ws.photos(actor=OTHER_TABLE).empty
        assert list(ws.pending_photos(actor=COORDINATOR)["id"]) == [added["id"]]
        with pytest.raises(PermissionDenied):
            ws.approve_photos([added["id"]], actor=TABLE)
        assert ws.approve_photos([added["id"]], actor=COORDINATOR) == 1
        assert list(ws.photos(actor=PUBLIC)["id"]) == [added["id"]]
        assert "added_by" not in ws.photos(actor=PUBLIC).columns
        assert checksum(ws.photo_image(added["id"], actor=PUBLIC)) == added["sha256"]
        assert ws.pending_photos(actor=COORDINATOR).empty
        with pytest.raises(InputError) as again:
            ws.approve_photos([added["id"]], actor=COORDINATOR)
        assert again.value.problems[0].code == "photo_not_pending"


def test_a_rejected_photo_is_never_public_and_its_author_sees_why(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
        added = ws.add_photo(entry, phone_photo(), caption="De tuin", actor=TABLE)
        assert ws.reject_photos(added["id"], actor=COORDINATOR, reason="er staat een kenteken op") == 1
        assert ws.photos(actor=PUBLIC).empty
        mine = ws.photos(actor=TABLE)
        assert list(mine["status"]) == ["rejected"] and list(mine["reason"]) == ["er staat een kenteken op"]


def test_a_photo_of_a_private_or_waiting_entry_or_of_a_person_never_reaches_the_public(denhaag_workspace, tmp_path):
    with open_workspace(denhaag_workspace) as ws:
        shown = _add(ws, "Buurttuin")
        private = _add(ws, "Eigen schuur", visibility="private")
        no_consent = _add(ws, "Zonder toestemming", consent=False)
        person = ws.add_entry({"name": "Kan goed fietsen repareren", "building_block": "individual",
                               "visibility": "public", "consent": True}, TRANSVAAL, TABLE)
        waiting = _add(ws, "Nog niet goedgekeurd", actor=TABLE)  # moderation on: waits itself
        ids = {entry: ws.add_photo(entry, phone_photo(), caption=f"Foto van {entry}", actor=actor)["id"]
               for entry, actor in ((shown, TABLE), (private, COORDINATOR), (no_consent, COORDINATOR),
                                    (person, TABLE), (waiting, TABLE))}
        ws.approve_photos(list(ids.values()), actor=COORDINATOR)
        assert set(ws.photos(actor=PUBLIC)["id"]) == {ids[shown]}
        assert all(ws.photo_image(ids[e], actor=PUBLIC) is None for e in (private, no_consent, person, waiting))
        export_assets(ws, tmp_path / "openbaar.zip", public=True)
        export_assets(ws, tmp_path / "alles.zip")
    with zipfile.ZipFile(tmp_path / "openbaar.zip") as bundle:
        assert sorted(n for n in bundle.namelist() if n != ZIP_GEOPACKAGE) == [f"photos/{ids[shown]}.jpg"]
    with zipfile.ZipFile(tmp_path / "alles.zip") as bundle:
        assert len(bundle.namelist()) == 1 + len(ids)


def test_only_its_owner_adds_a_photo_to_a_persons_entry(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        person = ws.add_entry({"name": "Kan goed fietsen repareren", "building_block": "individual",
                               "visibility": "group", "consent": True}, TRANSVAAL, TABLE)
        with pytest.raises(PermissionDenied) as refused:
            ws.add_photo(person, phone_photo(), caption="Fietsen", actor=OTHER_TABLE)
        assert [p.code for p in refused.value.problems] == ["permission_photo_person"]
        with pytest.raises(PermissionDenied):
            ws.add_photo(person, phone_photo(), caption="Fietsen", actor=PUBLIC)
        assert ws.add_photo(person, phone_photo(), caption="Fietsen", actor=TABLE)["status"] == "pending"
        assert len(ws.photos(actor=COORDINATOR)) == 1


def test_a_photo_is_removed_by_its_author_or_a_coordinator_only(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
        first = ws.add_photo(entry, phone_photo(), caption="De tuin", actor=TABLE)["id"]
        second = ws.add_photo(entry, phone_photo(), caption="De tuin", actor=TABLE)["id"]
        with pytest.raises(PermissionDenied):
            ws.delete_photo(first, actor=OTHER_TABLE)
        assert ws.delete_photo(first, actor=TABLE) and ws.delete_photo(second, actor=COORDINATOR)
        assert ws.photos(actor=COORDINATOR).empty


# ---------------------------------------------------------------------- CLI and workshop files
def _cli(*args):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=120)


def test_the_cli_adds_lists_and_approves_photos_and_refuses_a_bad_file(denhaag_workspace, tmp_path):
    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
    photo = tmp_path / "tuin.jpg"
    photo.write_bytes(phone_photo())
    added = _cli("photo", "add", denhaag_workspace, entry, photo, "--caption", "De tuin in mei", "--credit", "Ans",
                 "--lang", "en")
    assert added.returncode == 0, added.stderr
    listed = _cli("photo", "list", denhaag_workspace)
    assert listed.returncode == 0, listed.stderr
    photo_id, asset_id, status = listed.stdout.splitlines()[0].split("\t")[:3]
    assert (asset_id, status) == (entry, "pending") and photo_id in added.stdout
    assert _cli("photo", "approve", denhaag_workspace, photo_id).returncode == 0
    assert _cli("photo", "list", denhaag_workspace).stdout.split("\t")[2] == "approved"
    broken = tmp_path / "kapot.jpg"
    broken.write_bytes(b"dit is geen foto")
    refused = _cli("photo", "add", denhaag_workspace, entry, broken, "--caption", "Kapot", "--lang", "en")
    assert refused.returncode == 2 and "kapot.jpg" in refused.stderr and "Traceback" not in refused.stderr
    assert _stored_photos(denhaag_workspace) == 1


WORKSHOP = ("naam,bouwsteen,lat,lon,zichtbaarheid,toestemming,foto,foto_onderschrift,foto_maker\n"
            "Buurttuin,hulpbron,52.0662,4.2905,openbaar,ja,tuin.jpg;fotos/bank.png,De tuin in mei,Ans\n"
            "Koor,vereniging,52.0663,4.2906,openbaar,ja,,,\n"
            "Speeltuin,hulpbron,52.0664,4.2907,openbaar,ja,fotos/speeltuin.webp,,\n")


def _workshop_folder(tmp_path):
    (tmp_path / "fotos").mkdir()
    (tmp_path / "tuin.jpg").write_bytes(phone_photo())
    (tmp_path / "fotos" / "bank.png").write_bytes(phone_photo(fmt="PNG"))
    (tmp_path / "fotos" / "speeltuin.webp").write_bytes(phone_photo(fmt="WEBP"))
    sheet = tmp_path / "werkblad.csv"
    sheet.write_text(WORKSHOP, encoding="utf-8")
    return sheet


def test_a_workshop_file_adds_the_photos_its_foto_column_names(denhaag_workspace, tmp_path):
    sheet = _workshop_folder(tmp_path)
    with open_workspace(denhaag_workspace) as ws:
        result = import_workshop(ws, sheet, actor="tafel 3")
        assert result.rows == 3
        photos = ws.photos(actor=COORDINATOR)
        names = dict(zip(ws.assets(actor=COORDINATOR)["id"], ws.assets(actor=COORDINATOR)["name"]))
        assert sorted(names[a] for a in photos["asset_id"]) == ["Buurttuin", "Buurttuin", "Speeltuin"]
        assert set(photos["status"]) == {"pending"}
        assert sorted(photos["caption"]) == ["De tuin in mei", "De tuin in mei", "Speeltuin"]  # default: the name
        assert all(traces_in(ws.photo_image(i, actor=COORDINATOR)) == [] for i in photos["id"])


@pytest.mark.parametrize(("cell", "code"), [("weg.jpg", "file_missing"), ("../buiten.jpg", "photo_outside_folder"),
                                            ("kapot.jpg", "photo_unreadable")])
def test_a_workshop_file_naming_a_bad_photo_is_refused_whole(denhaag_workspace, tmp_path, cell, code):
    sheet = _workshop_folder(tmp_path)
    (tmp_path / "kapot.jpg").write_bytes(b"geen foto")
    (tmp_path.parent / "buiten.jpg").write_bytes(phone_photo())
    sheet.write_text(WORKSHOP.replace("fotos/speeltuin.webp", cell), encoding="utf-8")
    before = denhaag_workspace.read_bytes()
    with open_workspace(denhaag_workspace) as ws, pytest.raises(InputError) as refused:
        import_workshop(ws, sheet, actor="tafel 3")
    problems = refused.value.problems
    assert [(p.code, p.row, p.column) for p in problems] == [(code, 4, "foto")]  # the spreadsheet's row (header: 1)
    assert str(tmp_path) not in refused.value.render("nl")  # the cell's own words, no folder of the machine
    assert denhaag_workspace.read_bytes() == before


# ---------------------------------------------------------------------- never lost
def test_photos_of_every_route_survive_a_copy_and_an_export_with_their_checksums(denhaag_workspace, tmp_path):
    sheet = _workshop_folder(tmp_path)
    with open_workspace(denhaag_workspace) as ws:
        import_workshop(ws, sheet, actor="tafel 3")
        entry = _add(ws, "Buurthuis")
        ws.add_photo(entry, phone_photo(fmt="PNG"), caption="Het buurthuis", actor=TABLE)
    photo = tmp_path / "cli.jpg"
    photo.write_bytes(phone_photo(orientation=1))
    assert _cli("photo", "add", denhaag_workspace, entry, photo, "--caption", "Via de CLI").returncode == 0
    with open_workspace(denhaag_workspace) as ws:
        stored = ws.photos(actor=COORDINATOR).set_index("id")[["sha256", "thumbnail_sha256"]]
    assert len(stored) == 5
    copy_store(denhaag_workspace, tmp_path / "kopie.gpkg")
    with open_workspace(tmp_path / "kopie.gpkg") as ws:
        copied = ws.photos(actor=COORDINATOR).set_index("id")[["sha256", "thumbnail_sha256"]]
        assert copied.sort_index().equals(stored.sort_index())
        for photo_id, row in copied.iterrows():
            assert checksum(ws.photo_image(photo_id, actor=COORDINATOR)) == row["sha256"]
            assert checksum(ws.photo_image(photo_id, thumbnail=True, actor=COORDINATOR)) == row["thumbnail_sha256"]
        export_assets(ws, tmp_path / "export.zip")
    assert backup_store(tmp_path / "kopie.gpkg", tmp_path / "backup.gpkg")["photos"] == 5
    with open_workspace(tmp_path / "backup.gpkg") as ws:
        assert all(checksum(ws.photo_image(i, actor=COORDINATOR)) == s for i, s in stored["sha256"].items())
    with zipfile.ZipFile(tmp_path / "export.zip") as bundle:
        exported = {n.split("/")[1].removesuffix(".jpg"): checksum(bundle.read(n))
                    for n in bundle.namelist() if n.startswith("photos/")}
        assert all(traces_in(bundle.read(n)) == [] for n in bundle.namelist())
        bundle.extract(ZIP_GEOPACKAGE, tmp_path / "uit")
    assert exported == stored["sha256"].to_dict()
    conn = sqlite3.connect(tmp_path / "uit" / ZIP_GEOPACKAGE)
    listed = dict(conn.execute("SELECT id, sha256 FROM photos").fetchall())
    conn.close()
    assert listed == exported


def test_upgrading_a_workspace_without_photos_adds_the_table_and_keeps_everything(tmp_path):
    path = tmp_path / "v6.gpkg"
    with create_workspace(path) as ws:
        entry = _add(ws, "Buurtkast")
    conn = sqlite3.connect(path)
    with conn:  # as a schema-6 workspace was: no photos table
        conn.execute("DROP TABLE photos")
        conn.execute("UPDATE workspace_meta SET value = '6' WHERE key = 'schema_version'")
    conn.close()
    with open_workspace(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        assert list(ws.assets(actor=COORDINATOR)["id"]) == [entry]
        added = ws.add_photo(entry, phone_photo(), caption="De kast", actor=TABLE)
        assert list(ws.photos(actor=COORDINATOR)["id"]) == [added["id"]]


def test_photos_go_to_postgis_and_back_as_bytea_with_their_checksums(denhaag_workspace, postgis_uri, tmp_path):
    import psycopg

    from assetmap.storage.postgis import parse_uri

    with open_workspace(denhaag_workspace) as ws:
        entry = _add(ws, "Buurttuin")
        for fmt in ("JPEG", "PNG"):
            ws.add_photo(entry, phone_photo(fmt=fmt), caption="De tuin", actor=TABLE)
        stored = ws.photos(actor=COORDINATOR).set_index("id")["sha256"].to_dict()
    copy_store(denhaag_workspace, postgis_uri)
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo) as conn:
        kinds = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns "
                                  "WHERE table_schema = %s AND table_name = 'photos'", (schema,)).fetchall())
        rows = conn.execute(f'SELECT id, image FROM "{schema}".photos').fetchall()
    assert kinds["image"] == kinds["thumbnail"] == "bytea"
    assert {i: checksum(bytes(image)) for i, image in rows} == stored
    with open_workspace(postgis_uri) as ws:
        photo_id = next(iter(stored))
        ws.approve_photos([photo_id], actor=COORDINATOR)
        assert list(ws.photos(actor=PUBLIC)["id"]) == [photo_id]
        added = ws.add_photo(entry, phone_photo(fmt="WEBP"), caption="Op de server", actor=TABLE)
        stored[added["id"]] = added["sha256"]
    copy_store(postgis_uri, tmp_path / "terug.gpkg")
    with open_workspace(tmp_path / "terug.gpkg") as ws:
        back = ws.photos(actor=COORDINATOR)
        assert back.set_index("id")["sha256"].to_dict() == stored
        assert all(checksum(ws.photo_image(i, actor=COORDINATOR)) == s for i, s in stored.items())
        assert list(ws.photos(actor=PUBLIC)["id"]) == [photo_id]


def test_erasure_deletes_the_photos_of_private_entries_and_anonymises_the_rest(denhaag_workspace):
    with open_workspace(denhaag_workspace) as ws:
        public = _add(ws, "Buurttuin")
        private = ws.add_entry({"name": "Eigen schuur", "building_block": "resource", "visibility": "private"},
                               TRANSVAAL, TABLE)
        kept = ws.add_photo(public, phone_photo(), caption="De tuin", actor=TABLE)["id"]
        gone = ws.add_photo(private, phone_photo(), caption="De schuur", actor=TABLE)["id"]
        seen = ws.my_data(TABLE.pseudonym, actor=COORDINATOR)["photos"]
        assert sorted(p["id"] for p in seen) == sorted([kept, gone])
        assert all("image" not in p and "thumbnail" not in p for p in seen)
        ws.forget(TABLE.pseudonym, actor=COORDINATOR)
        left = ws.photos(actor=COORDINATOR)
        assert list(left["id"]) == [kept] and list(left["added_by"]) == [None]
        assert ws.my_data(TABLE.pseudonym, actor=COORDINATOR)["photos"] == []


def test_the_handover_carries_the_approved_photos_of_public_entries_only(denhaag_workspace, tmp_path):
    from assetmap.handover import GEOPACKAGE, PHOTO_FOLDER, write_handover

    with open_workspace(denhaag_workspace, COORDINATOR) as ws:
        shown = _add(ws, "Buurttuin")
        private = _add(ws, "Eigen schuur", visibility="private")
        approved = ws.add_photo(shown, phone_photo(), caption="De tuin", credit="Ans", actor=TABLE)
        hidden = [ws.add_photo(private, phone_photo(), caption="De schuur", actor=COORDINATOR)["id"]]
        ws.approve_photos([approved["id"], *hidden], actor=COORDINATOR)
        hidden.append(ws.add_photo(shown, phone_photo(), caption="Wacht nog", actor=TABLE)["id"])
        for again in (False, True):  # a second bundle (--force) replaces the first, photos too
            done = write_handover(ws, tmp_path / "overdracht", force=again)
    assert done.photos == 1
    files = sorted(p.name for p in (tmp_path / "overdracht" / PHOTO_FOLDER).iterdir())
    assert files == [f"{approved['id']}.jpg"]
    assert checksum((tmp_path / "overdracht" / PHOTO_FOLDER / files[0]).read_bytes()) == approved["sha256"]
    conn = sqlite3.connect(tmp_path / "overdracht" / GEOPACKAGE)
    listed = conn.execute("SELECT id, name, caption, credit, sha256 FROM photos").fetchall()
    conn.close()
    assert listed == [(approved["id"], "Buurttuin", "De tuin", "Ans", approved["sha256"])]
    kaart = (tmp_path / "overdracht" / "kaart.html").read_text(encoding="utf-8")
    assert f"<img src='fotos/{approved['id']}.jpg' alt='De tuin'" in kaart  # the popup, the caption as alt text
    for path in (tmp_path / "overdracht").rglob("*"):
        if path.is_file():
            assert not any(i.encode() in path.read_bytes() for i in hidden), path


def test_upgrading_a_server_workspace_without_photos_adds_a_bytea_table(postgis_uri):
    import psycopg

    from assetmap.storage.postgis import parse_uri

    with create_workspace(postgis_uri) as ws:
        entry = _add(ws, "Buurtkast")
    conninfo, schema, _ = parse_uri(postgis_uri)
    with psycopg.connect(conninfo, autocommit=True) as conn:  # as a schema-6 server workspace was
        conn.execute(f'DROP TABLE "{schema}".photos')
        conn.execute(f"UPDATE \"{schema}\".workspace_meta SET value = '6' WHERE key = 'schema_version'")
    with open_workspace(postgis_uri) as ws:
        assert ws.schema_version() == SCHEMA_VERSION
        added = ws.add_photo(entry, phone_photo(), caption="De kast", actor=TABLE)
        assert checksum(ws.photo_image(added["id"], actor=COORDINATOR)) == added["sha256"]
    with psycopg.connect(conninfo) as conn:
        kind = conn.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = %s "
                            "AND table_name = 'photos' AND column_name = 'image'", (schema,)).fetchone()
    assert kind == ("bytea",)
