"""Pillow work: thumbnails made at upload, the WebP/AVIF renditions made after it, and the generated pictures
of the demo catalog."""

import colorsys
import contextlib
import functools
import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, features

THUMBNAIL_SIZE = (480, 480)
MAX_IMAGE_SIDE = 1600
JPEG_QUALITY = 84
DEMO_IMAGE_SIZE = 800
# Square widths pages pick from with srcset: gallery thumbnails and live/order cards (64–96 CSS px at 1–2x),
# grid cards (up to about 280 CSS px at 2x) and the product gallery (the phone's width at 2–3x, half a desktop).
RENDITION_WIDTHS = (160, 320, 480, 640, 800, 1200)
# Format name → Pillow's encoder options. AVIF only where this Pillow has the encoder (Pillow ≥ 11.3 wheels do).
RENDITION_FORMATS = {
    "avif": {"format": "AVIF", "quality": 55, "speed": 7},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
}
BOLD_WEIGHT = 700
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "pretendard"


def _jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def thumbnail_make(source) -> ContentFile:
    """A square JPEG thumbnail, centre-cropped, of an uploaded image file (any format Pillow reads)."""
    source.seek(0)
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        thumb = ImageOps.fit(image, THUMBNAIL_SIZE, method=Image.Resampling.LANCZOS)
    return ContentFile(_jpeg(thumb))


def image_normalise(source) -> ContentFile | None:
    """Shrink an upload larger than MAX_IMAGE_SIDE to a JPEG; None when it is already small enough."""
    source.seek(0)
    with Image.open(source) as image:
        if max(image.size) <= MAX_IMAGE_SIDE:
            return None
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
        return ContentFile(_jpeg(image))


def rendition_formats() -> list[str]:
    """The rendition formats this Pillow can write, best first."""
    return [name for name in RENDITION_FORMATS if name != "avif" or features.check("avif")]


def renditions_encode(
    source, *, widths=RENDITION_WIDTHS, square: bool = True
) -> list[tuple[str, int, bytes]]:
    """Copies of an image file in each of ``rendition_formats()``, in each of ``widths`` narrower than the
    picture plus the picture's own width when it is narrower than the largest: [(format, width, bytes), …].
    ``square`` centre-crops to the shorter side first; otherwise the aspect is kept. Never upscales, so a
    width listed in a srcset is a true one."""
    source.seek(0)
    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    if square:
        side = min(image.size)
        image = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    full_width, full_height = image.size
    made = []
    chosen = [width for width in widths if width < full_width]
    if full_width <= max(widths):
        chosen.append(full_width)
    for width in chosen:
        height = max(1, round(full_height * width / full_width))
        resized = image if width == full_width else image.resize((width, height), Image.Resampling.LANCZOS)
        for name in rendition_formats():
            buffer = io.BytesIO()
            resized.save(buffer, **RENDITION_FORMATS[name])
            made.append((name, width, buffer.getvalue()))
    return made


def rendition_name(original: str, *, fmt: str, width: int) -> str:
    """Where a rendition lives: beside the original, named after it (its extension kept in the name, so
    ``a.png`` and ``a.jpg`` never share one): ``products/2026/12/a.jpg`` → ``products/2026/12/a_jpg.320w.webp``."""
    folder, _slash, base = original.rpartition("/")
    stem = base.replace(".", "_")
    return f"{folder}/{stem}.{width}w.{fmt}" if folder else f"{stem}.{width}w.{fmt}"


def renditions_store(original: str, made: list[tuple[str, int, bytes]]) -> dict[str, list]:
    """Save encoded renditions of the file ``original`` in the default storage under ``rendition_name``;
    returns {format: [[width, stored name], …]}. The same names each time: a rerun replaces its own files."""
    stored: dict[str, list] = {}
    for fmt, width, data in made:
        name = rendition_name(original, fmt=fmt, width=width)
        default_storage.delete(name)
        stored.setdefault(fmt, []).append([width, default_storage.save(name, ContentFile(data))])
    return stored


@functools.cache
def _fonts(size: int) -> list[ImageFont.FreeTypeFont]:
    # Pretendard is cut in two files (docker/font_subset.py: KS X 1001, then the other syllables); the demo
    # draws with whichever file holds the glyph. Missing files (no npm set-up yet) just mean pictures without a letter.
    fonts = [ImageFont.truetype(str(path), size) for path in sorted(FONT_DIR.glob("pretendard-*.woff2"))]
    for font in fonts:
        # A FreeType built without variable-font support draws the default weight instead.
        with contextlib.suppress(OSError):
            font.set_variation_by_axes([BOLD_WEIGHT])
    return fonts


@functools.cache
def _font_for(char: str, size: int) -> ImageFont.FreeTypeFont | None:
    fonts = _fonts(size)
    if not fonts:
        return None
    missing = fonts[0].getmask("\uffff").size
    for font in reversed(fonts):
        mask = font.getmask(char)
        if mask.getbbox() and mask.size != missing:
            return font
    return None


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    return tuple(round(channel * 255) for channel in colorsys.hls_to_rgb(hue % 1.0, lightness, saturation))


@functools.cache
def _diagonal_ramp(size: int, *, flip: bool) -> Image.Image:
    vertical = Image.linear_gradient("L").resize((size, size))
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90 if flip else Image.Transpose.ROTATE_270)
    return ImageChops.add(vertical, horizontal, scale=2.0)


def demo_picture(*, seed: int, letter: str, hue: float, variant: int = 0) -> tuple[bytes, bytes]:
    """A soft two-colour gradient with a round badge and one large letter; returns (image, thumbnail) JPEGs.

    Cheap on purpose (a gradient is one resized 256-pixel ramp): hundreds of products are made in seconds.
    """
    size = DEMO_IMAGE_SIZE
    hue = (hue + variant * 0.07) % 1.0
    top, bottom = _rgb(hue, 0.86, 0.55), _rgb(hue + 0.08, 0.70, 0.50)
    ramp = _diagonal_ramp(size, flip=bool(seed % 2))
    picture = Image.composite(
        Image.new("RGB", (size, size), bottom), Image.new("RGB", (size, size), top), ramp
    )
    draw = ImageDraw.Draw(picture)
    shade = _rgb(hue + 0.02, 0.55, 0.45)
    radius = size * (0.30 + (seed % 3) * 0.03)
    centre = (size / 2 + (seed % 7 - 3) * 8, size / 2 + (seed % 5 - 2) * 8)
    if variant % 2:
        draw.rounded_rectangle(
            (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
            radius=size * 0.08,
            fill=(255, 255, 255),
        )
    else:
        draw.ellipse(
            (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
            fill=(255, 255, 255),
        )
    font = _font_for(letter, int(size * 0.34)) if letter else None
    if font:
        draw.text(centre, letter, font=font, fill=shade, anchor="mm")
    thumb = picture.resize(THUMBNAIL_SIZE, Image.Resampling.BILINEAR)
    return _jpeg(picture, quality=80), _jpeg(thumb, quality=80)
