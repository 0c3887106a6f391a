"""Deprecated: problems and errors are put into words from the gettext catalogues now.

Only :func:`translate_error` is left, for ``pages/2_In_kaart_brengen.py`` until it calls
:func:`assetmap.errors.render_error` itself; then delete this module.
"""

from __future__ import annotations

from assetmap.errors import render_error


def translate_error(exc: BaseException, lang: str, limit: int = 50) -> str:
    """The text of an error in ``lang``; use :func:`assetmap.errors.render_error` instead.

    Parameters
    ----------
    exc : BaseException
        The error.
    lang : str
        Language code.
    limit : int
        Unused (kept for the old signature).

    Returns
    -------
    str
        The text to show.
    """
    return render_error(exc, lang)
