"""What every stage of the coverage analysis shares: its error, the progress hook, two readers of table values
and the weighted quantiles per area (the area table and its sums up to wijken use them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assetmap.errors import InputError

__all__ = ["DATA_DATES_TABLE", "CoverageError"]

#: Where the imports keep how current each data set is (written by :mod:`assetmap.imports`, whose
#: ``DATA_DATES_TABLE`` is the same name; analysis reads it and never imports the workflows).
DATA_DATES_TABLE: str = "source_dates"


class CoverageError(InputError):
    """The workspace lacks what the analysis needs (network, boundaries or population).

    Also raised for an analysis setting that cannot be used: walking minutes, a walking speed
    (km/h) or a number of sites to suggest that is not a number above 0. An
    :class:`~assetmap.errors.InputError`, so callers that catch input errors catch it too.

    Parameters
    ----------
    code : str, Problem or list of Problem
        A message code such as ``"no_walk_network"`` (with ``fix``, ``row``, ``column`` and
        ``params`` it makes one :class:`~assetmap.errors.Problem`), a problem, or the problems
        found.
    fix : str or None
        Code of the text that says how to fix it, when ``code`` is a code.
    row : int or None
        Row where the problem is (1-based, header not counted), when ``code`` is a code; None
        (as every coverage error has it) for the whole input.
    column : str or None
        Column (field) the problem is in, when ``code`` is a code.
    **params
        Values for the ``{name}`` fields of the message and the fix.
    """


def _report(progress, stage: str, done: int = 0, total: int | None = None) -> None:
    if progress is not None:
        progress(stage, done, total)


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return bool(value) if isinstance(value, np.bool_) else value


def _group_quantiles(values: np.ndarray, weights: np.ndarray, group: np.ndarray, count: int,
                     shares: tuple[float, ...]) -> list[np.ndarray]:
    """Per group, the weighted quantile (:func:`assetmap.coverage.compute._weighted_quantile`) of each share, with one sort for all groups.

    Sort by value, then stably by group (a radix sort for small integers), so each group's values
    are in order; the cumulative weights are integers, so "at least q × total" is "at least
    ceil(q × total)", found with one searchsorted over all groups.
    """
    out = [np.full(count, np.nan) for _ in shares]
    if len(values) == 0:
        return out
    order = np.argsort(values, kind="stable")
    small = group.astype(np.int16 if count < 2**15 else np.int32)
    order = order[np.argsort(small[order], kind="stable")]
    cumulative = np.cumsum(weights[order].astype(np.int64))
    sizes = np.bincount(group, minlength=count)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0)
    total = np.where(sizes > 0, cumulative[np.maximum(ends - 1, 0)] - before, 0)
    live = np.flatnonzero(total > 0)
    sorted_values = values[order]
    for share, column in zip(shares, out):
        need = np.ceil(share * total[live].astype(float)).astype(np.int64)
        at = np.searchsorted(cumulative, before[live] + need, side="left")
        picked = sorted_values[at]
        column[live] = [round(float(v), 1) if np.isfinite(v) else np.nan for v in picked.tolist()]
    return out
