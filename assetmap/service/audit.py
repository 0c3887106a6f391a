"""The structured log: one JSON line per write, sign-in and moderation decision, with no people in it.

A line holds the time, the action, the entry's id, the actor's role and the result, and for bulk
actions a count: never a name, a description, a contact, a pseudonym or a password. An
administrator reads it to see *what* happened and when (``jq``, a log shipper), not *who* did it;
the history in the workspace (coordinators only) keeps who.

Where it goes is the setting ``ASSETMAP_LOG``, read when the first line is written: ``-`` for
stderr (the container image sets this, so ``docker logs`` and journald show it), a file path to
append to, unset or empty for no log. The logger is :data:`LOGGER_NAME` in Python's
:mod:`logging`, so a host application can attach its own handler instead.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

__all__ = ["LOGGER_NAME", "JsonFormatter", "configure", "record"]

#: Name of the logger every line goes through.
LOGGER_NAME = "assetmap.audit"
#: The only fields a line may carry besides ``time``: nothing here can hold a person's data.
_FIELDS = ("action", "entry", "role", "result", "count", "store")
_configured = False


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object per line: ``time`` (ISO 8601 UTC) and the allowed fields.

    Only the keys of ``record.audit`` that are known fields are written, so a caller cannot put
    free text (a name, a message) into a line by accident.

    Parameters
    ----------
    fmt, datefmt, style, validate, defaults
        As for :class:`logging.Formatter` (not used: the line's shape is fixed).
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line.

        Parameters
        ----------
        record : logging.LogRecord
            A record written by :func:`record` (its fields in ``record.audit``).

        Returns
        -------
        str
            One line of JSON, without a line end.
        """
        moment = datetime.fromtimestamp(record.created, timezone.utc)
        fields = getattr(record, "audit", {}) or {}
        line = {"time": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}
        line.update({k: fields[k] for k in _FIELDS if fields.get(k) is not None})
        if "action" not in line:  # a line from elsewhere on this logger: its message is not trusted
            line["action"] = "other"
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def configure(destination: str | None = None) -> logging.Handler | None:
    """Send the log to ``destination`` (replacing where it went before).

    Parameters
    ----------
    destination : str, optional
        ``-`` for stderr, a file path to append to, or empty for no log. None reads ``$ASSETMAP_LOG``.

    Returns
    -------
    logging.Handler or None
        The handler now attached, or None when there is no log.
    """
    global _configured
    if destination is None:
        destination = os.environ.get("ASSETMAP_LOG", "")
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if getattr(handler, "_assetmap", False):
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    _configured = True
    if not destination:
        return None
    handler = (logging.StreamHandler(sys.stderr) if destination == "-"
               else logging.FileHandler(destination, encoding="utf-8", delay=True))
    handler._assetmap = True
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    return handler


def record(action: str, *, entry: str | None = None, role: str | None = None, result: str = "ok",
           count: int | None = None, store: str | None = None) -> None:
    """Write one line (configured from ``$ASSETMAP_LOG`` on first use).

    Parameters
    ----------
    action : str
        What happened: a history action (``create``, ``update``, ``delete``, ``approve``, ...),
        ``sign in``, ``table code``, ``backup``, ``restore``, ``retention``, ``forget``, ``my data``.
    entry : str, optional
        The entry's id (an opaque id, never its name).
    role : str, optional
        The acting role (``public``, ``workshop``, ``coordinator``).
    result : str
        ``ok``, ``refused``, ``locked``, ``failed`` or ``dry run``.
    count : int, optional
        How many rows a bulk action touched.
    store : str, optional
        ``geopackage`` or ``postgis``.
    """
    if not _configured:
        configure()
    logger = logging.getLogger(LOGGER_NAME)
    if logger.isEnabledFor(logging.INFO):
        logger.info(action, extra={"audit": {"action": action, "entry": entry, "role": role, "result": result,
                                             "count": count, "store": store}})
