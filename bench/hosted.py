"""Load through the hosted stack (run by hand, never in CI): nginx in front of two app processes on one
PostGIS workspace, as ``tests/test_hosting.py`` starts it (``tests/hosted_stack.py``), driven at once by

* T **tables** (``--tables``, default 6), each in its own context of Debian's Chromium (Playwright):
  opens the start page through nginx (ready = title drawn, the app idle), signs in with a table code
  (issued by the service, one per table) and its pseudonym, goes to *In kaart brengen* (ready = its
  map's markers drawn) and saves ``--entries`` entries through the real form; *save visible* = the click on Opslaan until "Opgeslagen: <name>" shows;
* R **residents** (``--residents``, default 20), each in its own Chromium context: opens /Kaart
  (ready = the map's markers drawn);
* the **static resident site** served by nginx itself (``/buurt/``, published from the workspace):
  ``--rate`` requests per second (default 200) for ``--duration`` seconds (default 60) from a pool of
  threads (``http.client`` over TLS, one kept-alive connection each), spread over the site's files.

At the end the workspace is read: every entry a table saw saved is stored (none lost, none doubled).

    PYTHONPATH=. .venv/bin/python bench/hosted.py [--tables 6] [--residents 20] [--entries 2]
        [--rate 200] [--duration 60] [--json]

Needs PostgreSQL 15 + PostGIS, nginx and Chromium (as the stack test). Reports p50/p95/max per
measure, the errors, the counts, the machine and its load. Targets (issue #32, docs/hosting.md): app
page ready p95 ≤ 3 s, static site p95 ≤ 50 ms, no error, no lost write.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from workshop import TIMEOUT_MS, idle, markers, save_entry, stats, t  # noqa: E402

from assetmap import i18n  # noqa: E402
from assetmap.service import open_workspace  # noqa: E402

import browsing  # noqa: E402  (the tests' Chromium and its arguments)
import hosted_stack  # noqa: E402  (the stack of tests/test_hosting.py)
from postgis_server import Cluster, missing_reason  # noqa: E402

#: A point in Delft (Voorhof) around which the tables place their entries, a few metres apart.
ORIGIN = (52.0010, 4.3560)


async def open_page(browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 1000}, ignore_https_errors=True)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


async def resident(browser, base: str, out: dict) -> None:
    """A resident opens /Kaart in a new browser context (nothing cached)."""
    context, page = await open_page(browser)
    try:
        start = time.monotonic()
        await page.goto(base + "/Kaart", wait_until="domcontentloaded")
        await markers(page)
        out["resident_ready"].append(time.monotonic() - start)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        out["errors"].append(f"resident: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


async def table(browser, base: str, number: int, code: str, entries: int, out: dict) -> None:
    """One table: open the workshop page, sign in with its table code, save ``entries`` entries."""
    me = f"tafel-{number}"
    context, page = await open_page(browser)
    try:
        start = time.monotonic()
        await page.goto(base + "/", wait_until="domcontentloaded")
        await page.wait_for_selector("h1")
        await idle(page)
        out["table_ready"].append(time.monotonic() - start)
        sidebar = page.locator('[data-testid="stSidebar"]')
        await sidebar.locator('[data-testid="stExpander"] summary').first.click()
        await sidebar.get_by_role("textbox", name=t("table_code"), exact=True).fill(code)
        await sidebar.get_by_role("textbox", name=t("pseudonym"), exact=True).fill(me)
        await sidebar.get_by_role("button", name=t("table_code_button")).click()
        await sidebar.get_by_role("button", name=t("sign_out")).wait_for()
        await idle(page)
        start = time.monotonic()  # signed in, to the workshop page (it is closed to the public)
        await sidebar.locator('[data-testid="stPageLink"]').filter(has_text=i18n.page_title("workshop", "nl")).click()
        await markers(page)
        out["table_ready"].append(time.monotonic() - start)
        await idle(page)
        for entry in range(entries):
            name = f"Bench {me} nr {entry + 1}"
            lat, lon = ORIGIN[0] + 0.0004 * number, ORIGIN[1] + 0.0006 * entry
            await markers(page)
            out["save_visible"].append(await save_entry(page, name, lat, lon, out))
            out["saved"].append(name)
            await idle(page)
            await page.wait_for_function(
                "(label) => { const el = [...document.querySelectorAll('input')]"
                ".find(i => i.getAttribute('aria-label') === label); return el && el.value === ''; }",
                arg=t("name"), timeout=TIMEOUT_MS)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        out["errors"].append(f"{me}: {type(exc).__name__}: {str(exc)[:200]}")
        if os.environ.get("BENCH_SHOTS"):
            await page.screenshot(path=f"{os.environ['BENCH_SHOTS']}/{me}.png", full_page=True)
    finally:
        await context.close()


def static_load(base: str, paths: list[str], rate: float, duration: float, out: dict, threads: int = 16) -> None:
    """``rate`` requests per second on ``paths`` for ``duration`` seconds: each thread keeps one TLS connection
    and sends its share at fixed moments (open loop: a slow answer does not lower the rate asked for)."""
    host, port = base.removeprefix("https://").split(":")
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    lock = threading.Lock()
    start = time.monotonic() + 0.5
    interval = threads / rate

    def worker(n: int) -> None:
        connection = None
        latencies, errors, late = [], [], 0
        k = 0
        while True:
            due = start + (n / threads) * interval + k * interval
            if due - start > duration:
                break
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                late += 1
            path = paths[(n + k * threads) % len(paths)]
            k += 1
            sent = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=10)
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"static {path}: HTTP {response.status}")
                latencies.append(time.monotonic() - sent)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"static {path}: {type(exc).__name__}: {exc}"[:200])
                connection = None
        with lock:
            out["static"].extend(latencies)
            out["static_errors"].extend(errors)
            out["static_late"] += late

    began = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    out["static_s"] = time.monotonic() - began


async def browsers(base: str, codes: list[str], args, out: dict) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(browsing.CHROMIUM), args=browsing.CHROMIUM_ARGS)
        try:
            started = time.monotonic()
            await asyncio.gather(*[table(browser, base, n + 1, code, args.entries, out) for n, code in enumerate(codes)],
                                 *[resident(browser, base, out) for _ in range(args.residents)])
            out["browsers_s"] = time.monotonic() - started
        finally:
            await browser.close()


def prepare(uri: str, folder: Path, tables: int) -> tuple[Path, list[str]]:
    """The Delft demo copied into the PostGIS workspace, its resident site published, one table code a table."""
    from assetmap.cli import main as cli

    demo = folder / "demo.gpkg"
    subprocess.run([sys.executable, "-m", "assetmap.cli", "demo", str(demo)], cwd=REPO, check=True,
                   env=os.environ | {"PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL)
    if cli(["copy", str(demo), uri]) != 0:
        raise SystemExit("assetmap copy into PostGIS failed")
    site = folder / "site"
    if cli(["publish", uri, str(site)]) != 0:
        raise SystemExit("assetmap publish failed")
    with open_workspace(uri) as ws:
        codes = [ws.issue_table_code(hours=2, table=f"tafel-{n}") for n in range(1, tables + 1)]
    return site, codes


def site_paths(site: Path) -> list[str]:
    """What a resident's browser asks nginx for: the site's pages, scripts, styles and data (no photos)."""
    paths = sorted("/buurt/" + p.relative_to(site).as_posix() for p in site.rglob("*")
                   if p.is_file() and p.suffix in {".html", ".js", ".css", ".json", ".geojson", ".svg"})
    return ["/buurt/"] + [p for p in paths if not p.endswith("/index.html")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--entries", type=int, default=2, help="entries each table saves")
    parser.add_argument("--rate", type=float, default=200, help="requests per second on the static site")
    parser.add_argument("--duration", type=float, default=60, help="seconds of static load")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    reason = missing_reason()
    if reason or not hosted_stack.NGINX.is_file() or not browsing.CHROMIUM.is_file():
        raise SystemExit(f"needs PostGIS, nginx and Chromium: {reason or 'nginx or chromium missing'}")

    out = {"table_ready": [], "resident_ready": [], "save_visible": [], "static": [], "errors": [], "static_errors": [],
           "submitted": [], "saved": [], "static_late": 0}
    cluster = Cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="assetmap-hosted-") as name:
            folder = Path(name)
            uri = cluster.uri("hosted")
            with contextlib.redirect_stdout(sys.stderr):  # the CLI's lines, out of the report
                site, codes = prepare(uri, folder, args.tables)
            paths = site_paths(site)
            # Debian's own nginx.conf numbers (the test's smaller ones would run out of connections).
            with hosted_stack.running(uri, site, folder, workers="auto", connections=768) as stack:
                load_before = os.getloadavg()
                sampler_stop = threading.Event()
                loads: list[float] = []

                def sample() -> None:
                    while not sampler_stop.wait(5):
                        loads.append(os.getloadavg()[0])

                threading.Thread(target=sample, daemon=True).start()
                static = threading.Thread(target=static_load,
                                          args=(stack.base, paths, args.rate, args.duration, out), daemon=True)
                static.start()
                asyncio.run(browsers(stack.base, codes, args, out))
                static.join()
                sampler_stop.set()
            nginx_errors = (folder / "nginx" / "error.log").read_text(errors="replace").splitlines()
            tracebacks = sum((folder / log).read_text(errors="replace").count("Traceback")
                             for log in ("app1.log", "app2.log"))
            with open_workspace(uri) as ws:
                stored = ws.assets()["name"].astype(str).tolist()
    finally:
        cluster.stop()
    lost = [n for n in out["saved"] if n not in stored]
    doubled = [n for n in set(out["submitted"]) if stored.count(n) > 1]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.node()}: {psutil.cpu_count()} cores, {platform.processor() or platform.machine()}",
        "load_before": [round(x, 2) for x in load_before],
        "load_1min_during": {"min": min(loads, default=0), "max": max(loads, default=0)},
        "tables": args.tables, "residents": args.residents, "entries_per_table": args.entries,
        "browsers_s": round(out.get("browsers_s", 0), 1),
        "table_page_ready_s": stats(out["table_ready"]), "resident_page_ready_s": stats(out["resident_ready"]),
        "app_page_ready_s": stats(out["table_ready"] + out["resident_ready"]),
        "save_visible_s": stats(out["save_visible"]),
        "static_rate_asked": args.rate, "static_requests": len(out["static"]),
        "static_rate_done": round(len(out["static"]) / max(out.get("static_s", 1), 1e-9), 1),
        "static_sent_late": out["static_late"],
        "static_latency_ms": stats([s * 1000 for s in out["static"]]),
        "entries_submitted": len(out["submitted"]), "entries_saved": len(out["saved"]),
        "entries_stored": len(out["saved"]) - len(lost), "lost": lost, "doubled": doubled,
        # Clicked but never shown as saved (the browser gave up): stored or not, nothing was promised.
        "unconfirmed_stored": sum(n in stored for n in set(out["submitted"]) - set(out["saved"])),
        "app_tracebacks": tracebacks, "browser_errors": out["errors"], "static_errors": len(out["static_errors"]),
        "static_errors_first": out["static_errors"][:5], "nginx_error_log_lines": len(nginx_errors),
        "nginx_error_log_last": nginx_errors[-5:],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key:28} {value}")
    ok = not out["errors"] and not out["static_errors"] and not lost and not doubled and not tracebacks
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
