"""The national run: every gemeente's walking coverage, in parallel on Dask (``assetmap batch``).

:mod:`.split` reads the big OSM file once into a part per gemeente; :mod:`.run` covers each gemeente as
a Dask task and gathers one national result. This floor uses the imports and the analysis as the CLI
does, for many gemeenten at once; it holds no method of its own.
"""

from __future__ import annotations

from assetmap.national.run import BatchOptions, BatchSummary, gather, parts_folder, run_batch, run_gemeente
from assetmap.national.split import gemeente_areas, split_osm

__all__ = ["BatchOptions", "BatchSummary", "gather", "gemeente_areas", "parts_folder", "run_batch",
           "run_gemeente", "split_osm"]
