"""Every module the app's scripts use, imported once by the first session while the others wait.

Streamlit runs each session's script in a thread of its own. When the first visitors of a newly
started server arrive together, their scripts import pandas, shapely, folium and assetmap at the same
time. Python's per-module import locks then break a cycle between two threads by handing one of them
a partly initialised module ("cannot import name 'BaseGeometry' from partially initialized module
'shapely.geometry.base'", "cannot import name 'ui' from 'assetmap'"): that visitor gets an error page.

``app.py`` and every page import this module before anything else (its own isort section in
``pyproject.toml``). The first thread takes this module's lock and imports everything below; the
others wait for that one lock while holding none, so no cycle can form. Afterwards the import is a
dictionary lookup. ``tests/test_cold_start.py`` checks that the list below covers every assetmap
module the scripts import, and that the scripts' imports no longer race.
"""

from __future__ import annotations

import geopandas  # noqa: F401
import pandas  # noqa: F401
import shapely.geometry  # noqa: F401

from assetmap import (  # noqa: F401
    _ui_coordinator,
    _ui_keeping,
    _ui_moderation,
    _ui_owner,
    _ui_photos,
    _ui_sharing,
    _ui_status,
    changes,
    connections,
    coverage,
    coverage_notes,
    demo,
    errors,
    export,
    i18n,
    imports,
    maps,
    matching,
    memory,
    messages,
    numbers,
    privacy,
    publish,
    report,
    resident_filters,
    resident_initiative,
    service,
    settings,
    this_week,
    ui,
)
from assetmap.layers import hours, schema  # noqa: F401
from assetmap.service import policy  # noqa: F401
