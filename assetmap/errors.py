"""Errors that carry every problem found, each naming the row, the field and the fix.

A :class:`Problem` and every :class:`AssetmapError` carry a message *code* and its parameters, not
a text: the text comes from the catalogues (:mod:`assetmap.messages`) in the language asked for.
``str()`` gives English (what the CLI prints); ``render(lang)`` gives ``lang``::

    >>> p = Problem("value_not_allowed", "fix_use_one_of", row=3, column="block", value="kasteel",
    ...             allowed="individual, story")
    >>> print(p)
    row 3, column 'block': 'kasteel' is not an allowed value. Fix: use one of: individual, story
    >>> print(p.render("nl"))
    rij 3, kolom 'block': 'kasteel' is geen toegestane waarde. Los op: gebruik een van: individual, story

Imports nothing of assetmap but :mod:`assetmap.messages`.
"""

from __future__ import annotations

from assetmap import messages
from assetmap.messages import ENGLISH, text

__all__ = ["Problem", "AssetmapError", "InputError", "WorkspaceError", "PermissionDenied", "render_error"]


class Problem:
    """One thing wrong with the input: a message code, an optional fix code, where, and the values.

    Parameters
    ----------
    code : str
        Message code, e.g. ``"asset_missing"``.
    fix : str or None
        Code of the text that says how to fix it, e.g. ``"fix_link_existing"``; it is filled in with
        the same ``params``.
    row : int or None
        1-based as a person counts rows in a spreadsheet (header not counted), or ``None`` when
        the problem is about the whole input.
    column : str or None
        The column (field) the problem is in.
    **params
        Values for the ``{name}`` fields of the message and the fix.
    """

    __slots__ = ("code", "fix", "row", "column", "params")

    def __init__(self, code: str, /, fix: str | None = None, *, row: int | None = None,
                 column: str | None = None, **params):
        params = dict(params)
        fix = fix or None
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "fix", fix)
        object.__setattr__(self, "row", row)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "params", params)

    def __setattr__(self, name, value):
        raise AttributeError("a Problem cannot be changed")

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (English when ``None``), without row, column or fix.

        Parameters
        ----------
        lang : str or None
            Language code.

        Returns
        -------
        str
            The message.
        """
        return _say(self.code, lang, self.params)

    def fix_text(self, lang: str | None = None) -> str:
        """How to fix it, in ``lang`` (English when ``None``); ``""`` when the problem names no fix.

        Parameters
        ----------
        lang : str or None
            Language code.

        Returns
        -------
        str
            The fix.
        """
        return _say(self.fix, lang, self.params) if self.fix else ""

    def render(self, lang: str | None = None) -> str:
        """The problem as one line in ``lang``: ``rij 3, kolom 'lat': ... Los op: ...``.

        Parameters
        ----------
        lang : str or None
            Language code; ``None`` means English.

        Returns
        -------
        str
            Where (row, column), the message and the fix.
        """
        where = []
        if self.row is not None:
            where.append(text("problem_row", lang, row=self.row))
        if self.column:
            where.append(text("problem_column", lang, column=self.column))
        line = (", ".join(where) + ": " if where else "") + self.text(lang) + "."
        fix = self.fix_text(lang)
        return f"{line} {text('problem_fix', lang, fix=fix)}" if fix else line

    def __str__(self) -> str:
        return self.render(ENGLISH)

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in (("row", self.row), ("column", self.column)) if v is not None)
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Problem({self.code!r}, {self.fix!r}{extra}{params})"

    def __reduce__(self):
        return _problem, (self.code, self.fix, self.row, self.column, self.params)

    def _key(self) -> tuple:
        return self.code, self.fix, self.row, self.column

    def __eq__(self, other) -> bool:
        return isinstance(other, Problem) and self._key() == other._key() and self.params == other.params

    def __hash__(self) -> int:
        return hash(self._key())


class AssetmapError(Exception):
    """Base class of assetmap's own errors: one or more :class:`Problem`.

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code (with ``fix``, ``row``, ``column`` and ``params`` it makes one
        :class:`Problem`), a problem, or the problems found.
    fix : str or None
        Code of the fix, when ``code`` is a code.
    row, column : int or str, optional
        Where, when ``code`` is a code.
    **params
        Values for the fields of the message and the fix.

    Examples
    --------
    >>> raise WorkspaceError("ws_missing", "fix_ws_init", path="buurt.gpkg")
    Traceback (most recent call last):
    ...
    assetmap.errors.WorkspaceError: workspace buurt.gpkg does not exist. Fix: create it with 'assetmap init buurt.gpkg'
    """

    def __init__(self, code: str | Problem | list[Problem], /, fix: str | None = None, *,
                 row: int | None = None, column: str | None = None, **params):
        if isinstance(code, Problem):
            problems = [code]
        elif isinstance(code, str):
            problems = [Problem(code, fix, row=row, column=column, **params)]
        else:
            problems = list(code)
        #: Every problem, in the order found.
        self.problems: list[Problem] = problems
        super().__init__(self.report())

    def __reduce__(self):
        return type(self), (self.problems,)

    def report(self, limit: int = 50, lang: str | None = None) -> str:
        """Every problem, one a line, in ``lang`` (English when ``None``).

        Parameters
        ----------
        limit : int
            Show at most this many problems, then ``... and N more problems``.
        lang : str or None
            Language code.

        Returns
        -------
        str
            The lines.
        """
        lines = [p.render(lang) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(text("more_problems", lang, count=len(self.problems) - limit))
        return "\n".join(lines)

    def render(self, lang: str | None = None) -> str:
        """The error in ``lang``: :meth:`report` with the default limit.

        Parameters
        ----------
        lang : str or None
            Language code; ``None`` means English (``str(exc)``).

        Returns
        -------
        str
            The text.
        """
        return self.report(lang=lang)


class InputError(AssetmapError):
    """The input cannot be used as it is. Nothing was written.

    Carries every :class:`Problem` found, so the user can fix them all at once.

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code such as ``"cell_empty"`` (with ``fix``, ``row``, ``column`` and
        ``params`` it makes one :class:`Problem`), a problem, or the problems found.
    fix : str or None
        Code of the text that says how to fix it, when ``code`` is a code.
    row : int or None
        Row where the problem is, 1-based as a person counts rows in a spreadsheet (header not
        counted), when ``code`` is a code; None for the whole input.
    column : str or None
        Column (field) the problem is in, when ``code`` is a code.
    **params
        Values for the ``{name}`` fields of the message and the fix.

    See Also
    --------
    AssetmapError : The base class; :meth:`AssetmapError.render` gives the text in a language.
    """


class WorkspaceError(AssetmapError):
    """The workspace file is missing, damaged or of an unknown schema version.

    Also raised when a table or column the code asks for is not in the workspace
    (``ws_no_table``, ``ws_no_column``).

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code such as ``"ws_missing"`` (with ``fix``, ``row``, ``column`` and
        ``params`` it makes one :class:`Problem`), a problem, or the problems found.
    fix : str or None
        Code of the text that says how to fix it, when ``code`` is a code.
    row : int or None
        Row where the problem is, 1-based as a person counts rows in a spreadsheet (header not
        counted), when ``code`` is a code; None for the whole input.
    column : str or None
        Column (field) the problem is in, when ``code`` is a code.
    **params
        Values for the ``{name}`` fields of the message and the fix.

    See Also
    --------
    AssetmapError : The base class; :meth:`AssetmapError.render` gives the text in a language.
    """


class PermissionDenied(AssetmapError):
    """Someone tried to change an entry that is not theirs.

    Also raised when the actor's role does not allow the action: the public view writing
    (``permission_public_read_only``), a non-coordinator doing a coordinator's work
    (``permission_coordinator_only``, ``permission_take_over``) or a workshop participant
    changing an entry without a pseudonym (``permission_no_pseudonym``).

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code such as ``"permission_not_yours"`` (with ``fix``, ``row``, ``column`` and
        ``params`` it makes one :class:`Problem`), a problem, or the problems found.
    fix : str or None
        Code of the text that says how to fix it, when ``code`` is a code.
    row : int or None
        Row where the problem is, 1-based as a person counts rows in a spreadsheet (header not
        counted), when ``code`` is a code; None for the whole input.
    column : str or None
        Column (field) the problem is in, when ``code`` is a code.
    **params
        Values for the ``{name}`` fields of the message and the fix.

    See Also
    --------
    AssetmapError : The base class; :meth:`AssetmapError.render` gives the text in a language.
    """


def render_error(exc: BaseException, lang: str | None = None) -> str:
    """The text of any error in ``lang``: an assetmap error from the catalogues, another as it is.

    Parameters
    ----------
    exc : BaseException
        The error.
    lang : str or None
        Language code; ``None`` means English.

    Returns
    -------
    str
        The text to show.
    """
    return exc.render(lang) if isinstance(exc, AssetmapError) else str(exc)


def _problem(code: str, fix: str | None, row: int | None, column: str | None, params: dict) -> Problem:
    """A problem from its parts (unpickling)."""
    return Problem(code, fix, row=row, column=column, **params)


def _say(code: str, lang: str | None, params: dict) -> str:
    """The text of ``code``; a sentence that is no code (see :class:`Problem`) as it is."""
    return text(code, lang, **params) if messages.is_code(code) or _is_identifier(code) else code


def _is_identifier(code: str) -> bool:
    """A code lacking from the catalogues (shown as code and values) rather than a sentence."""
    return code.isidentifier() and code.islower()
