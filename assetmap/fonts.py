"""The font with Arabic glyphs that ships with the app: Noto Sans Arabic (``static/fonts``, SIL OFL 1.1).

A phone or a laptop without an Arabic font would show boxes; the resident map and the site must work
offline, so they bring their own. The rules are limited to the Arabic code points (``unicode-range``):
a browser fetches the font only for a page with Arabic text, and Latin text keeps the page's own font.

* The app serves the files at ``/app/static/fonts`` (Streamlit's static serving, like Leaflet).
* The published site writes them into ``fonts-ar.css`` as ``data:`` URLs: Chromium refuses a font file
  from ``file://`` (a page opened from a folder has no origin), a stylesheet it reads.
"""

from __future__ import annotations

import base64
from pathlib import Path

__all__ = ["ARABIC_FAMILY", "FONT_DIR", "arabic_font_css"]

#: The vendored fonts and their licence (``OFL.txt``); source: the ``@fontsource/noto-sans-arabic``
#: package 5.3.0 (Noto Sans Arabic v33, its "arabic" subset).
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
ARABIC_FAMILY = "Noto Sans Arabic"
#: The weights shipped: regular and bold (headings, names).
_WEIGHTS = (400, 700)
#: The Arabic blocks of the subset (from the package's ``unicode.json``).
_ARABIC_RANGE = ("U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,"
                 "U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC")


def _file(weight: int) -> Path:
    return FONT_DIR / f"noto-sans-arabic-{weight}.woff2"


def arabic_font_css(base_url: str | None = None) -> str:
    """The ``@font-face`` rules of the Arabic font, one per weight.

    Parameters
    ----------
    base_url : str, optional
        Where the font files are served (``/app/static/fonts``); without it the files are embedded as
        ``data:`` URLs (a site opened from ``file://``).

    Returns
    -------
    str
        CSS, starting with a comment that names the font and its licence.
    """
    rules = [f"/* {ARABIC_FAMILY} (Noto Project Authors), SIL Open Font License 1.1: fonts/OFL.txt */"]
    for weight in _WEIGHTS:
        if base_url is None:
            source = "data:font/woff2;base64," + base64.b64encode(_file(weight).read_bytes()).decode("ascii")
        else:
            source = f"{base_url.rstrip('/')}/{_file(weight).name}"
        rules.append(f"@font-face {{ font-family: '{ARABIC_FAMILY}'; font-style: normal; font-weight: {weight}; "
                     f"font-display: swap; src: url({source}) format('woff2'); unicode-range: {_ARABIC_RANGE}; }}")
    return "\n".join(rules) + "\n"
