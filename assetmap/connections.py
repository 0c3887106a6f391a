"""Connections: who and what is linked, as a network (networkx) beside the map.

Nodes are entries; edges are the links between them (the links layer, with their ``kind``), a
story's ``related_asset_id`` (kind ``story_about``) and, when asked, a tag that two entries share
(kind ``shared_tag``). Computed per network: each entry's degree, its betweenness (the *brokers*,
through whom others are connected), the linked groups (the largest and the *islands* beside it)
and the entries with no link at all; per area the same counts.

Analysis, read only, on the floor of :mod:`assetmap.coverage`: it reads what the service gives the
caller's role (:meth:`~assetmap.service.Workspace.assets` and ``links`` with ``actor``) and never
the store. A caller that sees the public view asks for ``anonymous_people``: an individual is then
never a node, only part of an anonymous count (the individuals linked to an entry, and per area),
and a count under :data:`K_ANONYMITY` is left out. The network is made of the public view alone,
so a private or group entry changes no byte of it (see ``tests/test_connections.py``).
Nothing here holds a pseudonym, a contact or a link's note: only ids, names, blocks, categories,
areas and link kinds.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from assetmap.errors import InputError
from assetmap.layers.boundaries import area_code
from assetmap.layers.initiatives import normalise_tag, split_list
from assetmap.layers.schema import LINK_KINDS
from assetmap.messages import ntext

__all__ = [
    "K_ANONYMITY", "EDGE_KINDS", "PERSON", "STORY_LINK", "SHARED_TAG", "MAX_TAG_GROUP",
    "Connections", "build_connections", "workspace_connections",
]

#: Fewest individuals an anonymous count may show: a smaller count is left out ("3 talenten" never appears).
K_ANONYMITY: int = 5
#: The building block of a person: never a node of an anonymous network.
PERSON: str = "individual"
#: Kind of the edge from a story to what it tells about (``related_asset_id``).
STORY_LINK: str = "story_about"
#: Kind of the edge between two entries that share a tag (only with ``shared_tags``).
SHARED_TAG: str = "shared_tag"
#: Every kind an edge may have, in the order the faces list them.
EDGE_KINDS: tuple[str, ...] = tuple(dict.fromkeys((*LINK_KINDS, STORY_LINK, SHARED_TAG)))
#: A tag held by more entries than this joins none of them (``algemeen`` on 300 entries is no relation).
MAX_TAG_GROUP: int = 12
_AREA_COLUMNS = {"gemeente": "gemeente_code", "wijk": "wijk_code", "buurt": "buurt_code"}


def _text(value) -> str:
    """A field as text: ``""`` for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


@dataclass
class Connections:
    """A network of entries and its measures (see :func:`build_connections`).

    Parameters
    ----------
    graph : networkx.Graph
        Node id -> ``name``, ``building_block``, ``category``, ``area`` (buurt, else wijk code),
        ``inside`` (in the area asked for), ``degree``, ``betweenness`` (normalised among the linked
        entries, 6 decimals),
        ``component`` (1 the largest linked group, 2 the next, ...; 0 unlinked) and ``people`` (the
        anonymous count of individuals linked to it, 0 when hidden or under k). Edge -> ``kind``
        (the kinds joined by ``"; "``).
    area : str or None
        The CBS code asked for; None for the whole workspace.
    anonymous_people : bool
        Individuals are counts, not nodes.
    k : int
        The least count shown.
    area_people : dict
        Area code -> number of linked individuals in it (only counts of at least ``k``; anonymous only).
    """

    graph: nx.Graph
    area: str | None = None
    anonymous_people: bool = False
    k: int = K_ANONYMITY
    area_people: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ measures
    def nodes(self) -> list[dict]:
        """Every node as a dict (``id`` first), in id order."""
        return [{"id": n, **self.graph.nodes[n]} for n in sorted(self.graph.nodes)]

    def links(self) -> list[dict]:
        """Every edge: ``from``, ``to`` (as the first link between them runs) and ``kinds``, in id order."""
        out = []
        for a, b in self.graph.edges:
            edge = self.graph.edges[a, b]
            start = edge.get("start", min(a, b))
            out.append({"from": start, "to": b if start == a else a, "kinds": edge["kind"].split("; ")})
        return sorted(out, key=lambda e: (e["from"], e["to"]))

    def brokers(self, limit: int | None = None) -> list[dict]:
        """Entries through whom others are connected (betweenness above 0), the strongest first.

        Parameters
        ----------
        limit : int, optional
            At most this many.

        Returns
        -------
        list of dict
            ``id``, ``name``, ``building_block``, ``betweenness`` and ``degree``.
        """
        rows = [n for n in self.nodes() if n["betweenness"] > 0 and n["inside"]]
        rows.sort(key=lambda n: (-n["betweenness"], -n["degree"], n["name"], n["id"]))
        keep = ("id", "name", "building_block", "betweenness", "degree")
        return [{k: n[k] for k in keep} for n in rows[:limit]]

    def groups(self) -> list[list[str]]:
        """The linked groups (two entries or more), the largest first; each a sorted list of ids."""
        return _groups(self.graph)

    def islands(self) -> list[list[str]]:
        """Linked groups that nothing links to the largest one: every group but the first."""
        return self.groups()[1:]

    def unlinked(self) -> list[str]:
        """Ids of the entries (inside the area) with no link at all, by name."""
        rows = [n for n in self.nodes() if n["degree"] == 0 and n["inside"]]
        return [n["id"] for n in sorted(rows, key=lambda n: (n["name"], n["id"]))]

    def people(self) -> list[dict]:
        """The anonymous counts per entry: ``id``, ``area`` and ``count`` (only counts of at least k)."""
        return [{"id": n["id"], "area": n["area"], "count": n["people"]} for n in self.nodes() if n["people"]]

    def neighbours(self, node: str) -> list[tuple[str, str]]:
        """``(kind, other id)`` of every edge of ``node``, by kind and the other's name.

        Parameters
        ----------
        node : str
            An entry's id in the network.

        Returns
        -------
        list of tuple
        """
        rows = []
        for other in self.graph.neighbors(node):
            for kind in self.graph.edges[node, other]["kind"].split("; "):
                rows.append((kind, other))
        return sorted(rows, key=lambda r: (EDGE_KINDS.index(r[0]) if r[0] in EDGE_KINDS else 99,
                                           self.graph.nodes[r[1]]["name"], r[1]))

    def areas(self) -> list[dict]:
        """Per area (buurt, else wijk): ``area``, ``entries``, ``linked``, ``unlinked`` and ``people``
        (the linked individuals there, anonymous: None under k)."""
        table: dict[str, dict] = {}
        for n in self.nodes():
            if not n["inside"]:
                continue
            row = table.setdefault(n["area"], {"area": n["area"], "entries": 0, "linked": 0, "unlinked": 0,
                                               "people": None})
            row["entries"] += 1
            row["linked" if n["degree"] else "unlinked"] += 1
        for code, count in self.area_people.items():
            table.setdefault(code, {"area": code, "entries": 0, "linked": 0, "unlinked": 0, "people": None})
            table[code]["people"] = count
        return [table[code] for code in sorted(table)]

    def summary(self) -> dict:
        """``entries``, ``links``, ``linked``, ``unlinked``, ``groups`` and ``islands`` (counts)."""
        inside = [n for n in self.nodes() if n["inside"]]
        return {"entries": len(inside), "links": self.graph.number_of_edges(),
                "linked": sum(1 for n in inside if n["degree"]), "unlinked": sum(1 for n in inside if not n["degree"]),
                "groups": len(self.groups()), "islands": len(self.islands())}

    def summary_words(self, lang: str | None = None) -> dict:
        """:meth:`summary` for a sentence: the counted things in their plural form (``1 eiland``,
        ``3 eilanden``: the catalogue's forms), ``linked`` and ``unlinked`` as numbers.

        Parameters
        ----------
        lang : str, optional
            Language code (None: English).

        Returns
        -------
        dict
            The keys of :meth:`summary`, each a text.
        """
        counts = self.summary()
        words = {"entries": ntext("network_entries", counts["entries"], lang),
                 "links": ntext("network_links", counts["links"], lang),
                 "groups": ntext("network_groups", counts["groups"], lang),
                 "islands": ntext("network_islands", counts["islands"], lang)}
        return {**{key: str(value) for key, value in counts.items()}, **words}

    # ------------------------------------------------------------------ writing
    def to_dict(self) -> dict:
        """The network and its measures, JSON-ready and in a fixed order (the same input gives the same bytes)."""
        return {"area": self.area, "anonymous_people": self.anonymous_people, "k": self.k,
                "summary": self.summary(), "brokers": self.brokers(), "islands": self.islands(),
                "unlinked": self.unlinked(), "areas": self.areas(), "people": self.people(),
                "nodes": self.nodes(), "links": self.links()}

    def graphml(self) -> bytes:
        """The network as GraphML (UTF-8), to open in Gephi, Kumu or yEd: node labels, blocks and measures."""
        out = nx.Graph()
        out.graph["area"] = self.area or ""
        for node in self.nodes():
            attributes = {k: v for k, v in node.items() if k != "id"}
            out.add_node(node["id"], label=attributes.pop("name"), **attributes)
        for link in self.links():
            out.add_edge(link["from"], link["to"], kind="; ".join(link["kinds"]))
        buffer = io.BytesIO()
        nx.write_graphml(out, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()


def build_connections(assets: pd.DataFrame, links: pd.DataFrame | None, *, anonymous_people: bool,
                      area: str | None = None, level: str | None = None, shared_tags: bool = False,
                      k: int = K_ANONYMITY, blocks=None, kinds=None) -> Connections:
    """The network of the entries a caller may see.

    Parameters
    ----------
    assets : pandas.DataFrame
        The entries as the service gives them to the caller (``id``, ``name``, ``building_block``,
        ``category``, ``buurt_code``, ``wijk_code``, ``gemeente_code``, ``related_asset_id``, ``tags``).
    links : pandas.DataFrame or None
        The links the caller may see (``from_asset_id``, ``to_asset_id``, ``kind``).
    anonymous_people : bool
        Individuals are not nodes, only anonymous counts of at least ``k`` (for the public view).
    area : str, optional
        A CBS code: the network of the entries of this area and the entries they link to outside it
        (``inside`` False). None: the whole workspace.
    level : {'gemeente', 'wijk', 'buurt'}, optional
        The level of ``area`` (default: from its prefix).
    shared_tags : bool
        Also link entries that share a tag (kind ``shared_tag``; a tag on more than
        :data:`MAX_TAG_GROUP` entries is left out).
    k : int
        The least anonymous count shown (default :data:`K_ANONYMITY`).
    blocks : iterable of str, optional
        Only entries of these building blocks (people are counted only when ``individual`` is one).
    kinds : iterable of str, optional
        Only edges of these kinds (:data:`EDGE_KINDS`); ``shared_tag`` edges still need ``shared_tags``.

    Returns
    -------
    Connections
        The network with its measures.
    """
    frame = assets if len(assets) else pd.DataFrame(columns=["id", "name", "building_block"])
    records = {r["id"]: r for r in frame.drop(columns="geometry", errors="ignore").to_dict("records")
               if _text(r.get("id"))}
    if blocks:
        wanted = set(blocks)
        records = {i: r for i, r in records.items() if _text(r.get("building_block")) in wanted}
    people = {i for i, r in records.items() if _text(r.get("building_block")) == PERSON}
    edges = _edges(records, links, shared_tags)
    if kinds:
        wanted_kinds = set(kinds)
        edges = [e for e in edges if e[2] in wanted_kinds]
    full = nx.Graph()
    for node_id in sorted(records):
        if anonymous_people and node_id in people:
            continue
        r = records[node_id]
        full.add_node(node_id, name=_text(r.get("name")) or node_id, building_block=_text(r.get("building_block")),
                      category=_text(r.get("category")), area=_area_of(r), inside=True)
    linked_people: dict[str, set] = {}
    for a, b, kind in edges:
        if anonymous_people and (a in people or b in people):
            if (a in people) != (b in people):
                person, other = (a, b) if a in people else (b, a)
                linked_people.setdefault(other, set()).add(person)
            continue
        if full.has_edge(a, b):
            kinds = full.edges[a, b]["kind"].split("; ")
            if kind not in kinds:
                full.edges[a, b]["kind"] = "; ".join(sorted([*kinds, kind], key=EDGE_KINDS.index))
        else:
            full.add_edge(a, b, kind=kind, start=a)  # the first link's direction: a story is about its target
    graph = full
    if area:
        level = level or {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}.get(area[:2], "buurt")
        inside = {n for n in full.nodes if _in_area(records[n], area, level)}
        shown = inside | {m for n in inside for m in full.neighbors(n)}
        graph = full.subgraph(sorted(shown)).copy()
        for n in graph.nodes:
            graph.nodes[n]["inside"] = n in inside
    _measure(graph)
    counts = {n: len(linked_people.get(n, ())) for n in graph.nodes}
    for n in graph.nodes:
        graph.nodes[n]["people"] = counts[n] if counts[n] >= k else 0
    area_people: dict[str, int] = {}
    if anonymous_people:
        per_area: dict[str, int] = {}
        for person in set().union(*linked_people.values()) if linked_people else ():
            if area and not _in_area(records[person], area, level):
                continue
            code = _area_of(records[person])
            per_area[code] = per_area.get(code, 0) + 1
        area_people = {code: n for code, n in sorted(per_area.items()) if n >= k}
    return Connections(graph=graph, area=area or None, anonymous_people=anonymous_people, k=k,
                       area_people=area_people)


def workspace_connections(ws, *, actor=None, anonymous_people: bool, area: str | None = None,
                          shared_tags: bool = False, k: int = K_ANONYMITY, blocks=None, kinds=None) -> Connections:
    """The network of a workspace as ``actor`` may see it (read through the service, never the store).

    Parameters
    ----------
    ws : assetmap.service.Workspace
        An open workspace (read only).
    actor : assetmap.service.Actor or str, optional
        Who asks: the entries and links are those the service gives this actor.
    anonymous_people : bool
        Individuals only as anonymous counts (the caller asks the policy: the public view).
    area : str, optional
        A CBS code or an area's name (:func:`assetmap.layers.boundaries.area_code`); None: everything.
    shared_tags : bool
        Also link entries that share a tag.
    k : int
        The least anonymous count shown.
    blocks, kinds : iterable of str, optional
        Only these building blocks and edge kinds (see :func:`build_connections`).

    Returns
    -------
    Connections
        The network with its measures.

    Raises
    ------
    InputError
        ``report_area_unknown`` (or ``area_name_unknown``/``area_name_ambiguous``) for an area the
        workspace does not hold.
    """
    level = None
    if area:
        boundaries = ws.boundaries()
        area = area_code(boundaries, area)
        found = boundaries[(boundaries["code"] == area).fillna(False).to_numpy()] if len(boundaries) else boundaries
        if found.empty:
            known = ", ".join(f"{n} ({c})" for c, n in sorted(zip(boundaries["code"].astype(str),
                                                                   boundaries["name"].astype(str)))[:8]) \
                if len(boundaries) else "-"
            raise InputError("report_area_unknown", "fix_report_area" if len(boundaries) else "fix_import_buurten",
                             code=area, known=known)
        level = str(found["level"].iloc[0])
    return build_connections(ws.assets(actor=actor), ws.links(actor=actor), anonymous_people=anonymous_people,
                             area=area, level=level, shared_tags=shared_tags, k=k, blocks=blocks, kinds=kinds)


# ---------------------------------------------------------------------- inner workings
def _area_of(record: dict) -> str:
    """The finest area code of an entry (buurt, else wijk, else gemeente); ``""`` without one."""
    for column in ("buurt_code", "wijk_code", "gemeente_code"):
        code = _text(record.get(column))
        if code:
            return code
    return ""


def _in_area(record: dict, code: str, level: str) -> bool:
    """Whether an entry belongs to an area by its stored code (as the wijk profile counts it)."""
    if _text(record.get(_AREA_COLUMNS.get(level, "buurt_code"))) == code:
        return True
    # A wijk of a workspace without buurten is also the "buurt" code of its entries.
    return level == "wijk" and _text(record.get("buurt_code")) == code


def _edges(records: dict, links: pd.DataFrame | None, shared_tags: bool) -> list[tuple[str, str, str]]:
    """``(a, b, kind)`` of every link between two known entries, a story's relation and shared tags."""
    out = []
    if links is not None and len(links):
        for a, b, kind in zip(links["from_asset_id"], links["to_asset_id"], links["kind"]):
            a, b = _text(a), _text(b)
            if a in records and b in records and a != b:
                out.append((a, b, _text(kind) or "other"))
    for node_id, r in records.items():
        other = _text(r.get("related_asset_id"))
        if other in records and other != node_id:
            out.append((node_id, other, STORY_LINK))
    if shared_tags:
        holders: dict[str, list[str]] = {}
        for node_id in sorted(records):
            for tag in split_list(records[node_id].get("tags")):
                holders.setdefault(normalise_tag(tag), []).append(node_id)
        for ids in holders.values():
            if 1 < len(ids) <= MAX_TAG_GROUP:
                out.extend((a, b, SHARED_TAG) for i, a in enumerate(ids) for b in ids[i + 1:])
    return out


def _groups(graph: nx.Graph) -> list[list[str]]:
    groups = [sorted(c) for c in nx.connected_components(graph) if len(c) > 1]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def _measure(graph: nx.Graph) -> None:
    """Degree, betweenness (6 decimals, so the same network writes the same bytes) and group of every node."""
    # Among the linked entries only: a workspace's many unlinked places would shrink every figure.
    linked = graph.subgraph([n for n in graph.nodes if graph.degree(n)])
    between = nx.betweenness_centrality(linked, normalized=True) if linked.number_of_edges() else {}
    number = {n: i for i, group in enumerate(_groups(graph), start=1) for n in group}
    for n in graph.nodes:
        graph.nodes[n]["degree"] = int(graph.degree(n))
        graph.nodes[n]["betweenness"] = round(float(between.get(n, 0.0)), 6)
        graph.nodes[n]["component"] = number.get(n, 0)
