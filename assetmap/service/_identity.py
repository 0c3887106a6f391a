"""Names that stand for someone: account names and the pseudonyms of workshop tables.

Two names are the same name when they are equal after Unicode NFKC normalisation, case folding and
collapsing runs of spaces (:func:`name_key`): ``Tafel-2`` and ``tafel-2``, ``ｃａｒｌａ`` and ``Carla``.
Some names are nobody's to take (:func:`reserved`): the roles (for tables), the names imports record their
entries under (``OpenStreetMap``), and e-mail addresses, which are the pseudonyms of people who sign
in with OpenID Connect.
"""

from __future__ import annotations

import re
import unicodedata

from assetmap.service.policy import ROLES

__all__: list[str] = []

#: The tool and the names sources and imports record their entries under: nobody's to take.
_SOURCE_NAMES: tuple[str, ...] = ("assetmap", "openstreetmap", "osm", "cbs", "pdok", "kadaster", "import")
#: Names no table may take (compared as :func:`name_key`): the roles in English and Dutch, and the
#: source names (which no account may take either).
RESERVED_NAMES: tuple[str, ...] = (
    *ROLES, "coördinator", "beheerder", "admin", "administrator", "publiek", "bewoner", "deelnemer",
    "werksessie", "werktafel", "system", "systeem", "anoniem", "anonymous", *_SOURCE_NAMES,
)

_SPACES = re.compile(r"\s+")


def name_key(name) -> str:
    """The form in which two names are compared: NFKC, case folded, runs of spaces made one.

    Parameters
    ----------
    name : str or None
        An account name or pseudonym.

    Returns
    -------
    str
        ``""`` for anything that is not a text.
    """
    if not isinstance(name, str):
        return ""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _SPACES.sub(" ", folded).strip()


def clean_form(name: str) -> str:
    """The form a new name is stored in: NFKC (full-width letters become plain ones), spaces collapsed.

    Parameters
    ----------
    name : str
        The name as typed.

    Returns
    -------
    str
        The name to store.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()


def reserved(name: str, source_names=(), *, roles: bool = True) -> bool:
    """Whether ``name`` is nobody's to take: a role, a source's or import's name, or an e-mail address.

    Parameters
    ----------
    name : str
        The name asked for.
    source_names : iterable of str
        Further names in use by imports and sources of this workspace.
    roles : bool
        Whether the role names of :data:`RESERVED_NAMES` count too: always for a table's pseudonym
        (a table called ``Coördinator`` could pass for one); not for an account, which a
        coordinator makes (the first coordinator may well be called ``Coördinator``).

    Returns
    -------
    bool
        True for a reserved name (case, width and spacing do not count).
    """
    key = name_key(name)
    if "@" in key:
        return True  # an e-mail address: the pseudonym of someone who signs in with OpenID Connect
    names = (*RESERVED_NAMES, *source_names) if roles else (*_SOURCE_NAMES, *source_names)
    return key in {name_key(n) for n in names}
