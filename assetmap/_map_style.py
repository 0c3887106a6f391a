"""How the maps look: building-block colours and icons, coverage classes, sizes and limits.

Part of :mod:`assetmap.maps` (which re-exports every public name here); the printed maps
(:mod:`assetmap.report`, :mod:`assetmap.poster`) and the static site (:mod:`assetmap.publish`)
read the same colours.
"""

from __future__ import annotations

__all__ = ["BLOCK_STYLE", "CANVAS_FROM", "COORD_DECIMALS", "COVERAGE_CLASSES", "GAP_COLOUR", "LOCAL_LEAFLET",
           "MEETING_FILL", "MEETING_RIM", "NO_DATA_COLOUR", "POPUP_TEXT_CHARS", "SIMPLIFY_TOLERANCE_M",
           "SITE_COLOUR", "TEXT_COLOUR", "TOUCH_TARGET_PX", "coverage_colour", "icon_svg"]

# Icons are inline SVG, not emoji: a workshop laptop or projector without an emoji font would draw
# empty boxes. Paths are drawn in a 24 × 24 box, in white on the block colour.
_ICON_PATHS: dict[str, str] = {
    "individual": "M12 3a4 4 0 1 1 0 8 4 4 0 0 1 0-8zM4 21c0-4.4 3.6-8 8-8s8 3.6 8 8z",
    "association": "M8 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM16 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6z"
                   "M1 20c0-3.6 3-6.5 7-6.5 1.6 0 3 .4 4 1.2 1-.8 2.4-1.2 4-1.2 4 0 7 2.9 7 6.5z",
    "institution": "M12 2 2 7v2h20V7zM4 10h3v8H4zm6.5 0h3v8h-3zM17 10h3v8h-3zM2 19h20v3H2z",
    "resource": "M12 2a7 7 0 0 1 7 7 7 7 0 0 1-6 6.9V22h-2v-6.1A7 7 0 0 1 5 9a7 7 0 0 1 7-7z",
    "story": "M2 4h7a3 3 0 0 1 3 3v14a2 2 0 0 0-2-2H2zM22 4h-7a3 3 0 0 0-3 3v14a2 2 0 0 1 2-2h8z",
    "initiative": "M5 2h2v20H5zM8 3h12l-3.5 4.5L20 12H8z",  # a flag: something people started
}


def icon_svg(block: str) -> str:
    """The white icon of a building block as inline SVG (empty for an unknown block).

    Parameters
    ----------
    block : str
        A building block as stored (``individual``, ``association``, ...).

    Returns
    -------
    str
        An ``<svg>`` element, or ``""``.
    """
    path = _ICON_PATHS.get(block)
    if not path:
        return ""
    return (f"<svg viewBox='0 0 24 24' width='62%' height='62%' fill='#fff' aria-hidden='true' "
            f"style='vertical-align:middle'><path d='{path}'/></svg>")


#: Colour and icon of each building block (one icon per layer, drawn by Leaflet as a div). The colours
#: are the Okabe–Ito palette (told apart with every common colour-vision deficiency), darkened until
#: each reaches 4.5:1 against white: the white icon on its badge and the badge on a light map both
#: pass WCAG 1.4.11 (3:1), and the colour could even carry text. Popups and lists write in dark text
#: and use the colour only as a swatch; every block has its own icon shape too, so colour is never
#: the only sign.
BLOCK_STYLE: dict[str, dict[str, str]] = {
    block: {"color": colour, "icon": icon_svg(block)}
    for block, colour in (("individual", "#C35400"),    # vermillion #D55E00, darkened (4.6:1)
                          ("association", "#0072B2"),   # blue (5.2:1)
                          ("institution", "#007A5C"),   # bluish green #009E73, darkened (5.3:1)
                          ("resource", "#8F5A00"),      # orange #E69F00, darkened to ochre (5.8:1)
                          ("story", "#A3478A"),         # reddish purple #CC79A7, darkened (5.5:1)
                          ("initiative", "#4D4D4D"))    # dark grey: Okabe–Ito's black, softened (8.5:1)
}
#: Text colour of popups, lists and legends (12.6:1 on white).
TEXT_COLOUR = "#333333"
#: Smallest touch target in CSS pixels (WCAG 2.5.5): markers and map buttons get at least this.
TOUCH_TARGET_PX = 44
#: From this many assets on, :func:`assetmap.maps.asset_map` draws dots on one canvas instead of one element per
#: marker (10,000 markers as elements take the browser many seconds); the list before the map is
#: then the way in with a keyboard, as on the static site (:data:`assetmap.publish.CANVAS_FROM`).
CANVAS_FROM: int = 2000
#: Decimals kept in coordinates: 5 decimals of a degree is about 1 m in the Netherlands.
COORD_DECIMALS: int = 5
#: Boundary polygons are simplified by this many metres for display (not for analysis).
SIMPLIFY_TOLERANCE_M: float = 5.0
#: Longest description shown in a popup (characters); the full text is in the workspace.
POPUP_TEXT_CHARS: int = 300
#: Where the Streamlit app serves Leaflet itself (``static/leaflet``, server.enableStaticServing),
#: so maps draw without internet. ``None`` keeps folium's CDN links (for standalone HTML).
LOCAL_LEAFLET: str = "/app/static/leaflet"
#: Coverage classes: (upper bound of % within reach, colour). A neutral sequential scale, light to dark
#: blue (ColorBrewer Blues): no alarm red for a low share, no green "score": a light area is a place
#: to look for kansen, and may simply be unmapped.
COVERAGE_CLASSES: tuple[tuple[float, str], ...] = (
    (25.0, "#eff3ff"), (50.0, "#bdd7e7"), (75.0, "#6baed6"), (90.0, "#3182bd"), (100.0, "#08519c"))
NO_DATA_COLOUR = "#bdbdbd"
#: Homes further than the walking time: kansen (opportunities), not deficits.
GAP_COLOUR = "#6a00a8"
#: Meeting places on the coverage map: white with a dark rim, visible on light and dark blue alike.
MEETING_FILL, MEETING_RIM = "#ffffff", "#08306b"
SITE_COLOUR = "#000000"


def coverage_colour(pct: float | None) -> str:
    """Fill colour of a coverage percentage (grey when unknown).

    Parameters
    ----------
    pct : float or None
        Share of residents in reach, in percent (0-100). None is unknown; NaN is not (it gets the
        colour of the highest class), so pass None for a missing value.

    Returns
    -------
    str
        A hex colour from :data:`COVERAGE_CLASSES`, or :data:`NO_DATA_COLOUR`.
    """
    if pct is None:
        return NO_DATA_COLOUR
    for high, colour in COVERAGE_CLASSES:
        if pct <= high:
            return colour
    return COVERAGE_CLASSES[-1][1]


def _badge(colour: str, icon: str, size: int, meeting: bool = False) -> str:
    border = "3px solid #000" if meeting else "2px solid #fff"
    return (f"<span style='box-sizing:border-box;width:{size}px;height:{size}px;"
            f"border-radius:50%;background:{colour};border:{border};box-shadow:0 0 2px rgba(0,0,0,.6);"
            f"vertical-align:middle;display:inline-flex;align-items:center;justify-content:center'>{icon}</span>")
