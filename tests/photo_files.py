"""Photo files as a phone makes them, for the photo tests: real pixels (the project's own screenshots)
with EXIF that says where they were taken (GPS), by which camera, and which way up they are.

The GPS position is a real spot in Delft (the Markt); :data:`GPS_TRACES` lists the byte patterns of
it that any output is scanned for: the EXIF rationals as both byte orders write them, the decimal
degrees as text, and the EXIF markers themselves.
"""

from __future__ import annotations

import io
import struct
from fractions import Fraction
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "img" / "kaart.png"
#: Where the photo "was taken": the Markt in Delft, in degrees, minutes, seconds (EXIF's form).
LAT_DMS = (52, 0, 41.76)
LON_DMS = (4, 21, 32.4)
LAT, LON = 52.0116, 4.3590
CAMERA = "PhoneMaker Pocket 12"


def _rationals(dms, order: str) -> bytes:
    """The three EXIF rationals of a position, as Pillow writes them (reduced fractions)."""
    parts = [Fraction(str(v)).limit_denominator(1_000_000) for v in dms]
    return b"".join(struct.pack(order + "II", f.numerator, f.denominator) for f in parts)


#: Byte patterns that betray the location or the EXIF block: none may occur in any output.
GPS_TRACES: tuple[bytes, ...] = (
    _rationals(LAT_DMS, "<"), _rationals(LON_DMS, "<"), _rationals(LAT_DMS, ">"), _rationals(LON_DMS, ">"),
    b"Exif\x00\x00", CAMERA.encode(), b"52.0116", b"4.359", b"52.01160", b"52,0116",
)


def phone_photo(size=(1200, 900), orientation: int = 6, fmt: str = "JPEG", source: Path = SCREENSHOT) -> bytes:
    """A photo with EXIF GPS (the Markt in Delft), a camera model, a comment and an orientation tag.

    Parameters
    ----------
    size : tuple of int
        Width and height of the pixels as stored (before orientation).
    orientation : int
        EXIF orientation (6: the phone was held upright, the pixels lie on their side).
    fmt : str
        ``JPEG``, ``PNG`` or ``WEBP``.
    source : Path
        Real pixels to start from.

    Returns
    -------
    bytes
        The file.
    """
    with Image.open(source) as shot:
        pixels = shot.convert("RGB").resize(size)
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x0110] = CAMERA  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", LAT_DMS
    gps[3], gps[4] = "E", LON_DMS
    out = io.BytesIO()
    extra = {"comment": b"taken at 52.0116, 4.359"} if fmt == "JPEG" else {}
    pixels.save(out, format=fmt, exif=exif, **extra)
    return out.getvalue()


#: The patterns no real data holds by chance: the EXIF rationals, markers and the camera. (Real Delft
#: data does hold "4.359": OSM places near the Markt; a map's text files are scanned for these only.)
EXIF_TRACES: tuple[bytes, ...] = GPS_TRACES[:6]


def traces_in(data: bytes, traces: tuple[bytes, ...] = GPS_TRACES) -> list[bytes]:
    """The GPS and EXIF patterns found in ``data`` (empty when clean)."""
    return [t for t in traces if t in data]
