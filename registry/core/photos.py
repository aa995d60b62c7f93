"""Photos as users upload them (a grid worker's visit, an inspector's checklist item): known by their first bytes,
re-encoded without their metadata before they are stored."""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext

from registry.core.errors import Invalid

MAX_PHOTO_BYTES = 10 * 1024 * 1024
DEFAULT_PHOTO_MAX_PIXELS = 40_000_000  # beyond a phone's photo; 40 Mpx of RGBA is 160 MB decoded


@dataclass(frozen=True)
class ImageKind:
    content_type: str
    extension: str


def too_many_pixels(size: tuple[int, int], budget: int) -> bool:
    """Whether an image of this width and height decodes to more pixels than the budget allows."""
    width, height = size
    return width * height > budget


def sniff_image(head: bytes) -> ImageKind | None:
    """JPEG, PNG or WebP, known by their first bytes rather than by the name or type the browser sent."""
    if head.startswith(b"\xff\xd8\xff"):
        return ImageKind("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageKind("image/png", "png")
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ImageKind("image/webp", "webp")
    return None


def _refused(message: str) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."), {"photos": [message]})


@dataclass
class Upload:
    filename: str
    data: bytes


def clean_photo(upload: Upload) -> tuple[bytes, ImageKind]:
    """The photo re-encoded without any metadata (location, camera, time, comments, profiles); Invalid when it is not
    a photo, or when it has more pixels than `REGISTRY_PHOTO_MAX_PIXELS`, which is known from its header before any
    pixel is decoded (a small file can unpack to gigabytes)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = upload.filename or gettext("photo")
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise _refused(gettext("%(name)s is larger than 10 MB.", name=name))
    kind = sniff_image(upload.data[:16])
    if kind is None:
        raise _refused(gettext("%(name)s is not a JPEG, PNG or WebP image.", name=name))
    budget = current_app.config.get("REGISTRY_PHOTO_MAX_PIXELS", DEFAULT_PHOTO_MAX_PIXELS)
    try:
        with Image.open(io.BytesIO(upload.data)) as image:  # reads the header only
            if too_many_pixels(image.size, budget):
                raise _refused(gettext(
                    "%(name)s is %(width)s × %(height)s pixels; a photo may have at most %(mpx)s million.",
                    name=name, width=image.width, height=image.height, mpx=f"{budget / 1e6:g}"))
            image.verify()
        with Image.open(io.BytesIO(upload.data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF data gave, then drop the data
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[kind.content_type]
            if upright.mode not in ("RGB", "L") and fmt == "JPEG":
                upright = upright.convert("RGB")
            # Pillow writes back what `info` holds (EXIF, XMP, ICC profile, JPEG comment, PNG text): an empty one
            # leaves only the pixels.
            upright.info = {}
            out = io.BytesIO()
            options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            upright.save(out, format=fmt, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refused(gettext("%(name)s cannot be read as an image.", name=name))
    return out.getvalue(), kind
