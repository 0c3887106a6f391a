"""The Delft demo: a complete workspace built offline from the small dataset that ships here.

``assetmap demo WS`` and the app's "Voorbeeld laden (Delft)" call :func:`build_demo`. The data:
the OSM extract of the TU Delft campus and Wippolder, the 13 CBS wijken of Delft with their
population, and a few workshop entries with stories and links (see ``LICENCES.md`` beside this file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEMO_DIR",
    "OSM_FILE",
    "AREA_FILE",
    "WIJKEN_FILE",
    "WORKSHOP_FILE",
    "LINKS_FILE",
    "DEMO_ACTOR",
    "DemoSummary",
    "build_demo",
    "load_demo",
]

DEMO_DIR = Path(__file__).resolve().parent
#: OpenStreetMap extract (ODbL, © OpenStreetMap contributors).
OSM_FILE = DEMO_DIR / "delft.osm.pbf"
#: The area the OSM extract covers (its bounding box).
AREA_FILE = DEMO_DIR / "delft_extract_bbox.geojson"
#: CBS wijken of Delft, 2022, with population (CC BY 4.0, Bron: CBS, Kadaster).
WIJKEN_FILE = DEMO_DIR / "wijken_delft_2022.geojson"
#: Example entries of a workshop table in Wippolder.
WORKSHOP_FILE = DEMO_DIR / "workshop_delft.csv"
#: Example links between those entries and OSM places (the demo's network of connections).
LINKS_FILE = DEMO_DIR / "links_delft.csv"
#: Who the example entries are recorded as.
DEMO_ACTOR = "voorbeeld"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo workspace holds.

    Parameters
    ----------
    areas : int
        Number of boundaries (Delft wijken).
    assets : int
        Number of assets (OSM facilities and workshop entries).
    meeting_places : int
        Meeting places the coverage counted.
    coverage_pct : float
        Share of residents within the default walking minutes of a meeting place, in percent.
    minutes : float
        The walking minutes used.
    """

    areas: int
    assets: int
    meeting_places: int
    coverage_pct: float
    minutes: float


def build_demo(path: str | os.PathLike) -> DemoSummary:
    """Build the Delft demo workspace at ``path``, offline: boundaries, OSM, workshop entries, coverage.

    Parameters
    ----------
    path : path-like
        A new ``.gpkg`` file; it must not exist yet.

    Returns
    -------
    DemoSummary
        Counts and the coverage figure of the new workspace.

    Raises
    ------
    assetmap.errors.InputError
        ``path`` exists already, does not end in ``.gpkg``, or its folder is missing.
    """
    from assetmap.service import create_workspace

    with create_workspace(path) as ws:
        return load_demo(ws)


def load_demo(ws) -> DemoSummary:
    """Load the Delft demo data into a workspace that holds no assets yet, in one transaction.

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An empty workspace, opened by a coordinator (loading areas is theirs).

    Returns
    -------
    DemoSummary
        Counts and the coverage figure of the workspace afterwards.

    Raises
    ------
    assetmap.errors.InputError
        ``demo_not_empty`` when the workspace holds assets already (the demo never mixes with real data).
    assetmap.errors.PermissionDenied
        The workspace's actor is not a coordinator.
    """
    import pandas as pd

    from assetmap.coverage import compute_coverage, load_inputs, save_coverage
    from assetmap.errors import InputError
    from assetmap.imports import import_boundaries, import_osm, import_workshop

    if len(ws.assets()):
        raise InputError("demo_not_empty", "fix_demo_new_workspace")
    with ws.transaction():
        import_boundaries(ws, file=WIJKEN_FILE)
        import_osm(ws, file=OSM_FILE, area_file=AREA_FILE)
        import_workshop(ws, WORKSHOP_FILE, actor=DEMO_ACTOR)
        ws.add_links(pd.read_csv(LINKS_FILE, dtype=str), actor=DEMO_ACTOR)
        result = compute_coverage(load_inputs(ws))
        save_coverage(ws, result)
    return DemoSummary(areas=len(ws.boundaries()), assets=len(ws.assets()),
                       meeting_places=len(result.meeting_places),
                       coverage_pct=float(result.total["coverage_pct"]), minutes=float(result.minutes))
