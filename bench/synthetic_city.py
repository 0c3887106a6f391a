"""A synthetic city: the real Delft extract tiled N × N, for benchmarks at city scale.

    .venv/bin/python bench/synthetic_city.py --tiles 10 --out /tmp/city10
    .venv/bin/python bench/synthetic_city.py --tiles 5 --cities 20 --out /tmp/country20

writes

* ``DIR/city.osm.pbf``: the Delft OSM extract (``assetmap/demo/delft.osm.pbf``) cut to its bounding
  box and repeated N × N times, each copy shifted by the box's size, with new ids (node, way and
  relation ids of tile ``t`` get ``(t + 1) × 10^11`` added) and the streets joined at the seams:
  each walkable way cut by the box's edge gets a footway to the nearest cut walkable way of the
  neighbouring copy when that is within 150 m, and the main walking networks of two neighbouring
  copies are always joined (at their nodes nearest the seam), so the copies form one network. Written with pyosmium's writer.
* ``DIR/boundaries.geojson``: the 13 Delft CBS wijken cut to the box, per tile, as buurten of a
  made-up gemeente ``GM0999`` (``BU0999TTWW``: tile TT, piece WW), each with its share of the
  wijk's population by surface.
* ``DIR/area.geojson``: the whole tiled box (the study area to pass to ``import-osm --area``).

At 10 × 10 it covers about 230 km² (100 copies of a 2.1 × 1.1 km campus-and-Wippolder extract)
and has 1,204,000 residents, about 2.2 × Den Haag's 553,110. Coordinates are shifted in degrees, so the copies keep their
shape to within a fraction of a per cent over this span.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

JOIN_METRES = 150.0
GEMEENTE = "0999"


def _read(source: Path, box):
    """Nodes inside the box, ways cut to the box (runs of inside nodes), relations of kept members."""
    import osmium

    from assetmap.sources.osm import is_walkable

    west, south, east, north = box
    nodes, ways, relations = {}, [], []
    outside = {}
    for obj in osmium.FileProcessor(str(source)):
        if obj.is_node():
            lon, lat = obj.location.lon, obj.location.lat
            if west <= lon <= east and south <= lat <= north:
                nodes[obj.id] = (lon, lat, dict(obj.tags))
            else:
                outside[obj.id] = (lon, lat)
        elif obj.is_way():
            ways.append((obj.id, [n.ref for n in obj.nodes], dict(obj.tags)))
        elif obj.is_relation():
            relations.append((obj.id, [(m.type, m.ref, m.role) for m in obj.members], dict(obj.tags)))
    kept_ways, cut_ends, extra = [], [], 0
    max_way = max((w[0] for w in ways), default=0)
    for way_id, refs, tags in ways:
        inside = [r in nodes for r in refs]
        if all(inside):
            kept_ways.append((way_id, refs, tags))
            continue
        if refs and refs[0] == refs[-1]:
            continue  # an area cut by the box: left out
        runs, run = [], []
        for i in range(len(refs)):
            if inside[i]:
                run.append(i)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for k, run in enumerate(r for r in runs if len(r) > 1):
            part_id = way_id if k == 0 else max_way + (extra := extra + 1)
            kept_ways.append((part_id, [refs[i] for i in run], tags))
            if is_walkable(tags):
                # The end where the way left the box: a seam to join to the next copy.
                for end, beyond in ((run[0], run[0] - 1), (run[-1], run[-1] + 1)):
                    if 0 <= beyond < len(refs) and refs[beyond] in outside:
                        cut_ends.append((refs[end], _side(outside[refs[beyond]], box), False))
    whole = {way_id for way_id, refs, _ in ways if all(r in nodes for r in refs)}
    kept_relations = [(rid, members, tags) for rid, members, tags in relations
                      if members and all((t == "w" and ref in whole) or (t == "n" and ref in nodes)
                                         for t, ref, _ in members)]
    # Each sizeable part of a copy's walking network (clipping cuts some off) also joins the next copy
    # at its node nearest each edge, so that the copies form one network.
    import networkx as nx

    walk = nx.Graph()
    for _, refs, tags in kept_ways:
        if is_walkable(tags):
            nx.add_path(walk, refs)
    metres_per_degree = (111_320 * np.cos(np.radians((south + north) / 2)), 110_540)
    parts = sorted((p for p in nx.connected_components(walk) if len(p) >= 50), key=len, reverse=True)
    for rank, part in enumerate(parts):
        for side in ("west", "east", "south", "north"):
            axis, edge = {"west": (0, west), "east": (0, east), "south": (1, south), "north": (1, north)}[side]
            nearest = min(part, key=lambda r: abs(nodes[r][axis] - edge))
            # The main part always joins; a smaller one where it comes near the edge.
            if rank == 0 or abs(nodes[nearest][axis] - edge) * metres_per_degree[axis] <= 2 * JOIN_METRES:
                cut_ends.append((nearest, side, rank == 0))
    # libosmium wants each kind of object sorted by id.
    return nodes, sorted(kept_ways, key=lambda w: w[0]), sorted(kept_relations, key=lambda r: r[0]), cut_ends


def _side(lonlat, box) -> str:
    west, south, east, north = box
    lon, lat = lonlat
    gaps = {"west": west - lon, "east": lon - east, "south": south - lat, "north": lat - north}
    return max(gaps, key=gaps.get)


def gemeente_of_city(city: int, cities: int) -> str:
    """The made-up gemeente number of city ``city`` (``0999`` for a single city, else ``0900`` + city)."""
    return GEMEENTE if cities == 1 else f"{900 + city:04d}"


def build_city(tiles: int, out: Path, source: Path | None = None, area: Path | None = None,
               wijken: Path | None = None, cities: int = 1) -> dict:
    """Write ``city.osm.pbf``, ``boundaries.geojson`` and ``area.geojson`` for an N × N city; returns counts.

    With ``cities`` above 1 a synthetic country: that many N × N cities in a grid, one empty tile apart
    (their networks are not joined), each its own gemeente (:func:`gemeente_of_city`), in one file."""
    import geopandas as gpd
    import osmium
    import shapely

    from assetmap import demo, settings

    source = source or demo.OSM_FILE
    area = area or demo.AREA_FILE
    wijken = wijken or demo.WIJKEN_FILE
    out.mkdir(parents=True, exist_ok=True)
    box = tuple(gpd.read_file(area).to_crs(settings.STORAGE_CRS).total_bounds)
    west, south, east, north = box
    dx, dy = east - west, north - south
    nodes, ways, relations, cut_ends = _read(source, box)

    per_city = tiles * tiles
    count = cities * per_city  # tiles over all cities; tile t is tile t % per_city of city t // per_city

    # The cities in a grid (as square as it goes), one empty tile apart, so a country of 20 cities
    # of 5 x 5 stays inside the Netherlands (about 1.2 degrees of longitude by 0.5 of latitude).
    per_row = math.ceil(math.sqrt(cities))

    def shift(t: int):
        city, local = divmod(t, per_city)
        row, column = divmod(city, per_row)
        return (column * (tiles + 1) + local % tiles) * dx, (row * (tiles + 1) + local // tiles) * dy

    target = out / "city.osm.pbf"
    target.unlink(missing_ok=True)
    # Dense ids (tile t's objects after tile t - 1's), as a real extract has: libosmium's id sets
    # grow with the largest id, so sparse made-up ids would make `osmium extract` crawl.
    node_rank = {ref: k + 1 for k, ref in enumerate(sorted(nodes))}
    way_rank = {way[0]: k + 1 for k, way in enumerate(ways)}
    relation_rank = {relation[0]: k + 1 for k, relation in enumerate(relations)}

    def node_id(ref: int, t: int) -> int:
        return t * len(node_rank) + node_rank[ref]

    def member_id(kind: str, ref: int, t: int) -> int:
        return node_id(ref, t) if kind == "n" else t * len(way_rank) + way_rank[ref]

    joins = []
    metres_per_degree = np.array([111_320 * np.cos(np.radians((south + north) / 2)), 110_540])
    ends_by_side, main_end = defaultdict(list), {}
    for ref, side, main in cut_ends:
        ends_by_side[side].append(ref)
        if main:
            main_end[side] = ref
    for t in range(count):
        i, j = (t % per_city) % tiles, (t % per_city) // tiles
        for side, other_side, neighbour in (("east", "west", t + 1 if i + 1 < tiles else None),
                                            ("north", "south", t + tiles if j + 1 < tiles else None)):
            if neighbour is None or not ends_by_side[side] or not ends_by_side[other_side]:
                continue
            sx, sy = shift(t)
            nx_, ny_ = shift(neighbour)
            a = np.array([nodes[r][:2] for r in ends_by_side[side]]) + (sx, sy)
            b = np.array([nodes[r][:2] for r in ends_by_side[other_side]]) + (nx_, ny_)
            metres = np.hypot(*((b[None, :, :] - a[:, None, :]) * metres_per_degree).transpose(2, 0, 1))
            best = metres.argmin(axis=1)
            for k in range(len(a)):
                if metres[k, best[k]] <= JOIN_METRES:
                    joins.append((node_id(ends_by_side[side][k], t),
                                  node_id(ends_by_side[other_side][best[k]], neighbour)))
            if side in main_end and other_side in main_end:  # the main networks always meet: one city
                joins.append((node_id(main_end[side], t), node_id(main_end[other_side], neighbour)))
    with osmium.SimpleWriter(str(target)) as writer:
        for t in range(count):
            sx, sy = shift(t)
            for ref, (lon, lat, tags) in sorted(nodes.items()):
                writer.add_node(osmium.osm.mutable.Node(id=node_id(ref, t), location=(lon + sx, lat + sy),
                                                        tags=tags, version=1))
        for t in range(count):
            for way_id, refs, tags in ways:
                writer.add_way(osmium.osm.mutable.Way(id=member_id("w", way_id, t), nodes=[node_id(r, t) for r in refs],
                                                      tags=tags, version=1))
        join_base = count * len(way_rank) + 1
        for k, (a, b) in enumerate(joins):
            writer.add_way(osmium.osm.mutable.Way(id=join_base + k, nodes=[a, b],
                                                  tags={"highway": "footway", "note": "synthetic seam"}, version=1))
        for t in range(count):
            for rel_id, members, tags in relations:
                writer.add_relation(osmium.osm.mutable.Relation(
                    id=t * len(relation_rank) + relation_rank[rel_id],
                    members=[(m, member_id(m, ref, t), role) for m, ref, role in members],
                    tags=tags, version=1))

    # Boundaries: the Delft wijken cut to the box, per tile, as buurten with their share of people.
    frame = gpd.read_file(wijken).to_crs(settings.STORAGE_CRS)
    boxed = shapely.box(*box)
    pieces = []
    metric = frame.to_crs(settings.METRIC_CRS)
    inside = shapely.intersection(frame.geometry.array, boxed)
    share = shapely.area(gpd.GeoSeries(inside, crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS).array) \
        / shapely.area(metric.geometry.array)
    keep = [k for k in range(len(frame)) if share[k] > 0.001]
    for t in range(count):
        sx, sy = shift(t)
        city, local = divmod(t, per_city)
        for w, k in enumerate(keep):
            pieces.append({"code": f"BU{gemeente_of_city(city, cities)}{local:02d}{w:02d}",
                           "name": (f"Stad {city + 1} " if cities > 1 else "") + f"Tegel {local + 1} {frame['name'].iloc[k]}",
                           "population": int(round(float(frame["population"].iloc[k]) * share[k])),
                           "geometry": shapely.affinity.translate(inside[k], sx, sy)})
    boundaries = gpd.GeoDataFrame(pieces, geometry="geometry", crs=settings.STORAGE_CRS)
    boundaries.to_file(out / "boundaries.geojson", driver="GeoJSON")
    rows = math.ceil(cities / per_row)
    whole = shapely.box(west, south, west + (min(cities, per_row) * (tiles + 1) - 1) * dx,
                        south + (rows * (tiles + 1) - 1) * dy)
    (out / "area.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"synthetic city {tiles}x{tiles}" + (f", {cities} cities" if cities > 1 else "")},
         "geometry": shapely.geometry.mapping(whole)}]}), encoding="utf-8")
    return {"tiles": tiles, "cities": cities, "nodes": len(nodes) * count, "ways": len(ways) * count + len(joins),
            "seam_joins": len(joins), "areas": len(boundaries), "population": int(boundaries["population"].sum())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiles", type=int, default=2, help="copies per side (default 2; 10 has 2.2 x Den Haag's residents)")
    parser.add_argument("--cities", type=int, default=1,
                        help="a synthetic country: this many cities in a grid, each its own gemeente GM09CC (default 1)")
    parser.add_argument("--out", required=True, help="folder to write city.osm.pbf, boundaries.geojson, area.geojson")
    args = parser.parse_args()
    if not 1 <= args.tiles <= 10:
        parser.error("--tiles must be 1..10 (buurt codes hold the tile in two digits)")
    if not 1 <= args.cities <= 99:
        parser.error("--cities must be 1..99 (gemeente codes hold the city in two digits)")
    counts = build_city(args.tiles, Path(args.out), cities=args.cities)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
