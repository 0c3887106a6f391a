"""Sources: OpenStreetMap (osmnx), CBS boundaries (PDOK or files) and workshop files."""

__all__: list[str] = []  # nothing of its own: the readers are its modules (osm, cbs, workshop)
