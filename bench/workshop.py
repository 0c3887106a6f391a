"""Live-workshop benchmark (run by hand): T tables and R residents at once on a cold app server.

Starts the hosted app (``streamlit run app.py``, ``ASSETMAP_ACCESS=workshop``, as
``tests/browsing.py``'s ``streamlit_server`` does) on a copy of a workspace (the Delft demo by
default), then opens every table and every resident in its own context of one headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright), all at once:

* a **table** opens *In kaart brengen* (ready = title drawn, the app idle, the map's markers drawn),
  signs in with its pseudonym, and saves ``--entries`` entries through the real form (a place typed
  into the latitude/longitude fields, a name, Opslaan). *Save visible to its table* = the click on
  Opslaan until "Opgeslagen: <name>" shows. Then it refreshes its page until the map shows every
  other table's entries as markers: *save visible to other tables* = that moment minus the moment
  the other table's save showed "Opgeslagen" (so it includes the refresh, as a table would see it);
* a **resident** opens /Kaart (ready = the map's markers drawn).

After that (the app quiet) ``--residents`` more residents visit /Kaart one after the other, and the
server process's CPU time (``psutil``) across the batch, divided by the visits, is the server CPU per
resident visit: once each in a new browser (nothing cached: the server also sends Streamlit's and
Leaflet's files, some 200 requests), once each in a new tab of one browser (those files cached: what
the app itself costs). Finally the workspace is read: entries submitted vs stored (none lost, none doubled).

    .venv/bin/python bench/workshop.py [--tables 6] [--residents 20] [--entries 2] [--workspace W.gpkg]

Reports p50/p95/max per measure, the errors, the counts, the machine's load, and the CPU the whole machine
and the app server used while everyone was at it (run it on a quiet machine: Chromium runs on the same
cores as the server, and the difference is mostly Chromium's). Targets (docs/coverage.md, *Speed*): with 6 tables and
20 residents at once, page ready p95 ≤ 3 s, a save visible to its table p95 ≤ 1.5 s and to other
tables ≤ 5 s, no error, no lost or duplicated entry; ≤ 0.1 s of server CPU per resident visit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from assetmap import i18n  # noqa: E402
from assetmap.service import open_workspace  # noqa: E402

import browsing  # noqa: E402  (the tests' Chromium arguments, free port and health check)

TIMEOUT_MS = 120_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: A point in Delft (Voorhof) around which the tables place their entries, a few metres apart.
ORIGIN = (52.0010, 4.3560)


def t(key: str, **values) -> str:
    return i18n.t(key, "nl", **values)


def start_server(workspace: Path, access: str) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` for ``workspace`` with ``ASSETMAP_ACCESS=access``: the process and its URL."""
    port = browsing.free_port()
    env = {k: v for k, v in os.environ.items() if k != "ASSETMAP_ACCESS"} | {
        "ASSETMAP_WORKSPACE": str(workspace), "ASSETMAP_ACCESS": access, "PYTHONPATH": str(REPO)}
    log = open(workspace.with_suffix(".server.log"), "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    browsing.wait_healthy(url, process)
    return process, url


def server_cpu(process: subprocess.Popen) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every core, user + system), as psutil counts them."""
    times = psutil.cpu_times()
    return times.user + times.system + getattr(times, "nice", 0.0)


async def idle(page) -> None:
    await page.wait_for_timeout(200)
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                 timeout=TIMEOUT_MS)


async def markers(page) -> None:
    """Wait until the map's markers are drawn."""
    await page.frame_locator(MAP_FRAME).first.locator(".leaflet-marker-icon").first.wait_for(timeout=TIMEOUT_MS)


async def open_page(browser, url: str):
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


async def resident(browser, url: str, out: dict, context=None) -> None:
    """A resident opens /Kaart in a new browser (``context`` None: nothing cached) or a new tab of ``context``."""
    own = context is None
    if own:
        context, page = await open_page(browser, url)
    else:
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
    try:
        start = time.monotonic()
        await page.goto(url + "/Kaart", wait_until="domcontentloaded")
        await markers(page)
        out["resident_ready"].append(time.monotonic() - start)
    except Exception as exc:  # noqa: BLE001 - counted and reported
        out["errors"].append(f"resident: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await (context.close() if own else page.close())


def entry_form(page):
    """The new-entry form (hosted, the sidebar's sign-in forms come first)."""
    return page.locator('[data-testid="stForm"]').filter(has=page.locator(f'input[aria-label="{t("lat")}"]')).first


def form_field(page, label: str):
    return entry_form(page).locator(f'input[aria-label="{label}"], textarea[aria-label="{label}"]')


async def save_entry(page, name: str, lat: float, lon: float, out: dict) -> float:
    """Type one entry into the workshop form and save it; the seconds until its table sees "Opgeslagen".

    Types again (up to three times) when a rerun gave the form back its empty values, as a person would
    see their text vanish and retype. The name goes into ``out["submitted"]`` when Save is pressed.

    Raises
    ------
    RuntimeError
        The app refused the entry (its error message).
    """
    for _attempt in range(3):
        await idle(page)
        await form_field(page, t("lat")).fill(f"{lat:.6f}")
        await form_field(page, t("lon")).fill(f"{lon:.6f}")
        await form_field(page, t("name")).fill(name)
        await idle(page)
        if await form_field(page, t("lat")).input_value() and await form_field(page, t("name")).input_value():
            break
    start = time.monotonic()
    await entry_form(page).get_by_role("button", name=t("save"), exact=True).click()
    out["submitted"].append(name)
    saved = page.get_by_text(t("saved", name=name)).first
    refused = page.locator('[data-testid="stAlertContentError"]').first
    await saved.or_(refused).wait_for(timeout=TIMEOUT_MS)
    if not await saved.is_visible():
        raise RuntimeError(f"the app refused {name!r}: {await refused.inner_text()}")
    return time.monotonic() - start


async def table(browser, url: str, number: int, entries: int, everyone: list[str], out: dict) -> None:
    """One table: open, sign in, save ``entries`` entries, refresh until the others' entries show."""
    me = f"tafel-{number}"
    context, page = await open_page(browser, url)
    try:
        start = time.monotonic()
        await page.goto(url + "/In_kaart_brengen", wait_until="domcontentloaded")
        await page.wait_for_selector("h1")
        await idle(page)
        await markers(page)
        out["table_ready"].append(time.monotonic() - start)
        pseudonym = page.get_by_role("textbox", name=t("pseudonym"), exact=True)
        await pseudonym.fill(me)
        await pseudonym.press("Enter")
        await idle(page)
        for entry in range(entries):
            name = f"Bench {me} nr {entry + 1}"
            lat, lon = ORIGIN[0] + 0.0004 * number, ORIGIN[1] + 0.0006 * entry
            # After a save the map is drawn anew and its first message reruns the page: type once that is over,
            # and again if that run gave the form back its empty values (a person would see it and retype).
            await markers(page)
            out["save_own"].append(await save_entry(page, name, lat, lon, out))
            out["saved_at"][name] = time.time()
            await idle(page)
            # The form is empty again in the browser itself before the next entry is typed.
            await page.wait_for_function(
                "(label) => { const el = [...document.querySelectorAll('input')]"
                ".find(i => i.getAttribute('aria-label') === label); return el && el.value === ''; }",
                arg=t("name"), timeout=TIMEOUT_MS)
        # Refresh until every other table's entries are markers on this table's map.
        others = [n for n in everyone if f" {me} " not in n]
        seen: set[str] = set()
        deadline = time.monotonic() + 180
        while len(seen) < len(others) and time.monotonic() < deadline:
            await page.reload(wait_until="domcontentloaded")
            await page.wait_for_selector("h1")
            await markers(page)
            frame = page.frame_locator(MAP_FRAME).first
            labels = await frame.locator(".leaflet-marker-icon").evaluate_all(
                "els => els.map(e => e.getAttribute('aria-label') || '')")
            now = time.time()
            for name in others:
                if name not in seen and name in out["saved_at"] and any(label.startswith(name + ",") for label in labels):
                    seen.add(name)
                    out["save_others"].append(max(0.0, now - out["saved_at"][name]))
            if len(seen) < len(others):
                await page.wait_for_timeout(500)
        if len(seen) < len(others):
            out["errors"].append(f"{me}: never saw {sorted(set(others) - seen)[:3]}...")
    except Exception as exc:  # noqa: BLE001 - counted and reported
        out["errors"].append(f"{me}: {type(exc).__name__}: {str(exc)[:200]}")
        if os.environ.get("BENCH_SHOTS"):
            await page.screenshot(path=f"{os.environ['BENCH_SHOTS']}/{me}.png", full_page=True)
    finally:
        await context.close()


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {"n": len(values), "p50": round(statistics.median(ordered), 2), "p95": round(p95, 2),
            "max": round(ordered[-1], 2)}


async def run(url: str, process: subprocess.Popen, args) -> dict:
    from playwright.async_api import async_playwright

    out = {"table_ready": [], "resident_ready": [], "save_own": [], "save_others": [], "errors": [],
           "submitted": [], "saved_at": {}}
    everyone = [f"Bench tafel-{n} nr {e + 1}" for n in range(1, args.tables + 1) for e in range(args.entries)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(browsing.CHROMIUM), args=browsing.CHROMIUM_ARGS)
        try:
            started = time.monotonic()
            server_before, machine_before = server_cpu(process), machine_cpu()
            await asyncio.gather(*[table(browser, url, n, args.entries, everyone, out) for n in range(1, args.tables + 1)],
                                 *[resident(browser, url, out) for _ in range(args.residents)])
            out["workshop_s"] = time.monotonic() - started
            # Where the CPU went while everyone was at it: the app server's share of all the machine's busy CPU
            # (the rest is mostly the 26 Chromium contexts on the same cores, as no browser would be on a host).
            out["workshop_server_cpu_s"] = server_cpu(process) - server_before
            out["workshop_machine_cpu_s"] = machine_cpu() - machine_before
            # Server CPU per resident visit, the app otherwise quiet: one visit after the other.
            await resident(browser, url, {"resident_ready": [], "errors": out["errors"]})  # this version's map, built
            quiet = {"resident_ready": [], "errors": out["errors"]}
            before = server_cpu(process)
            for _ in range(args.residents):
                await resident(browser, url, quiet)
                await asyncio.sleep(0.3)  # let the server finish the session's last messages
            out["cpu_per_resident_s"] = (server_cpu(process) - before) / max(1, args.residents)
            out["resident_ready_quiet"] = quiet["resident_ready"]
            # The same with the browser's cache warm (Streamlit's and Leaflet's files fetched already):
            # what the app itself costs per visit, without serving its static files.
            context, _page = await open_page(browser, url)
            await resident(browser, url, {"resident_ready": [], "errors": out["errors"]}, context)
            before = server_cpu(process)
            for _ in range(args.residents):
                await resident(browser, url, quiet, context)
                await asyncio.sleep(0.3)
            out["cpu_per_resident_cached_s"] = (server_cpu(process) - before) / max(1, args.residents)
            await context.close()
        finally:
            await browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--entries", type=int, default=2, help="entries each table saves")
    parser.add_argument("--workspace", type=Path, help="a workspace to copy (default: a new Delft demo)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="assetmap-workshop-") as folder:
        workspace = Path(folder) / "workshop.gpkg"
        if args.workspace:
            shutil.copy(args.workspace, workspace)
        else:
            subprocess.run([sys.executable, "-m", "assetmap.cli", "demo", str(workspace)], cwd=REPO, check=True,
                           env=os.environ | {"PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL)
        load_before = os.getloadavg()
        cold = time.monotonic()
        process, url = start_server(workspace, "workshop")
        healthy_s = time.monotonic() - cold
        try:
            out = asyncio.run(run(url, process, args))
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with open_workspace(workspace) as ws:
            stored = ws.assets()
        names = stored["name"].astype(str).tolist()
        submitted = out["submitted"]
        lost = [n for n in submitted if n not in names]
        doubled = [n for n in set(submitted) if names.count(n) > 1]
        report = {
            "machine": f"{platform.node()}: {psutil.cpu_count()} cores, {platform.processor() or platform.machine()}",
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
            "tables": args.tables, "residents": args.residents, "entries_per_table": args.entries,
            "server_healthy_s": round(healthy_s, 2), "workshop_s": round(out["workshop_s"], 1),
            "table_page_ready_s": stats(out["table_ready"]), "resident_page_ready_s": stats(out["resident_ready"]),
            "page_ready_s": stats(out["table_ready"] + out["resident_ready"]),
            "save_visible_own_s": stats(out["save_own"]), "save_visible_others_s": stats(out["save_others"]),
            "resident_ready_quiet_s": stats(out["resident_ready_quiet"]),
            "workshop_cpu_s": {"machine": round(out["workshop_machine_cpu_s"], 1),
                               "app_server": round(out["workshop_server_cpu_s"], 1)},
            "server_cpu_per_resident_s": round(out["cpu_per_resident_s"], 3),
            "server_cpu_per_resident_cached_s": round(out["cpu_per_resident_cached_s"], 3),
            "entries_submitted": len(submitted), "entries_stored": len(submitted) - len(lost),
            "lost": lost, "doubled": doubled, "errors": out["errors"],
        }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key:28} {value}")
    ok = not report["errors"] and not lost and not doubled
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
