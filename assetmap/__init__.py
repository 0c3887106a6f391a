"""assetmap: Asset-Based Community Development (ABCD) mapping for Dutch neighbourhoods.

Data flows one way: ``sources`` -> ``layers`` -> ``storage`` (one workspace file)
-> analysis (``coverage``) -> presentation (``maps``, ``app.py``, ``pages/``).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
