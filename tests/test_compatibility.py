"""A workspace made before the editing service (schema version 1, written by the old storage class)
opens, reads and edits as before: opening adds the access tables of schema version 2 and the
meeting-place fields and activities table of version 3, and changes nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

from assetmap.service import open_workspace
from assetmap.storage import SCHEMA_VERSION

OLD = Path(__file__).parent / "data" / "made_before_service.gpkg"


def test_an_older_workspace_opens_with_its_history_and_can_be_undone(tmp_path):
    path = tmp_path / "old.gpkg"
    shutil.copy(OLD, path)
    with open_workspace(path) as ws:
        assert ws.schema_version() == SCHEMA_VERSION >= 4  # migrated on opening: access, meeting places, initiatives
        assert {"access", "scale", "capacity", "target_groups"} <= set(ws.assets().columns)
        assert {"status", "seeks", "offers", "tags", "owners", "last_checked", "ended_at"} <= set(ws.assets().columns)
        assert ws.store.count("activities") == 0
        assets = ws.assets().set_index("id")
        assert sorted(assets.index) == ["bestaand-1", "bestaand-2"]
        assert assets.loc["bestaand-2", "name"] == "Zuiderpark"
        assert list(ws.history()["action"]) == ["create", "create", "create", "update", "delete"]
        assert len(ws.links()) == 1
        # The old history drives undo and restore in the new service.
        assert ws.undo_last("tafel 2") == "bestaand-2"
        assert ws.asset("bestaand-2")["name"] == "Parkje"
        restored = ws.restore_asset("bestaand-3", "tafel 1")
        assert restored["name"] == "Koor" and restored["added_by"] == "tafel 1"
        assert ws.undo_last("tafel 1") == "bestaand-3"
        assert ws.asset("bestaand-3") is None
