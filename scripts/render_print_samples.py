"""Render the sample wijk profile and workshop poster of the README and the guides (docs/img/).

Builds the Delft demo workspace offline, prints the profile of Wijk 28 Wippolder (A4, Dutch) and
its A1 workshop poster, and renders page 1 of each to a small PNG with pypdfium2 (256 colours).

    python scripts/render_print_samples.py [OUT_FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

from assetmap.demo import build_demo
from assetmap.poster import write_poster
from assetmap.report import write_report
from assetmap.service import open_workspace

AREA = "WK050328"


def render(pdf: Path, png: Path, width_px: int) -> None:
    """Render page 1 of ``pdf`` to ``png``, ``width_px`` wide, with a 256-colour palette."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width_px / page.get_width()).to_pil().convert("RGB")
        image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(png, optimize=True)
    finally:
        document.close()


def main(out: Path) -> None:
    """Write ``wijkprofiel.png`` and ``werksessieposter.png`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "delft.gpkg"
        build_demo(workspace)
        with open_workspace(workspace) as ws:
            write_report(ws, AREA, Path(tmp) / "profiel.pdf", lang="nl")
            write_poster(ws, AREA, Path(tmp) / "poster.pdf", size="A1", lang="nl")
        render(Path(tmp) / "profiel.pdf", out / "wijkprofiel.png", 900)
        render(Path(tmp) / "poster.pdf", out / "werksessieposter.png", 1000)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "img")
