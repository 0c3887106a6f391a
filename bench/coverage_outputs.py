"""Dump every coverage output of a workspace, to check that a change to the analysis keeps the figures.

    PYTHONPATH=OLD_CHECKOUT .venv/bin/python bench/coverage_outputs.py W.gpkg before.json
    PYTHONPATH=NEW_CHECKOUT .venv/bin/python bench/coverage_outputs.py W.gpkg after.json
    cmp before.json after.json

Writes, for several settings (default; 5 minutes; 20 minutes at 3 km/h; three meeting places
switched off; two added; the ``older_people``, ``We 19:00`` and ``walk_in`` filters), the whole
``coverage --json`` dictionary and hashes of the layers (walking minutes, covered, coordinates,
columns, dtypes and order of ``points``, ``gaps`` and ``areas``); then the suggestions and a
what-if, and hashes of the demand points and their placement on the network. Equal files mean
equal outputs. Not a test: it runs on any workspace, such as a synthetic city (bench/synthetic_city.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time

import numpy as np
import shapely


def _hash(values) -> str:
    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()[:16]


def _geometry(frame) -> str:
    return _hash(np.round(shapely.get_coordinates(frame.geometry.array), 9))


def main(workspace: str, out: str) -> int:
    from assetmap import coverage
    from assetmap.service import open_workspace

    with open_workspace(workspace) as ws:
        start = time.perf_counter()
        inputs = coverage.load_inputs(ws)
        load = time.perf_counter() - start
    ids = list(inputs.meeting_places["id"][:3])
    cases = {"default": {}, "m5": dict(minutes=5), "m20s": dict(minutes=20, speed_kmh=3.0),
             "remove": dict(remove_ids=ids), "add": dict(add_points=[(4.37, 52.0), (4.36, 51.995)]),
             "older": dict(filters=coverage.place_filters(group="older_people")),
             "when": dict(filters=coverage.place_filters(when="We 19:00")),
             "walkin": dict(filters=coverage.place_filters(access="walk_in"))}
    dump = {}
    for name, kwargs in cases.items():
        result = coverage.compute_coverage(inputs, **kwargs)
        row = result.to_dict()
        points, gaps, areas = result.points, result.gaps, result.areas
        row["points"] = [list(points.columns), _hash(points["walk_minutes"].to_numpy()),
                         _hash(points["covered"].to_numpy()), _geometry(points), list(points["buurt_code"][:5]),
                         int(points["population"].sum())]
        row["gaps"] = [list(gaps.columns), len(gaps), _hash(gaps["walk_minutes"].to_numpy()), _geometry(gaps),
                       _hash(gaps["population"].to_numpy()), str(gaps.crs)]
        row["areas"] = [list(areas.columns), _geometry(areas), list(areas["buurt_code"]), str(areas.crs),
                        list(map(str, areas.dtypes))]
        row["buurten_dtypes"] = list(map(str, result.buurten.dtypes))
        row["meeting_places"] = [len(result.meeting_places), _geometry(result.meeting_places)]
        dump[name] = row
    suggestions = coverage.suggest_sites(inputs, count=3)
    dump["suggest"] = [suggestions.drop(columns="geometry").to_dict("records"), dict(suggestions.attrs)]
    dump["what_if"] = coverage.what_if(inputs, remove_ids=ids).to_dict("records")
    dump["demand"] = [len(inputs.demand), _hash(shapely.get_coordinates(inputs.demand.geometry.array)),
                      _hash(inputs.demand["population"].to_numpy()), list(inputs.demand["buurt_code"][:10]),
                      _hash(inputs.demand_snap.edge), _hash(inputs.demand_snap.offset)]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(dump, handle, indent=1, sort_keys=True, default=str)
    print(f"load_inputs {load:.2f} s; written {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
