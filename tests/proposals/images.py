"""Images made on the fly for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(fmt="JPEG", size=(40, 30), name=None, exif=True) -> SimpleUploadedFile:
    """An uploaded image; JPEGs carry an EXIF block with a GPS position and a camera model."""
    image = Image.new("RGB", size, (200, 30, 30))
    options = {}
    if fmt == "JPEG" and exif:
        data = Image.Exif()
        data[0x0110] = "SecretCam 3000"  # Model
        data[0x8825] = {1: "N", 2: (47.0, 13.0, 6.0)}  # GPS IFD
        options["exif"] = data.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(
        name or f"photo.{extension}", buffer.getvalue(), content_type=f"image/{extension}"
    )
