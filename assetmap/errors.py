"""Errors that carry every problem found, each naming the row, the field and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is 1-based as a person counts rows in a spreadsheet (header not counted),
    or ``None`` when the problem is about the whole input.
    """

    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{prefix}{self.message}.{fix}"


class AssetmapError(Exception):
    """Base class of assetmap's own errors."""


class InputError(AssetmapError):
    """The input cannot be used as it is. Nothing was written.

    Carries every :class:`Problem` found, so the user can fix them all at once.
    """

    def __init__(self, problems: list[Problem] | Problem | str, fix: str = ""):
        if isinstance(problems, str):
            problems = [Problem(problems, fix)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.report())

    def report(self, limit: int = 50) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class WorkspaceError(AssetmapError):
    """The workspace file is missing, damaged or of an unknown schema version."""
