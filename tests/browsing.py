"""What the browser tests share: Debian's Chromium, a Streamlit server per workspace, and axe-core.

Chromium is Debian's ``/usr/bin/chromium`` (never a downloaded browser). axe-core is the npm
package pinned in ``tests/axe/package-lock.json`` (``npm ci --prefix tests/axe``, run by ``.ci/run``);
:func:`axe_violations` injects it into a page or a frame and runs the WCAG 2.1 A and AA rules.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The axe-core rule tags of WCAG 2.1 levels A and AA.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_chromium() -> None:
    """Skip (fail on CI) when Debian's Chromium is not installed."""
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing on CI: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed")


@contextmanager
def chromium():
    """Debian's Chromium, headless, started with Playwright; closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def require_axe() -> None:
    """Skip (fail on CI) when axe-core has not been installed with ``npm ci --prefix tests/axe``."""
    if AXE_JS.is_file():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{AXE_JS} is missing on CI: run 'npm ci --prefix tests/axe'")
    pytest.skip("axe-core not installed: run 'npm ci --prefix tests/axe'")


#: The Streamlit map component's frame (streamlit-folium).
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def map_box(page, frame: str = MAP_FRAME) -> dict:
    """The Leaflet map in the first ``frame``, scrolled into view: its box in the page's coordinates now."""
    container = page.frame_locator(frame).first.locator(".leaflet-container").first
    container.scroll_into_view_if_needed()
    return container.bounding_box()


def click_map(page, x: float, y: float, frame: str = MAP_FRAME) -> None:
    """Click the Leaflet map in the first ``frame`` at ``x``, ``y`` pixels from its top-left corner.

    Through the map element itself: Playwright scrolls it into view and measures it at the moment of
    the click, so a page that moved in between (a message drawn above the map, a rerun) cannot send the
    click elsewhere, as a page position measured earlier did (a click landed in the form below).
    """
    page.frame_locator(frame).first.locator(".leaflet-container").first.click(position={"x": x, "y": y})


def hover_map(page, x: float, y: float, frame: str = MAP_FRAME) -> None:
    """Move the mouse over the Leaflet map in the first ``frame`` to ``x``, ``y`` pixels from its top-left
    corner (a Leaflet container point), measured at the moment of the move, as :func:`click_map`."""
    page.frame_locator(frame).first.locator(".leaflet-container").first.hover(position={"x": x, "y": y})


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    """Wait until the Streamlit server at ``url`` answers its health check (fail if it exits first)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


@contextmanager
def streamlit_server(workspace: Path, access: str | None = None, env: dict[str, str] | None = None):
    """``streamlit run app.py`` on localhost for ``workspace`` (with ``ASSETMAP_ACCESS=access`` when given,
    and any further environment in ``env``); yields its URL and stops it afterwards."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "ASSETMAP_ACCESS"} | {"ASSETMAP_WORKSPACE": str(workspace)}
    if access:
        environment["ASSETMAP_ACCESS"] = access
    environment |= env or {}
    log = open(workspace.with_suffix(f".{access or 'local'}.log"), "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def axe_violations(target, impacts: tuple[str, ...] = ("serious", "critical"), exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules in a Playwright page or frame; the violations of ``impacts``.

    ``exclude`` lists CSS selectors axe leaves out (for parts a test checks separately). Each
    violation is axe's own record, cut to its id, impact, help and the first five nodes' targets.
    """
    require_axe()
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    context = {"exclude": [[s] for s in exclude]} if exclude else None
    result = target.evaluate(
        "async ([context, tags]) => await axe.run(context || document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        [context, WCAG_AA_TAGS])
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """The violations as readable lines for an assertion message."""
    return "\n".join(json.dumps(v, ensure_ascii=False) for v in violations)
