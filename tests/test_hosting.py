"""Ways of hosting assetmap, run on this machine without Docker: the image's file tree, compose.yaml, and
nginx + two app processes on one PostGIS workspace, with the files of ``deploy/``.

Docker does not run on the test machines. Instead:

- the image: its file tree is built from the ``Dockerfile`` itself (its ``COPY`` lines copied into a
  temporary folder), and the app is started there exactly as ``CMD`` does, with the ``Dockerfile``'s
  ``ENV`` (only where Streamlit listens is moved to a free loopback port), with nothing installed
  (the test venv stands in for the image's ``pip install``). Chromium checks that ``/Kaart`` draws its
  map with the local Leaflet and that Streamlit's own page menu does not appear;
- compose.yaml is read (PyYAML) and checked against the hosting page (docs/hosting.md) and the Dockerfile;
- the hosted stack: a throwaway PostGIS cluster, two app processes started with the ``ExecStart`` line
  of ``deploy/assetmap@.service``, and Debian's nginx (run as the test user, with the site file
  ``deploy/nginx-assetmap.conf`` where only ports and paths are replaced, TLS with a throwaway
  certificate) on loopback, started by ``tests/hosted_stack.py`` (which ``bench/hosted.py`` loads too).
  A coordinator signs in through nginx and saves on one process; a browser served by the other
  process sees the save.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from assetmap import i18n
from assetmap.service import open_workspace

import browsing
import hosted_stack
from conftest import REPO
from hosted_stack import NGINX
from hosted_stack import clean_env as _clean_env
from hosted_stack import get as _get
from hosted_stack import process as _process
from hosted_stack import upstream_of as _upstream_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 120_000
MAP_FRAME = browsing.MAP_FRAME
SAVED_NAME = "Buurtkamer achter de proxy"


# ---------------------------------------------------------------------- the Dockerfile, read as Docker reads it
def dockerfile_instructions(path: Path = REPO / "Dockerfile") -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` of a Dockerfile, continuation lines joined, comments left out."""
    out, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        op, _, args = full.partition(" ")
        out.append((op.upper(), args.strip()))
    return out


def image_env(instructions) -> dict[str, str]:
    """The ``ENV`` of the image (``KEY=value`` pairs, later ones win)."""
    env = {}
    for op, args in instructions:
        if op == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def build_image_tree(instructions, root: Path) -> Path:
    """Copy what the ``COPY`` lines copy into ``root`` (the image's filesystem); the ``WORKDIR`` in it."""
    workdir = Path("/")
    for op, args in instructions:
        if op == "WORKDIR":
            workdir = workdir / args
        elif op == "COPY":
            parts = [p for p in shlex.split(args) if not p.startswith("--")]
            *sources, dest = parts
            target = root / (workdir / dest).relative_to("/")
            into_folder = dest.endswith("/") or len(sources) > 1
            for source in sources:
                src = REPO / source
                assert src.exists(), f"the Dockerfile copies {source}, which is not in the repository"
                place = target / src.name if into_folder else target
                place.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, place, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                                    dirs_exist_ok=True)
                else:
                    shutil.copy2(src, place)
    return root / workdir.relative_to("/")


#: How many faces of the shipped Arabic font the page has loaded (once its fonts are settled).
ARABIC_FONT_LOADED = """async () => { await document.fonts.ready;
  return Array.from(document.fonts).filter(f => f.family.replace(/["']/g, '') === 'Noto Sans Arabic'
                                               && f.status === 'loaded').length; }"""


def _page(browser, **options):
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 1000}} | options))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def _wait_idle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_selector("h1")
    _wait_idle(page)


def test_the_image_tree_started_as_cmd_draws_the_map_with_local_leaflet(delft_copy, tmp_path):
    browsing.require_chromium()
    instructions = dockerfile_instructions()
    app = build_image_tree(instructions, tmp_path / "image")
    assert (app / ".streamlit" / "config.toml").is_file()
    assert not (app / ".streamlit" / "secrets.toml").exists()  # never baked into an image
    cmd = json.loads(next(args for op, args in instructions if op == "CMD"))
    env = image_env(instructions)
    assert env["ASSETMAP_ACCESS"] == "public" and env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"
    port = browsing.free_port()
    run_env = _clean_env(tmp_path) | env | {
        # Only loopback in tests: where Streamlit listens moves, nothing else.
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1", "STREAMLIT_SERVER_PORT": str(port),
        "ASSETMAP_WORKSPACE": str(delft_copy),  # compose gives the workspace; here a Delft file
        "PYTHONPATH": str(app),  # what `pip install -e .` does in the image: the tree's own package
    }
    url = f"http://127.0.0.1:{port}"
    with _process(cmd, app, run_env, tmp_path / "image.log", url):
        with urllib.request.urlopen(url + "/app/static/leaflet/leaflet.js", timeout=10) as response:
            body = response.read()
            kind = response.headers.get("Content-Type", "")
        assert "javascript" in kind, kind
        assert b"Leaflet" in body[:500] and b"<html" not in body[:500].lower()
        with browsing.chromium() as browser:
            page = _page(browser)
            leaflet = []
            page.on("response", lambda r: leaflet.append((r.url, r.status, r.headers.get("content-type", "")))
                    if r.url.endswith("leaflet.js") else None)
            _open(page, url + "/Kaart")
            page.wait_for_selector(MAP_FRAME)
            fmap = page.frame_locator(MAP_FRAME).first
            markers = fmap.locator(".leaflet-marker-icon")
            markers.nth(99).wait_for()  # the public entries of Delft: well over a hundred markers
            assert markers.count() >= 100
            assert leaflet and all(u.startswith(url + "/app/static/leaflet/") and s == 200 and "javascript" in t
                                   for u, s, t in leaflet), leaflet
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # Streamlit's own page menu
            assert page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').count() >= 3  # assetmap's
            page.context.close()
            # The Arabic map page reads its font from the image (static/fonts), offline.
            page = _page(browser)
            _open(page, url + "/Kaart?lang=ar")
            page.wait_for_function("document.documentElement.dir === 'rtl'")
            assert page.evaluate(ARABIC_FONT_LOADED) >= 1
            page.context.close()
    log = (tmp_path / "image.log").read_text(errors="replace")
    assert "Traceback" not in log


def test_compose_file_matches_the_readme_and_the_dockerfile():
    import yaml

    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    hosting = (REPO / "docs" / "hosting.md").read_text(encoding="utf-8")  # the README's hosting section, split off
    env = image_env(dockerfile_instructions())
    assert set(compose["services"]) == {"db", "app"}
    db, app = compose["services"]["db"], compose["services"]["app"]

    assert db["image"].startswith("postgis/postgis:15-")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert f"127.0.0.1:{env['STREAMLIT_SERVER_PORT']}/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert all(s["restart"] == "unless-stopped" for s in (db, app))

    workspace = app["environment"]["ASSETMAP_WORKSPACE"]
    match = re.fullmatch(r"postgresql://(\w+):\$\{ASSETMAP_DB_PASSWORD[^}]*\}@db:5432/(\w+)\?schema=(\w+)", workspace)
    assert match, workspace
    assert match.group(1) == db["environment"]["POSTGRES_USER"] and match.group(2) == db["environment"]["POSTGRES_DB"]
    assert app["environment"]["ASSETMAP_ACCESS"] == "public"
    assert app["environment"]["ASSETMAP_LOG"] == "-"
    # Reachable from this machine only: the reverse proxy is the way in.
    assert all(str(p).startswith("127.0.0.1:") for p in app["ports"])
    # The folders the volumes mount exist in the image and belong to its user (a new volume takes that over).
    run = " ".join(args for op, args in dockerfile_instructions() if op == "RUN")
    for volume in app["volumes"]:
        folder = volume.split(":")[1]
        assert folder in run and "chown assetmap" in run, folder
    # What an administrator must set is in the hosting page, and it says how to start it and that
    # Docker itself is not run by the tests.
    for name in set(re.findall(r"\$\{(\w+)", (REPO / "compose.yaml").read_text())):
        assert name in hosting, name
    for phrase in ("docker compose up -d --build", "ASSETMAP_ACCESS=public", "service_healthy",
                   "Docker does not run on the test machines", "127.0.0.1:8501"):
        assert phrase in hosting, phrase


def test_the_systemd_units_and_nginx_site_are_complete():
    deploy = REPO / "deploy"
    unit = (deploy / "assetmap@.service").read_text()
    assert "--server.address=127.0.0.1" in unit and "--server.port=%i" in unit
    assert "EnvironmentFile=/etc/assetmap/assetmap.env" in unit and "User=assetmap" in unit
    example = dict(line.split("=", 1) for line in (deploy / "assetmap.env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert example["ASSETMAP_ACCESS"] == "public" and example["ASSETMAP_WORKSPACE"].startswith("postgresql://")
    for timer, service in (("assetmap-backup.timer", "assetmap backup"), ("assetmap-retention.timer", "retention")):
        assert "OnCalendar=" in (deploy / timer).read_text()
        assert service in (deploy / timer.replace(".timer", ".service")).read_text()
    site = (deploy / "nginx-assetmap.conf").read_text()
    assert "$remote_addr" not in site and "$http_cookie" not in site  # no visitor in the access log
    for needed in ("proxy_set_header Upgrade", "hash $assetmap_route consistent", "gzip on",
                   "Content-Security-Policy", "frame-ancestors", "X-Content-Type-Options", "Referrer-Policy",
                   "location /buurt/", "ssl_protocols"):
        assert needed in site, needed


# ---------------------------------------------------------------------- the hosted stack on loopback
def _require_nginx() -> None:
    if NGINX.is_file():
        return
    if os.environ.get("CI"):
        pytest.fail("nginx is missing on CI: .ci/run installs Debian's nginx-light")
    pytest.skip("nginx not installed (apt-get install nginx-light)")


def test_nginx_in_front_of_two_app_processes_on_one_postgis_workspace(delft_copy, postgis_cluster, tmp_path):
    browsing.require_chromium()
    _require_nginx()
    from assetmap.cli import main

    uri = postgis_cluster.uri("hosted")
    assert main(["copy", str(delft_copy), uri]) == 0
    with open_workspace(uri) as ws:
        ws.create_account("carla", "een lang wachtwoord 123", "coordinator")
    site = tmp_path / "site"
    assert main(["publish", uri, str(site)]) == 0

    with hosted_stack.running(uri, site, tmp_path) as stack:
        _check_the_proxy(stack.base, stack.folder, site, stack.http_port)
        _save_on_one_process_and_see_it_on_the_other(stack.base, stack.access_log, stack.ports, tmp_path)
    folder = stack.folder
    assert "Traceback" not in (tmp_path / "app1.log").read_text(errors="replace")
    access = (folder / "assetmap.access.log").read_text()
    assert "carla" not in access and "assetmap_route" not in access and SAVED_NAME.split()[0] not in access
    lines = [json.loads(ln) for ln in (tmp_path / "assetmap.jsonl").read_text().splitlines()]
    assert ("sign in", "ok") in {(ln["action"], ln["result"]) for ln in lines}
    assert ("create", "ok") in {(ln["action"], ln["result"]) for ln in lines}
    assert "carla" not in (tmp_path / "assetmap.jsonl").read_text()


def _check_the_proxy(base: str, folder: Path, site: Path, http_port: int) -> None:
    status, headers, body = _get(base + "/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "assetmap_route=" in headers.get("Set-Cookie", "") and "HttpOnly" in headers["Set-Cookie"]
    # Leaflet through the proxy: JavaScript, gzipped.
    status, headers, body = _get(base + "/app/static/leaflet/leaflet.js", encoding="gzip")
    assert headers.get("Content-Encoding") == "gzip" and "javascript" in headers["Content-Type"], headers
    assert b"Leaflet" in gzip.decompress(body)[:500]
    # The resident site comes from nginx itself: no app process answered it.
    status, headers, body = _get(base + "/buurt/")
    assert status == 200 and body == (site / "index.html").read_bytes()
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = _get(base + "/buurt/site.js", encoding="gzip")  # gzipped by nginx itself
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == (site / "site.js").read_bytes()
    time.sleep(0.2)
    line = [ln for ln in (folder / "assetmap.access.log").read_text().splitlines() if '"GET /buurt/' in ln][-1]
    assert line.endswith("upstream=-")
    # Plain http only redirects to https.
    request = urllib.request.Request(f"http://127.0.0.1:{http_port}/Kaart")
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *a, **k: None}))
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(request, timeout=10)
    assert moved.value.code == 301 and moved.value.headers["Location"].startswith("https://")


def _save_on_one_process_and_see_it_on_the_other(base: str, access_log: Path, ports: list[int], tmp_path) -> None:
    # Two route cookies that nginx sends to different processes.
    routes: dict[str, str] = {}
    for n in range(200):
        routes.setdefault(_upstream_of(base, access_log, f"route{n}"), f"route{n}")
        if len(routes) == 2:
            break
    assert set(routes) == {f"127.0.0.1:{p}" for p in ports}, routes
    first, second = routes[f"127.0.0.1:{ports[0]}"], routes[f"127.0.0.1:{ports[1]}"]
    host = "127.0.0.1"
    with browsing.chromium() as browser:
        writer = _page(browser, ignore_https_errors=True)
        writer.context.add_cookies([{"name": "assetmap_route", "value": first, "domain": host, "path": "/"}])
        problems: list[str] = []
        writer.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        _open(writer, base + "/")
        sidebar = writer.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stExpander"] summary').first.click()
        sidebar.get_by_role("textbox", name=i18n.t("sign_in_name", "nl"), exact=True).fill("carla")
        sidebar.get_by_role("textbox", name=i18n.t("sign_in_password", "nl"), exact=True).fill("een lang wachtwoord 123")
        sidebar.get_by_role("button", name=i18n.t("sign_in_button", "nl")).click()
        sidebar.get_by_role("button", name=i18n.t("sign_out", "nl")).wait_for()
        _wait_idle(writer)
        sidebar.locator('[data-testid="stPageLink"]').filter(has_text=i18n.page_title("workshop", "nl")).click()
        writer.wait_for_selector(MAP_FRAME)
        fmap = writer.frame_locator(MAP_FRAME).first
        fmap.locator(".leaflet-marker-icon").first.wait_for()  # Leaflet ran under the proxy's CSP
        _wait_idle(writer)
        browsing.click_map(writer, 40, browsing.map_box(writer)["height"] / 2)
        writer.wait_for_function(
            "(label) => { const el = [...document.querySelectorAll('input')]"
            ".find(i => i.getAttribute('aria-label') === label); return el && el.value !== ''; }",
            arg=i18n.t("lat", "nl"))
        _wait_idle(writer)
        writer.get_by_role("textbox", name=i18n.t("name", "nl"), exact=True).fill(SAVED_NAME)
        writer.get_by_role("button", name=i18n.t("save", "nl"), exact=True).click()
        writer.get_by_text(f"Opgeslagen: {SAVED_NAME}").first.wait_for()
        writer.screenshot(path=str(tmp_path / "writer.png"), full_page=True)
        assert not problems, problems
        writer.context.close()

        reader = _page(browser, ignore_https_errors=True)
        reader.context.add_cookies([{"name": "assetmap_route", "value": second, "domain": host, "path": "/"}])
        _open(reader, base + "/Kaart")
        reader.wait_for_selector(MAP_FRAME)
        reader.frame_locator(MAP_FRAME).first.locator(".leaflet-marker-icon").first.wait_for()
        _wait_idle(reader)
        shown = "\n".join(frame.content() for frame in reader.frames)
        assert SAVED_NAME in shown
        reader.context.close()
    # Both processes served this test's browsers: the save and the read came from different processes.
    served = access_log.read_text()
    assert f"upstream=127.0.0.1:{ports[0]}" in served and f"upstream=127.0.0.1:{ports[1]}" in served
