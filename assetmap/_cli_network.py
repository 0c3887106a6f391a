"""The CLI's ``network`` command: who and what is linked, as measures (JSON) and a network (GraphML).

Inner module of :mod:`assetmap.cli` (which adds the command to its parser). The network is computed
by :mod:`assetmap.connections` from what the service gives the caller's role; with ``--public`` that
is the public view, where a person is never a node, only an anonymous count of at least
:data:`~assetmap.connections.K_ANONYMITY`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assetmap._cli_common import EXIT_OK, add_command, add_force, write_json
from assetmap._cli_common import open_for_command as _open
from assetmap.messages import text

__all__ = ["add_network_commands", "BROKERS_PRINTED"]

#: Brokers named in the printed summary (the JSON holds them all).
BROKERS_PRINTED: int = 5


def add_network_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``network`` to the CLI's sub-parsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The CLI's sub-parsers.
    """
    p = add_command(sub, "network", _network, "who and what is linked: brokers, islands and unlinked entries "
                                              "(JSON), and the network as GraphML for Gephi or Kumu")
    p.add_argument("--area", help="only this buurt, wijk or gemeente (a CBS code or a name), with what it links to")
    p.add_argument("--public", action="store_true",
                   help="only what the public may see: people only as anonymous counts of at least 5")
    p.add_argument("--tags", action="store_true", help="also link entries that share a tag")
    p.add_argument("--json", metavar="OUT", help="write the measures and the network as JSON to this file")
    p.add_argument("--graphml", metavar="OUT", help="write the network as GraphML to this file (Gephi, Kumu, yEd)")
    add_force(p)


def _network(args) -> int:
    from assetmap.connections import workspace_connections
    from assetmap.files import check_file, write_atomically
    from assetmap.i18n import block_label
    from assetmap.service import Actor, policy

    for out in (args.json, args.graphml):  # refused before any work, never onto a workspace
        if out:
            check_file(out, force=args.force, workspace=args.workspace)
    with _open(args.workspace) as ws:
        actor = Actor(None, "public") if args.public else ws.actor
        network = workspace_connections(ws, actor=actor, anonymous_people=policy.sees_public_view(actor),
                                        area=args.area, shared_tags=args.tags)
    if args.json:
        write_json(args.json, network.to_dict(), force=args.force, workspace=args.workspace)
    if args.graphml:
        write_atomically(Path(args.graphml), network.graphml())
    lines = [text("cli_network_summary", args.lang, **network.summary_words(args.lang))]
    brokers = network.brokers(BROKERS_PRINTED)
    if brokers:
        lines.append(text("cli_network_brokers", args.lang))
        lines += [text("cli_network_broker", args.lang, name=b["name"], block=block_label(b["building_block"], args.lang),
                       degree=b["degree"], betweenness=f"{b['betweenness']:.2f}") for b in brokers]
    names = {n["id"]: n["name"] for n in network.nodes()}
    lines += [text("cli_network_people", args.lang, count=p["count"], name=names[p["id"]]) for p in network.people()]
    if network.anonymous_people:
        lines.append(text("cli_network_people_rule", args.lang, k=network.k))
    for out in (args.json, args.graphml):
        if out:
            lines.append(text("cli_network_written", args.lang, out=out))
    print("\n".join(lines))
    return EXIT_OK
