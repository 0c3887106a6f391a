"""Printable table cards: an A4 PDF with eight cards, each with a table code, how to sign in and a QR code.

A coordinator prints them before a workshop and lays one on every table. The QR code (made by
``segno``) leads to the app's address: ``ASSETMAP_PUBLIC_URL``, or the address the coordinator
types. It is drawn as vector squares, so it prints sharply at any size. The texts are message codes
in the catalogues (``cards_*``), in Dutch or English.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from urllib.parse import urlparse

import segno

from assetmap.errors import InputError
from assetmap.i18n import t

__all__ = ["CARDS_PER_PAGE", "PUBLIC_URL_ENV", "check_url", "owner_page_url", "public_url", "qr_matrix", "qr_png",
           "table_cards_pdf"]

#: Environment variable with the address of the app as participants reach it (``https://kaart.example.nl``).
PUBLIC_URL_ENV = "ASSETMAP_PUBLIC_URL"
#: Cards on one A4 page: two columns of four (each about 10 by 7 cm, cut along the lines).
CARDS_PER_PAGE = 8
_A4_INCH = (8.27, 11.69)
_COLUMNS, _ROWS = 2, 4


def public_url() -> str | None:
    """The app's public address from ``ASSETMAP_PUBLIC_URL`` (read at call time), or None when unset.

    Returns
    -------
    str or None
        The address without surrounding spaces.
    """
    value = os.environ.get(PUBLIC_URL_ENV, "").strip()
    return value or None


def owner_page_url(app_url: str, code: str) -> str:
    """The address of the app's owner page ("Bijwerken") that opens with an update link's code.

    Parameters
    ----------
    app_url : str
        The app's address (checked with :func:`check_url`).
    code : str
        The update link's code.

    Returns
    -------
    str
        ``<app>/Bijwerken?code=<code>``.
    """
    return f"{app_url.split('?')[0].split('#')[0].rstrip('/')}/Bijwerken?code={code}"


def qr_png(text: str, scale: int = 6) -> bytes:
    """A QR code of ``text`` as a PNG image (error correction M, a quiet zone of four modules).

    Parameters
    ----------
    text : str
        What the code holds (an address).
    scale : int
        Pixels per module.

    Returns
    -------
    bytes
        The PNG.
    """
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def check_url(url: str | None) -> str | None:
    """An address for the QR code, checked: ``http://`` or ``https://`` with a host.

    Parameters
    ----------
    url : str or None
        The address as given; empty or None means "no QR code".

    Returns
    -------
    str or None
        The address without surrounding spaces, or None.

    Raises
    ------
    InputError
        ``cards_url_invalid``: the address is not a web address.
    """
    url = (url or "").strip()
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(ch.isspace() for ch in url) \
            or len(url) > 500:
        raise InputError("cards_url_invalid", "fix_cards_url", url=url[:80])
    return url


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code of ``url`` as :func:`table_cards_pdf` draws it (True is dark).

    Parameters
    ----------
    url : str
        The address.

    Returns
    -------
    list of list of bool
        Rows of modules, without the quiet zone; error correction level M.
    """
    return [[bool(v) for v in row] for row in segno.make_qr(url, error="m", boost_error=False).matrix]


def table_cards_pdf(codes: list[str], url: str | None = None, lang: str = "nl",
                    valid_until: datetime | None = None) -> bytes:
    """The table cards of ``codes`` as an A4 PDF (eight cards a page, text selectable, fonts embedded).

    Parameters
    ----------
    codes : list of str
        Table codes (:meth:`assetmap.service.Workspace.issue_table_code`), one card each.
    url : str, optional
        The app's address for the QR code and the text; without it the card says to ask the
        coordinator for the address.
    lang : {'nl', 'en'}
        Language of the texts.
    valid_until : datetime.datetime, optional
        Until when the codes are valid (local time), printed on every card.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    InputError
        No codes (``cards_no_codes``), or ``url`` is not a web address (``cards_url_invalid``).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    if not codes:
        raise InputError("cards_no_codes", "fix_cards_count")
    url = check_url(url)
    matrix = qr_matrix(url) if url else None
    buffer = io.BytesIO()
    with plt.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), \
            PdfPages(buffer, metadata={"Title": t("cards_title", lang), "Creator": "assetmap"}) as pdf:
        for start in range(0, len(codes), CARDS_PER_PAGE):
            fig = plt.figure(figsize=_A4_INCH)
            for slot, code in enumerate(codes[start:start + CARDS_PER_PAGE]):
                _card(fig, slot, code, url, matrix, lang, valid_until)
            pdf.savefig(fig)
            plt.close(fig)
    return buffer.getvalue()


def _card(fig, slot: int, code: str, url: str | None, matrix, lang: str, valid_until: datetime | None) -> None:
    """Draw one card in its slot of the page (two columns, four rows), with a dashed cutting line."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    margin_x, margin_y = 0.05, 0.04
    width, height = (1 - 2 * margin_x) / _COLUMNS, (1 - 2 * margin_y) / _ROWS
    column, row = slot % _COLUMNS, slot // _COLUMNS
    ax = fig.add_axes((margin_x + column * width, 1 - margin_y - (row + 1) * height, width, height))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, linestyle=(0, (4, 4)), linewidth=0.6, edgecolor="#888888"))
    ax.text(0.05, 0.88, t("cards_title", lang), fontsize=11, weight="bold", va="top")
    ax.text(0.05, 0.72, code, fontsize=22, weight="bold", family="DejaVu Sans Mono", va="top")
    steps = [t("cards_step_open", lang, url=url) if url else t("cards_step_ask", lang),
             t("cards_step_code", lang), t("cards_step_name", lang)]
    text_width = 0.58 if matrix else 0.9
    lines = []
    for number, step in enumerate(steps, start=1):
        lines += _wrap(f"{number}. {step}", int(text_width * 58))
    ax.text(0.05, 0.47, "\n".join(lines), fontsize=7.2, va="top", linespacing=1.35)
    if valid_until is not None:
        ax.text(0.05, 0.06, t("cards_valid_until", lang, until=valid_until.strftime("%d-%m-%Y %H:%M")),
                fontsize=6.5, color="#444444")
    if matrix:
        # The QR code as vector squares (no antialiasing: no hairlines between modules), a quiet zone around it.
        size = len(matrix)
        side = 0.32  # of the card's width; the card is about 1.4 times as wide as high
        aspect = (width * _A4_INCH[0]) / (height * _A4_INCH[1])
        module_w, module_h = side / size, side * aspect / size
        left, top = 0.6, 0.5 + side * aspect / 2
        squares = [[(left + c * module_w, top - r * module_h), (left + (c + 1) * module_w, top - r * module_h),
                    (left + (c + 1) * module_w, top - (r + 1) * module_h), (left + c * module_w, top - (r + 1) * module_h)]
                   for r, line in enumerate(matrix) for c, dark in enumerate(line) if dark]
        ax.add_collection(PolyCollection(squares, facecolors="black", edgecolors="none", antialiased=False))


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken between words."""
    import textwrap

    return textwrap.wrap(text, width=max(width, 10)) or [""]
