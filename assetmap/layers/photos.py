"""Photos made safe to keep and to show: decoded, turned upright, re-encoded without any metadata.

A photo as a phone makes it carries EXIF: where it was taken (GPS), when, with which device, and
more. Nothing of that may reach a workspace, let alone a public output. So a photo is never stored
as it came: :func:`process_photo` decodes it with Pillow, applies its EXIF orientation to the
pixels, copies **only the pixels** into a new image (no ``info``, no EXIF, no XMP, no ICC profile,
no comment) and encodes that as a JPEG at two sizes: a display size (:data:`DISPLAY_PX` on its
longest side) and a thumbnail (:data:`THUMBNAIL_PX`). Each carries its SHA-256 checksum, so every
copy, backup and export can be checked against what was stored.

A file that is too large (:data:`MAX_PHOTO_BYTES`, :data:`MAX_PHOTO_PIXELS`), not an image, or of
a kind not accepted (:data:`ACCEPTED_FORMATS`) is refused with a coded message, before anything is
written. Imports nothing of assetmap but the errors.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from assetmap.errors import InputError

__all__ = ["ACCEPTED_FORMATS", "DISPLAY_PX", "MAX_PHOTO_BYTES", "MAX_PHOTO_PIXELS", "PHOTO_LICENCES",
           "PHOTO_MIME", "THUMBNAIL_PX", "ProcessedPhoto", "checksum", "process_photo", "read_photo_file"]

#: Largest file accepted (bytes): a phone's full-size photo fits, a video or an archive does not.
MAX_PHOTO_BYTES: int = 20 * 1024 * 1024
#: Most pixels a photo may decode to (a 50-megapixel camera fits; a decompression bomb does not).
MAX_PHOTO_PIXELS: int = 60_000_000
#: Longest side (pixels) of the stored display image.
DISPLAY_PX: int = 1600
#: Longest side (pixels) of the thumbnail: popups, lists and the static site show this one.
THUMBNAIL_PX: int = 320
#: The kinds of image files accepted (Pillow's format names; MPO is an iPhone's JPEG).
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF")
#: The media type of every stored photo (display and thumbnail).
PHOTO_MIME: str = "image/jpeg"
#: Licences a maker may give a photo under (the default first).
PHOTO_LICENCES: tuple[str, ...] = ("CC BY 4.0", "CC BY-SA 4.0", "CC0 1.0", "all-rights-reserved")
_DISPLAY_QUALITY = 85
_THUMBNAIL_QUALITY = 72


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo as it is stored: two clean JPEGs, their sizes and checksums.

    Parameters
    ----------
    image : bytes
        The display image (JPEG, no metadata).
    thumbnail : bytes
        The thumbnail (JPEG, no metadata).
    width, height : int
        Size of the display image in pixels (upright).
    sha256, thumbnail_sha256 : str
        Hex SHA-256 of ``image`` and of ``thumbnail``.
    """

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    thumbnail_sha256: str


def checksum(data: bytes) -> str:
    """The hex SHA-256 of stored bytes (what every copy is compared with).

    Parameters
    ----------
    data : bytes
        Image bytes.

    Returns
    -------
    str
        64 hex digits.
    """
    return hashlib.sha256(data).hexdigest()


def process_photo(data: bytes, name: str = "") -> ProcessedPhoto:
    """Decode a photo and make the two clean JPEGs that are stored.

    Parameters
    ----------
    data : bytes
        The file as uploaded or read.
    name : str
        The file's name, for messages.

    Returns
    -------
    ProcessedPhoto
        Display image and thumbnail, upright, without any metadata.

    Raises
    ------
    InputError
        ``photo_empty``, ``photo_too_large`` (bytes or pixels), ``photo_format`` (a kind not
        accepted) or ``photo_unreadable`` (not an image, or broken).
    """
    from PIL import Image, ImageOps

    if not data:
        raise InputError("photo_empty", "fix_photo_other", name=name)
    if len(data) > MAX_PHOTO_BYTES:
        raise InputError("photo_too_large", "fix_photo_smaller", name=name, size=_mb(len(data)),
                         limit=_mb(MAX_PHOTO_BYTES))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data))
            if source.format not in ACCEPTED_FORMATS:
                raise InputError("photo_format", "fix_photo_format", name=name, kind=source.format or "?",
                                 accepted=", ".join(ACCEPTED_FORMATS))
            if source.width * source.height > MAX_PHOTO_PIXELS:
                raise InputError("photo_too_large", "fix_photo_smaller", name=name,
                                 size=f"{source.width}x{source.height}", limit=f"{MAX_PHOTO_PIXELS:,} px")
            source.load()
            upright = ImageOps.exif_transpose(source)
            pixels = upright.convert("RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            if pixels.mode == "RGBA":  # a transparent PNG on white, as a page shows it
                background = Image.new("RGB", pixels.size, (255, 255, 255))
                background.paste(pixels, mask=pixels.getchannel("A"))
                pixels = background
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError("photo_too_large", "fix_photo_smaller", name=name, size="?",
                         limit=f"{MAX_PHOTO_PIXELS:,} px") from None
    except Exception as exc:  # Pillow raises many kinds for a broken file: none may escape as a traceback
        raise InputError("photo_unreadable", "fix_photo_other", name=name, error=type(exc).__name__) from None
    image = _clean_jpeg(pixels, DISPLAY_PX, _DISPLAY_QUALITY)
    thumbnail = _clean_jpeg(pixels, THUMBNAIL_PX, _THUMBNAIL_QUALITY)
    with Image.open(io.BytesIO(image)) as shown:
        width, height = shown.size
    return ProcessedPhoto(image, thumbnail, width, height, checksum(image), checksum(thumbnail))


def read_photo_file(path: str | os.PathLike) -> bytes:
    """The bytes of a photo file, refused before reading when it is missing or too large.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    bytes
        Its contents, to give to :func:`process_photo`.

    Raises
    ------
    InputError
        ``file_missing`` or ``photo_too_large``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file_missing", "fix_check_path", path=path)
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise InputError("photo_too_large", "fix_photo_smaller", name=path.name, size=_mb(size),
                         limit=_mb(MAX_PHOTO_BYTES))
    return path.read_bytes()


def _clean_jpeg(pixels, longest: int, quality: int) -> bytes:
    """The pixels, scaled to fit ``longest``, as a JPEG made from a new image: nothing but pixels in it."""
    from PIL import Image

    scaled = pixels.copy()
    scaled.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    # A new image from the raw pixels: no ``info`` (EXIF, XMP, ICC, comments) can follow it into the file.
    bare = Image.frombytes("RGB", scaled.size, scaled.tobytes())
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
