"""Babel extractor for assetmap's message codes; ``babel.cfg`` names it for ``pybabel extract``.

Babel's own Python extractor counts arguments by position, so it cannot take the code of a fix given
as ``fix="..."``. This one reads the syntax tree: for every call of a function in :data:`KEYWORDS` it
takes the code at the given positions (a text, or both texts of ``"a" if x else "b"``) and the
``fix=`` argument. A code given to :data:`PLURAL_KEYWORDS` (``tn``, ``ntext``), or one the English
catalogue already holds as a plural entry, is extracted as a plural entry (``msgid`` and
``msgid_plural`` both the code, one text per plural form). Only codes (lower-case identifiers) are extracted: the English sentences that
files not converted yet still write are not catalogue entries. Each code gets the English text of
``locale/en`` as a comment (``#. en: ...``), so a translator sees what to translate next to the code.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

#: Function name -> 1-based positions of its code arguments (the fix is the second argument of a
#: problem or an error, or ``fix=``).
KEYWORDS: dict[str, tuple[int, ...]] = {
    "t": (1,), "text": (1,), "N_": (1,), "Message": (1,),
    "Problem": (1, 2), "AssetmapError": (1, 2), "InputError": (1, 2), "WorkspaceError": (1, 2),
    "PermissionDenied": (1, 2), "CoverageError": (1, 2),
    # the callback through which a cell parser of the layers reports a problem (layers._validate.parse_cells)
    "complain": (1, 2),
    "tn": (1,), "ntext": (1,),
}
#: Functions whose code is a plural entry: the text has a form per number (``1 probleem``, ``3 problemen``).
PLURAL_KEYWORDS: frozenset[str] = frozenset({"tn", "ntext"})
FIX_KEYWORD = "fix"
_ENGLISH_PO = Path(__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES" / "assetmap.po"


def extract(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, None, code, comments)`` for every code in a Python file (Babel's extractor API).

    Parameters
    ----------
    fileobj : file
        The source, opened in binary mode.
    keywords : collection of str
        Extra function names from ``pybabel extract -k`` (Babel's defaults included); their first
        argument is taken, in addition to :data:`KEYWORDS`.
    comment_tags : collection of str
        Unused: the comment is the English text.
    options : dict
        Options from ``babel.cfg``; ``encoding`` (default UTF-8).

    Yields
    ------
    tuple
        Line number, ``None`` (the code is taken as it is) and the code, or ``"ngettext"`` and
        ``(code, code)`` for a plural entry; then the comments.
    """
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    english, plurals = _english(), _english_plurals() | plural_codes(source)
    for lineno, value in arguments(source, keywords):
        if is_code(value):
            comments = [f"en: {english[value]}"] if english.get(value) else []
            if value in plurals:
                yield lineno, "ngettext", (value, value), comments
            else:
                yield lineno, None, value, comments


def plural_codes(source: str) -> set[str]:
    """The codes a source gives to :data:`PLURAL_KEYWORDS` (``tn("cli_asset_count", n, lang)``).

    Parameters
    ----------
    source : str
        Python source.

    Returns
    -------
    set of str
        The codes.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in PLURAL_KEYWORDS:
                found.update(_texts(node.args[0]))
    return found


def arguments(source: str, keywords=()) -> list[tuple[int, str]]:
    """Every text given where a code goes, in source order: codes, and sentences of unconverted files.

    Parameters
    ----------
    source : str
        Python source.
    keywords : collection of str
        Function names whose first argument is a code, in addition to :data:`KEYWORDS`.

    Returns
    -------
    list of (int, str)
        Line number and text.
    """
    names = dict(KEYWORDS)
    for name in keywords or ():
        names.setdefault(name, (1,))
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in names:
            continue
        given = [node.args[i - 1] for i in names[name] if i <= len(node.args)
                 and not any(isinstance(a, ast.Starred) for a in node.args[:i])]
        if len(names[name]) > 1:
            given += [k.value for k in node.keywords if k.arg == FIX_KEYWORD]
        for argument in given:
            found += [(argument.lineno, argument.col_offset, value) for value in _texts(argument)]
    return [(lineno, value) for lineno, _, value in sorted(found)]


def is_code(value: str) -> bool:
    """A message code is a lower-case identifier (``asset_missing``); anything else is a sentence.

    Parameters
    ----------
    value : str
        A text given where a code goes.

    Returns
    -------
    bool
        Whether it is a code.
    """
    return value.isidentifier() and value == value.lower()


def _texts(node: ast.AST) -> list[str]:
    """The texts an argument can be: a text, or the texts of a conditional expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    return []


@lru_cache(maxsize=1)
def _entries() -> tuple:
    """The entries of the English catalogue (empty when it cannot be read)."""
    try:
        from babel.messages.pofile import read_po
        with open(_ENGLISH_PO, "rb") as handle:
            return tuple(read_po(handle))
    except (OSError, ImportError, ValueError):
        return ()


def _english() -> dict[str, str]:
    """Code -> English text (of a plural entry: its plural form), from the English catalogue."""
    out = {}
    for m in _entries():
        if m.id and isinstance(m.id, str) and isinstance(m.string, str):
            out[m.id] = m.string
        elif m.id and isinstance(m.id, tuple) and m.string:
            out[m.id[0]] = m.string[-1]
    return out


def _english_plurals() -> set[str]:
    """The codes the English catalogue holds as plural entries."""
    return {m.id[0] for m in _entries() if isinstance(m.id, tuple)}
