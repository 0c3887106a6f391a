"""Links between assets ("who could work with whom"): a layer of its own, without geometry."""

from __future__ import annotations

import pandas as pd

from assetmap.errors import Problem
from assetmap.layers import _validate
from assetmap.layers.assets import new_asset_ids, now_iso
from assetmap.layers.schema import LINK_FIELDS, LINK_KINDS

__all__ = ["build_links"]


def build_links(frame: pd.DataFrame, known_asset_ids: set[str], *, added_by: str | None = None,
                strict: bool = True) -> pd.DataFrame:
    """Validate links: both ends must be known assets, the kind an allowed value, no self-links.

    Fills the defaults: a new ``id``, ``kind`` ``could_work_with``, ``created_at`` now.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per link with ``from_asset_id`` and ``to_asset_id``; optionally ``kind``,
        ``note``, ``id``, ``added_by`` and ``created_at``.
    known_asset_ids : set of str
        Ids of the assets a link may point at.
    added_by : str, optional
        Pseudonym for rows without ``added_by``.
    strict : bool
        Raise on problems (default), or only warn and return every row, problem rows included.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`assetmap.layers.schema.LINK_FIELDS`, as strings.

    Raises
    ------
    InputError
        With ``strict``: every problem (row, column, fix): an empty end, an unknown asset, a
        kind that is not allowed, or an asset linked to itself.
    """
    problems: list[Problem] = []
    out = frame.reset_index(drop=True).copy()
    for name in LINK_FIELDS:
        if name not in out.columns:
            out[name] = pd.Series([None] * len(out), dtype="string")
        out[name] = out[name].astype("string")
    out["kind"] = out["kind"].fillna("could_work_with")
    out["id"] = out["id"].fillna(pd.Series(new_asset_ids(len(out)), index=out.index, dtype="string"))
    out["created_at"] = out["created_at"].fillna(now_iso())
    if added_by is not None:
        out["added_by"] = out["added_by"].fillna(added_by)
    _validate.check_required(out, ("from_asset_id", "to_asset_id"), problems)
    _validate.check_allowed(out, "kind", LINK_KINDS, problems)
    for pos, (a, b) in enumerate(zip(out["from_asset_id"], out["to_asset_id"])):
        for column, value in (("from_asset_id", a), ("to_asset_id", b)):
            if pd.notna(value) and value not in known_asset_ids:
                problems.append(Problem("asset_missing", "fix_link_existing", row=pos + 1, column=column, id=value))
        if pd.notna(a) and a == b:
            problems.append(Problem("link_self", "fix_choose_other_asset", row=pos + 1, column="to_asset_id"))
    _validate.raise_or_warn(problems, strict)
    return out[list(LINK_FIELDS)]
