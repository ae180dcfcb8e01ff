"""Checks on every uploaded picture (review photos, broadcast covers, product images): size, then content.

Django's ``ImageField`` already asks Pillow whether the bytes are an image; this adds a named size limit
(``UPLOAD_IMAGE_MAX_BYTES``), a list of formats the site shows, and ``Image.verify()`` on the whole file, each
with a Korean error.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def image_upload_validate(upload) -> None:
    """Refuse a file over the size limit, one Pillow cannot read, or a format the site does not show."""
    if upload is None:
        return
    limit = settings.UPLOAD_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            "이미지는 %(mb)dMB 이하로 올려 주세요.",
            code="image_too_large",
            params={"mb": limit // (1024 * 1024)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError("이미지 파일이 아니거나 손상된 파일이에요.", code="image_invalid") from error
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError("JPG, PNG, WEBP, GIF 이미지만 올릴 수 있어요.", code="image_format")
