"""Images attached to proposals: checked by their content, re-encoded without metadata."""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from participation.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
# Pillow format name: (extension, save options). The name of the uploaded file is never trusted.
FORMATS = {
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}


def image_prepare(upload) -> ContentFile:
    """Check an uploaded image (JPEG, PNG or WebP, ≤ 5 MB, ≤ 4000 px a side) and re-encode it.

    Re-encoding drops EXIF (GPS position, camera) and any payload hidden after the image data;
    the orientation EXIF carried is applied to the pixels first.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise DomainError(_("The image must weigh at most 5 MB."), field="image")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("The image must weigh at most 5 MB."), field="image")
    image = _open(data)
    if image.format not in FORMATS:
        raise DomainError(_("The image must be a JPEG, PNG or WebP file."), field="image")
    if max(image.size) > MAX_SIDE:
        raise DomainError(
            _("The image must be at most %(max)d pixels wide and high.") % {"max": MAX_SIDE},
            field="image",
        )
    extension, options = FORMATS[image.format]
    return ContentFile(_reencode(image, options), name=f"{uuid.uuid4().hex}.{extension}")


def _open(data: bytes) -> Image.Image:
    # A decompression bomb is a warning in Pillow below twice the pixel limit: make it an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            image.verify()  # checks the structure; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise DomainError(
                _("This file is not an image we can read (JPEG, PNG or WebP)."), field="image"
            ) from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise DomainError(
                _("The image must be at most %(max)d pixels wide and high.") % {"max": MAX_SIDE},
                field="image",
            ) from error
    return image


def _reencode(image: Image.Image, options: dict) -> bytes:
    fmt = image.format
    upright = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    # Some encoders fall back on `info` (JPEG comments, PNG colour profiles): keep only what the
    # pixels need, and pass no `exif=`, so the new file carries pixels only.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    output = io.BytesIO()
    upright.save(output, format=fmt, **options)
    return output.getvalue()
