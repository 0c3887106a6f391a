"""The workspace's own names for its building blocks (``{"individual": "Talenten"}``)."""

from __future__ import annotations

import json

from assetmap import settings
from assetmap.errors import InputError, Problem
from assetmap.layers.schema import BUILDING_BLOCKS
from assetmap.service import policy
from assetmap.service._core import _Core
from assetmap.service.policy import ActorLike

__all__ = ["Labels"]


class Labels(_Core):  # numpydoc ignore=PR01
    """Reading and renaming the labels of the building blocks."""

    # ------------------------------------------------------------------ labels
    def labels(self) -> dict[str, str]:
        """The workspace's own names for its building blocks (``{"individual": "Talenten"}``).

        Returns
        -------
        dict of str to str
            Building block -> label; empty when the workspace uses the standard labels.
        """
        raw = self.store.meta().get("labels")
        try:
            labels = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return {k: str(v) for k, v in labels.items() if k in BUILDING_BLOCKS and v} if isinstance(labels, dict) else {}

    def set_labels(self, labels: dict[str, str | None], actor: ActorLike = None) -> dict[str, str]:
        """Rename building blocks for this workspace (an empty label brings back the standard one).

        Parameters
        ----------
        labels : dict
            Building block -> its label here, e.g. ``{"individual": "Talenten"}``; ``None`` or
            ``""`` removes a label.
        actor : Actor or str, optional
            Who renames; must be a coordinator.

        Returns
        -------
        dict of str to str
            Every label of the workspace afterwards.

        Raises
        ------
        InputError
            A key is not a building block (``label_unknown_block``) or a label is too long
            (``text_too_long``).
        PermissionDenied
            The actor is not a coordinator.
        """
        policy.check_manage(self._actor(actor))
        problems = []
        for block, label in labels.items():
            if block not in BUILDING_BLOCKS:
                problems.append(Problem("label_unknown_block", "fix_use_one_of", column=str(block), name=str(block),
                                        allowed=", ".join(BUILDING_BLOCKS)))
            elif label is not None and len(str(label).strip()) > settings.NAME_MAX_LENGTH:
                problems.append(Problem("text_too_long", "fix_shorten", column=block, limit=settings.NAME_MAX_LENGTH))
        if problems:
            raise InputError(problems)
        with self._write():
            current = self.labels()
            for block, label in labels.items():
                text = "" if label is None else str(label).strip()
                if text:
                    current[block] = text
                else:
                    current.pop(block, None)
            self.store.set_meta("labels", json.dumps(current, ensure_ascii=False))
        return current
