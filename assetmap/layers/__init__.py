"""Typed GeoDataFrames for the five building blocks, boundaries, links and meeting places."""

from assetmap.layers.assets import build_assets, empty_assets, meeting_places, new_asset_id, now_iso
from assetmap.layers.boundaries import assign_codes, build_boundaries, finest_level
from assetmap.layers.links import build_links
from assetmap.layers.schema import BUILDING_BLOCK_LABELS, BUILDING_BLOCKS

__all__ = [
    "BUILDING_BLOCKS", "BUILDING_BLOCK_LABELS", "assign_codes", "build_assets", "build_boundaries",
    "build_links", "empty_assets", "finest_level", "meeting_places", "new_asset_id", "now_iso",
]
