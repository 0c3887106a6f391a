"""Sources: OpenStreetMap (osmnx), CBS boundaries (PDOK or files) and workshop files."""
