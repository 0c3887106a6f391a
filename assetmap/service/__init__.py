"""The editing service: the one writer of a workspace.

Every face (the CLI, the app's pages, imports, the tests) reads and writes a workspace through
:class:`Workspace`. It holds the rules a store does not know:

- history: every create, edit, delete, restore and undo is recorded with who, when, and the full
  state before and after;
- undo and restore, per actor and field by field;
- ownership: with ``owner_only`` (and for the ``workshop`` role) only the one who added an entry
  may change it;
- referential checks: a story's ``related_asset_id`` and a link's ends must exist;
- derived codes: new boundaries re-code every asset in the same transaction;
- access: local accounts (argon2 password hashes, lockout after failed sign-ins), table codes
  that let a workshop table in under a pseudonym, and moderation of what tables make public.

A :class:`~assetmap.storage.Store` underneath does the I/O, one transaction per call.

The package, room by room: :mod:`~assetmap.service.policy` (who may do what to which entry: the
only place that compares roles and owners), :mod:`~assetmap.service._core` (the one write path
with history; the reads as each role may see them), then one module per concern built on the
core: :mod:`~assetmap.service.entries`, :mod:`~assetmap.service.initiatives`,
:mod:`~assetmap.service.moderation`, :mod:`~assetmap.service.reports` (reports of public
entries by visitors), :mod:`~assetmap.service.accounts` (accounts, sign-in and
table codes), :mod:`~assetmap.service.activities`, :mod:`~assetmap.service.labels` and
:mod:`~assetmap.service.map_data`; :mod:`~assetmap.service.workspace` puts them together.
"""

from __future__ import annotations

from assetmap.errors import PermissionDenied
from assetmap.service import policy
from assetmap.service.entries import SaveReport
from assetmap.service.policy import ACCOUNT_ROLES, ROLES, Actor, ActorLike
from assetmap.service.workspace import Workspace, create_workspace, open_workspace

__all__ = [
    "ACCOUNT_ROLES", "ROLES", "Actor", "ActorLike", "PermissionDenied", "SaveReport", "Workspace",
    "create_workspace", "open_workspace", "policy",
]
