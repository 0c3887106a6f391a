"""Helpers for fair benchmarks on a shared machine: one process per measured run, runs interleaved, CPU and wall time.

Every measured run is a fresh ``spawn`` process (so ``ru_maxrss`` is that method's own peak), and the methods take
turns (A B C A B C ...), so a busy spell on the machine hits all of them alike. Inside the process the measured part is
timed with ``time.perf_counter`` (wall) and ``time.process_time`` plus the CPU of any child processes it started
(``RUSAGE_CHILDREN``), so threads and helper processes count. On a shared machine judge by CPU time.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(function):
    """(wall seconds, CPU seconds, result) of one call; CPU includes threads and child processes."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    result = function()
    return (time.perf_counter() - wall, time.process_time() - cpu + _children_cpu() - children, result)


def _child(module: str, name: str, kwargs: dict, queue) -> None:
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(BENCH.parent))
    try:
        wall, cpu, out = getattr(importlib.import_module(module), name)(**kwargs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put({"wall": wall, "cpu": cpu, "peak": peak, "out": out, "error": None})
    except Exception as exc:  # a baseline that fails is reported, not fatal
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def run_in_process(module: str, name: str, kwargs: dict) -> dict:
    """Call ``module.name(**kwargs)`` (which returns (wall, cpu, out)) in a fresh process; add its peak MB."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(module, name, kwargs, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def interleaved(module: str, methods: list[str], kwargs: dict, rounds: int, log=print) -> dict[str, list[dict]]:
    """Run every method once per round, in turn (A B C A B C ...), each in its own process."""
    runs: dict[str, list[dict]] = {name: [] for name in methods}
    for round_ in range(rounds):
        for name in methods:
            result = run_in_process(module, name, kwargs)
            runs[name].append(result)
            if result["error"]:
                log(f"  round {round_ + 1} {name}: not run: {result['error']}")
            else:
                log(f"  round {round_ + 1} {name}: wall {result['wall']:.4f} s, CPU {result['cpu']:.4f} s, "
                    f"peak {result['peak']:.0f} MB")
    return runs


def summary(runs: list[dict]) -> dict | None:
    """Median wall and CPU seconds and the largest peak of a method's runs (None if none ran)."""
    done = [run for run in runs if not run["error"]]
    if not done:
        return None
    return {"wall": float(np.median([r["wall"] for r in done])), "cpu": float(np.median([r["cpu"] for r in done])),
            "peak": max(r["peak"] for r in done), "runs": len(done), "out": done[-1]["out"]}


def machine() -> str:
    """One line on the machine: CPU model, cores, load, Python and the peers' versions."""
    from importlib import metadata

    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    versions = []
    for package in ("numpy", "scipy", "geopandas", "osmnx", "osmium", "pandana", "cityseer", "pyrosm", "quackosm",
                    "duckdb"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    load = ", ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    return (f"{model}, {mp.cpu_count()} cores (load {load}), Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; " + ", ".join(versions))
