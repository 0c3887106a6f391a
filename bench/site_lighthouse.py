"""Lighthouse benchmark of the resident site (run by hand, never in CI): mobile scores, LCP and CLS.

1. Builds the Delft demo workspace (``assetmap demo``, offline, from ``assetmap/demo``) and publishes
   it with :func:`assetmap.publish.publish_site`.
2. Serves the site folder over HTTP on localhost the way ``deploy/nginx-assetmap.conf`` serves it:
   gzip for text, JSON and SVG (from 1 KB on), ``Cache-Control`` on the static files.
3. Runs Lighthouse (``bench/lighthouse``, pinned by its ``package-lock.json``; install it once with
   ``npm ci --prefix bench/lighthouse``) in Debian's headless Chromium (``CHROME_PATH=/usr/bin/chromium``)
   with Lighthouse's default mobile emulation and simulated throttling (a Moto G Power on slow 4G),
   categories performance, accessibility, best practices and SEO. The OpenStreetMap tiles are blocked
   (``--blocked-url-patterns``): the machine has no internet, and the site draws its offline base map.

Prints the four scores, LCP, CLS, TBT and FCP of each run (median over ``--runs``), the machine and
the date; the exit code is 0 when the medians meet the targets of issue #31.

    npm ci --prefix bench/lighthouse
    .venv/bin/python bench/site_lighthouse.py [--runs 3] [--desktop] [--out FOLDER]

Targets: performance ≥ 0.95 with LCP < 2.5 s and CLS < 0.1, SEO 1.0, accessibility 1.0,
no console error (Lighthouse's ``errors-in-console`` audit passes).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import http.server
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assetmap.demo import build_demo  # noqa: E402
from assetmap.publish import TILE_URL, publish_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LIGHTHOUSE = REPO / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "seo": 1.0, "accessibility": 1.0}
LCP_TARGET_MS = 2500
CLS_TARGET = 0.1
#: What nginx compresses (``gzip_types`` in deploy/nginx-assetmap.conf), from ``gzip_min_length`` on.
GZIP_TYPES = {".html", ".css", ".js", ".json", ".geojson", ".svg", ".ics", ".txt"}
GZIP_MIN_BYTES = 1024


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and cache headers, as a web server in front of the site serves them."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".geojson": "application/geo+json",
                      ".svg": "image/svg+xml", ".ics": "text/calendar"}

    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass

    def do_GET(self):  # noqa: N802  (the base class's name)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        headers = {"Content-Type": self.guess_type(str(path)),
                   "Cache-Control": "no-cache" if path.suffix == ".html" else "max-age=3600"}
        if (path.suffix in GZIP_TYPES and len(body) >= GZIP_MIN_BYTES
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(body, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def lighthouse(url: str, out: Path, desktop: bool = False) -> dict:
    """One Lighthouse run (mobile, simulated throttling: its defaults; or its desktop preset); the JSON report."""
    tiles = TILE_URL.split("{", 1)[0] + "*"
    command = [str(LIGHTHOUSE), url, *(["--preset=desktop"] if desktop else []), "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--blocked-url-patterns={tiles}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
               "--disable-background-networking --disable-component-update --disable-sync"]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    return json.loads(out.read_text(encoding="utf-8"))


def figures(report: dict) -> dict:
    audits = report["audits"]
    result = {name: report["categories"][name]["score"] for name in CATEGORIES}
    result.update(lcp_ms=audits["largest-contentful-paint"]["numericValue"],
                  cls=audits["cumulative-layout-shift"]["numericValue"],
                  fcp_ms=audits["first-contentful-paint"]["numericValue"],
                  tbt_ms=audits["total-blocking-time"]["numericValue"],
                  console_ok=audits["errors-in-console"]["score"] == 1)
    result["failed"] = {a["id"]: a["score"] for a in audits.values()
                        if a.get("score") is not None and a["score"] < 1
                        and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")}
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, {chromium}, "
            f"Lighthouse {json.loads((LIGHTHOUSE.parent.parent / 'lighthouse' / 'package.json').read_text())['version']}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of mobile")
    parser.add_argument("--out", type=Path, default=None, help="where to keep the site and reports (default a temp folder)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.is_file():
        print(f"{LIGHTHOUSE} is missing: run 'npm ci --prefix bench/lighthouse'", file=sys.stderr)
        return 2
    folder = args.out or Path(tempfile.mkdtemp(prefix="assetmap-lighthouse-"))
    folder.mkdir(parents=True, exist_ok=True)
    delft = folder / "delft.gpkg"
    if not delft.exists():
        build_demo(delft)
    site = publish_site(delft, folder / "site", force=True)
    server = serve(folder / "site")
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        runs = [figures(lighthouse(url, folder / f"lighthouse-{i}.json", args.desktop)) for i in range(args.runs)]
    finally:
        server.shutdown()

    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"site: Delft demo, {site.assets} assets, served gzipped from {url}; "
          f"Lighthouse {'desktop' if args.desktop else 'mobile'}")
    print("run | performance | accessibility | best practices | SEO | LCP | CLS | FCP | TBT | console")
    for i, run in enumerate(runs, 1):
        print(f"{i} | {run['performance']:.2f} | {run['accessibility']:.2f} | {run['best-practices']:.2f} | "
              f"{run['seo']:.2f} | {run['lcp_ms'] / 1000:.2f} s | {run['cls']:.3f} | {run['fcp_ms'] / 1000:.2f} s | "
              f"{run['tbt_ms']:.0f} ms | {'ok' if run['console_ok'] else 'ERRORS'}")
    median = {key: statistics.median(run[key] for run in runs)
              for key in ("performance", "accessibility", "best-practices", "seo", "lcp_ms", "cls")}
    print(f"median | {median['performance']:.2f} | {median['accessibility']:.2f} | {median['best-practices']:.2f} | "
          f"{median['seo']:.2f} | {median['lcp_ms'] / 1000:.2f} s | {median['cls']:.3f}")
    worst: dict[str, float] = {}
    for run in runs:
        for audit, score in run["failed"].items():
            worst[audit] = min(score, worst.get(audit, 1.0))
    if worst:
        print("audits not passed in some run (worst score): "
              + ", ".join(f"{audit} ({score:.2f})" for audit, score in sorted(worst.items())))
    print(f"reports kept in {folder}")
    ok = (all(median[name] >= target for name, target in TARGETS.items()) and median["lcp_ms"] < LCP_TARGET_MS
          and median["cls"] < CLS_TARGET and all(run["console_ok"] for run in runs))
    print("targets: " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
