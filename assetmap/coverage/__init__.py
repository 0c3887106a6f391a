"""Meeting-place coverage: who lives too far from a meeting place, per buurt, and where a new one helps.

One function per step; the CLI, the app and the tests call the same ones:

1. :func:`load_inputs` reads the workspace once: walking network, demand points (residents),
   meeting places and candidate sites. This is the expensive part; callers cache it.
2. :func:`compute_coverage` gives walking minutes from every demand point to the nearest meeting
   place and the per-buurt table (population, covered, coverage %, median and p90 minutes).
3. :func:`suggest_sites` picks the *k* candidate sites that add most covered residents.
4. :func:`what_if` compares coverage per buurt before and after adding/removing meeting places.
5. :func:`save_coverage` writes the per-buurt table and the gap layer into the workspace.

The package, one module per stage; each imports only the stages above it in this list:

* :mod:`~assetmap.coverage.network`: the walking network, snapping points to it, walking distances.
* :mod:`~assetmap.coverage.demand`: the areas analysed, residents spread over homes, the sites as
  points, each area's profile, and :class:`CoverageInputs`.
* :mod:`~assetmap.coverage.placement`: the placement and network kept in the workspace.
* :mod:`~assetmap.coverage.inputs`: :func:`load_inputs`.
* :mod:`~assetmap.coverage.filters`: place filters and walking speeds.
* :mod:`~assetmap.coverage.results`: :class:`CoverageResult` and :func:`save_coverage`.
* :mod:`~assetmap.coverage.compute`: :func:`compute_coverage` and what a recompute reuses.
* :mod:`~assetmap.coverage.suggest`: coverage sets, site choice, suggestions, what-if, comparing places.

``_common`` holds the package's error and small helpers every stage reads. Every public name is
re-exported here, so ``from assetmap.coverage import compute_coverage`` keeps working.

Method (also in docs/coverage.md):

* **Network.** The undirected walking network kept in the workspace, lengths in metres (RD New).
  A point is snapped to the nearest *edge* (not node): its walk is the straight line to that
  edge plus the distance along the edge to either end. Points further than
  ``settings.MAX_SNAP_DISTANCE_M`` from any walkable way cannot reach anything and are
  reported as unreachable, never dropped.
* **Meeting places.** Assets marked ``is_meeting_place`` plus every asset of a meeting-place
  category of the catalogue (:func:`assetmap.layers.categories.meeting_place_categories`);
  ``categories`` of :func:`load_inputs` (``--categories``, checked by :func:`only_categories`)
  restricts them to those categories. Candidate sites are the catalogue's
  ``meeting_place_candidate`` categories.
* **Areas partly outside the data.** Each area's ``data_share`` is the share of its surface
  inside the study area kept with the OSM import; its ``population`` is that share of the CBS
  count. Below ``settings.COMPLETE_DATA_SHARE`` an area is ``partial``: its figures are about the
  part inside, where residents near the edge may reach places the data does not hold; below
  ``settings.WITHHOLD_DATA_SHARE`` the faces show no figure for it (``withheld``).
* **Method stamp.** Every result carries :func:`method_stamp` (version, speed, snapping rule,
  OSM date, CBS year), as the imports kept the dates.
* **Settings.** Every parameter that defaults to a setting defaults to ``None``, meaning the
  value of ``assetmap.settings`` when the function runs (walking speed, minutes, snap distance,
  grid size), so a changed setting is honoured without re-importing this package.
* **Shortest paths.** One multi-source Dijkstra pass (``scipy.sparse.csgraph``, in C) from a
  virtual source joined to every meeting place gives the distance to the *nearest* meeting
  place for every node at once.
* **Demand.** Each area's CBS population is spread over the residential OSM buildings inside
  it (weight: footprint × floors), else over 100 m grid cells clipped to the area (weight:
  cell area). Integer residents per point by the largest-remainder method, so each area's
  total is kept exactly. Areas cut by the edge of the study area keep the share of their
  population that matches the share of their surface inside it.
* **Filters** (:class:`PlaceFilters`). ``when`` counts a place that is open at any moment of the
  window (see :mod:`assetmap.layers.hours`) or has an activity then; a place whose hours are
  missing or unreadable is left out and counted as ``hours_unknown``. ``access`` counts places of
  that access (a ``walk_in`` activity also makes a place walk-in while it runs). ``group`` counts
  places for that group or for everyone (a place that records no target group is for everyone),
  or with an activity for it, and ``older_people`` walks at the slow speed. A filter only ever
  removes places, so a filtered coverage is never above the unfiltered one. Places added in a
  what-if are taken to match the filters.
* **Suggestions.** Maximal covering, solved exactly as an integer programme with scipy's
  ``milp`` (HiGHS) within ``settings.SUGGEST_TIME_LIMIT_S``. Greedy (each pick the candidate that
  adds most not-yet-covered residents) runs first: it is the fallback when the solver does not
  beat it in time, and its value gives a bound, since coverage is monotone submodular and greedy
  reaches at least (1 − 1/e) ≈ 63 % of the best *k* sites (Nemhauser et al. 1978). ``milp`` takes
  no starting solution, so greedy cannot warm-start it.
"""

from __future__ import annotations

from assetmap.coverage._common import CoverageError
from assetmap.coverage.compute import (
                                       _weighted_quantile,  # noqa: F401  (the tests check quantiles against it)
                                       active_meeting_places,
                                       compute_coverage,
                                       filtered_inputs_places,
                                       metres_per_minute,
                                       nearest_distances,
)
from assetmap.coverage.demand import (
                                       PLACE_ATTRIBUTES,
                                       CoverageInputs,
                                       analysis_areas,
                                       area_profiles,
                                       demand_points,
                                       largest_remainder,
                                       site_points,
)
from assetmap.coverage.filters import (
                                       PlaceFilters,
                                       filter_places,
                                       filter_speed,
                                       only_categories,
                                       place_filters,
                                       speed_profiles,
)
from assetmap.coverage.inputs import load_inputs
from assetmap.coverage.network import (
                                       MIN_COMPONENT_NODES,
                                       MIN_COMPONENT_SHARE,
                                       SNAP_LOCAL_POINTS,
                                       Snap,
                                       WalkNetwork,
                                       build_network,
                                       distances_from_sites,
                                       snap,
)
from assetmap.coverage.placement import NETWORK_TABLE, PLACEMENT_TABLE, placement_key, save_demand_placement
from assetmap.coverage.results import (
                                       AREA_COLUMNS,
                                       METHOD_TABLE,
                                       METHOD_VERSION,
                                       CoverageResult,
                                       area_rows,
                                       method_stamp,
                                       save_coverage,
)
from assetmap.coverage.suggest import (
                                       SiteChoice,
                                       candidate_sites,
                                       choose_sites,
                                       compare_places,
                                       coverage_sets,
                                       suggest_sites,
                                       what_if,
)

__all__ = [
    "AREA_COLUMNS", "METHOD_TABLE", "METHOD_VERSION", "MIN_COMPONENT_NODES", "MIN_COMPONENT_SHARE", "NETWORK_TABLE", "PLACEMENT_TABLE",
    "PLACE_ATTRIBUTES", "SNAP_LOCAL_POINTS", "CoverageError", "CoverageInputs", "CoverageResult", "PlaceFilters",
    "SiteChoice", "Snap", "WalkNetwork", "active_meeting_places", "analysis_areas", "area_profiles", "area_rows",
    "build_network", "candidate_sites", "choose_sites", "compare_places", "compute_coverage", "coverage_sets",
    "demand_points", "distances_from_sites", "filter_places", "filter_speed", "filtered_inputs_places",
    "largest_remainder", "load_inputs", "method_stamp", "metres_per_minute", "nearest_distances", "only_categories", "place_filters",
    "placement_key", "save_coverage", "save_demand_placement", "site_points", "snap", "speed_profiles",
    "suggest_sites", "what_if",
]
