"""WebP/AVIF renditions of product pictures: made once per picture, after its upload, by a task."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.catalog import caching
from apps.catalog.images import renditions_encode
from apps.catalog.models import ProductImage


def rendition_name(original: str, *, fmt: str, width: int) -> str:
    """Where a rendition lives: beside the original, named after it (its extension kept in the name, so
    ``a.png`` and ``a.jpg`` never share one): ``products/2026/12/a.jpg`` → ``products/2026/12/a_jpg.320w.webp``."""
    folder, _slash, base = original.rpartition("/")
    stem = base.replace(".", "_")
    return f"{folder}/{stem}.{width}w.{fmt}" if folder else f"{stem}.{width}w.{fmt}"


def product_image_renditions_make(*, image_id: int) -> dict:
    """Encode one product picture's renditions, store them in the default storage and record their names on
    the picture; returns what was recorded ({} for a picture gone or without a file).

    Runs outside any transaction (encoding takes a while and holds no lock). A picture replaced while this
    ran keeps its empty renditions: the replacement's own task records its own. Running it again replaces
    the same files, so a retried task or ``manage.py image_renditions --all`` leaves no strays.
    """
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or not image.image:
        return {}
    original = image.image.name
    with default_storage.open(original) as source:
        made = renditions_encode(source)
    renditions: dict[str, list] = {}
    for fmt, width, data in made:
        name = rendition_name(original, fmt=fmt, width=width)
        default_storage.delete(name)
        renditions.setdefault(fmt, []).append([width, default_storage.save(name, ContentFile(data))])
    recorded = ProductImage.objects.filter(pk=image_id, image=original).update(renditions=renditions)
    if not recorded:
        return {}
    caching.product_changed(image.product_id, home=image.position == 0)
    return renditions
