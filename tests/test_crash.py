"""A large import killed in the middle of its write leaves the workspace sound: all of it or none.

The import runs as the real CLI in a child process; the test waits until SQLite has started the
write (the rollback journal ``WORKSPACE.gpkg-journal`` appears) and then SIGKILLs the child at a
few moments of the transaction: as it begins, after one second and after three seconds.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from assetmap.service import open_workspace

ROWS = 20_000
CLI = [sys.executable, "-c", "from assetmap.cli import main; raise SystemExit(main())"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """A workshop table of 20,000 benches inside Den Haag, as a Praktijklab might paste from a register."""
    path = tmp_path_factory.mktemp("crash") / "bankjes.csv"
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(52.055, 52.085, ROWS), rng.uniform(4.27, 4.32, ROWS)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("naam,bouwsteen,categorie,omschrijving,lat,lon\n")
        for i in range(ROWS):
            handle.write(f"Bankje {i},hulpbron,bankje,Om even te zitten,{lat[i]:.6f},{lon[i]:.6f}\n")
    return path


def _state(path):
    """(assets, history rows, sources rows) after checking that the file is a sound workspace."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        counts = tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                       for t in ("assets", "history", "sources"))
    finally:
        conn.close()
    with open_workspace(path) as ws:  # and it opens as a workspace, with every row readable
        assert len(ws.assets()) == counts[0]
    return counts


def _run_imports(csv_path, kill_after: dict) -> dict:
    """Import ``csv_path`` into each workspace at once; SIGKILL each that many seconds after its write began.

    ``kill_after`` maps workspace -> seconds (``None``: let it finish). Returns workspace ->
    (seconds from the start of its write to its end, whether a journal was left behind).
    """
    procs = {ws: subprocess.Popen(CLI + ["import", str(ws), str(csv_path), "--by", "tafel 1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for ws in kill_after}
    journals = {ws: ws.with_name(ws.name + "-journal") for ws in kill_after}
    began: dict = {}
    results: dict = {}
    try:
        deadline = time.monotonic() + 240
        while len(results) < len(procs):
            assert time.monotonic() < deadline, "the imports took too long"
            now = time.monotonic()
            for ws, proc in procs.items():
                if ws in results:
                    continue
                if ws not in began and journals[ws].exists():
                    began[ws] = now
                if proc.poll() is not None:
                    out, err = proc.communicate()
                    assert ws in began, f"the import ended before it began to write: {proc.returncode} {err}"
                    # A kill planned after the write was done finds the import finished: it must be whole.
                    assert proc.returncode == 0, err
                    assert f"{ROWS} added" in out
                    results[ws] = (now - began[ws], journals[ws].exists())
                elif ws in began and kill_after[ws] is not None and now - began[ws] >= kill_after[ws]:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                    assert proc.returncode == -signal.SIGKILL
                    results[ws] = (now - began[ws], journals[ws].exists())
            time.sleep(0.001)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return results


@pytest.fixture
def workspace_with_a_few_assets(denhaag_workspace, tmp_path):
    small = tmp_path / "drie.csv"
    small.write_text("naam,bouwsteen,lat,lon\nBuurthuis,instelling,52.07,4.29\nParkje,hulpbron,52.071,4.291\n"
                     "Koor,vereniging,52.072,4.292\n", encoding="utf-8")
    done = subprocess.run(CLI + ["import", str(denhaag_workspace), str(small)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return denhaag_workspace


def test_a_killed_import_leaves_all_or_nothing(workspace_with_a_few_assets, big_csv, tmp_path):
    pristine = tmp_path / "pristine.gpkg"
    shutil.copy(workspace_with_a_few_assets, pristine)
    before = _state(pristine)
    assert before[0] == 3
    nothing, everything = before, (before[0] + ROWS, before[1] + ROWS, before[2] + 1)

    # One import runs undisturbed; three more are killed: as their write begins, after half a
    # second, after a second and a half. They run side by side (each on its own copy) to keep the
    # test short. A kill that comes after an import finished finds it whole (how fast the write is
    # depends on the machine); the first kill always lands inside the transaction.
    runs = {tmp_path / "complete.gpkg": None, tmp_path / "killed-0s.gpkg": 0.0,
            tmp_path / "killed-0.5s.gpkg": 0.5, tmp_path / "killed-1.5s.gpkg": 1.5}
    for ws in runs:
        shutil.copy(pristine, ws)
    results = _run_imports(big_csv, runs)
    complete = tmp_path / "complete.gpkg"
    duration, left_journal = results[complete]
    assert not left_journal
    assert _state(complete) == everything
    for ws, kill_after in runs.items():
        if kill_after is None:
            continue
        seconds, hot_journal = results[ws]
        state = _state(ws)  # opening rolls a hot journal back
        assert state in (nothing, everything), (ws.name, state)
        assert _state(ws) == state  # and it stays so (a leftover empty journal is not "hot")
        if hot_journal:  # killed inside the transaction: none of it may have landed
            assert state == nothing, (ws.name, state)
        # A kill that found no hot journal came after the commit: all of it is there. (How long
        # each write takes varies with the load of the four processes side by side, so the
        # undisturbed run's duration says nothing certain about when another one committed.)
        if not hot_journal:
            assert state == everything, (ws.name, seconds, duration, state)
    assert results[tmp_path / "killed-0s.gpkg"][1], "the first kill did not land inside the write"
