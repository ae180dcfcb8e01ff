"""Reads of product pictures for listings: the main picture's thumbnail and renditions as annotations, and the
pictures still waiting for their renditions."""

from django.core.files.storage import default_storage
from django.db.models import JSONField, OuterRef, Subquery

from apps.catalog.models import ProductImage, ReviewPhoto


def _main_image(field: str, **kwargs) -> Subquery:
    return Subquery(
        ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id").values(field)[:1],
        **kwargs,
    )


def main_thumbnail() -> Subquery:
    """The file name of a product's main picture's thumbnail (annotate ``Product`` rows with it)."""
    return _main_image("thumbnail")


def main_renditions() -> Subquery:
    """The renditions ({format: [[width, name], …]}) of a product's main picture; None or {} when not made."""
    return _main_image("renditions", output_field=JSONField())


def product_image_ids_without_renditions() -> list[int]:
    """Pictures whose renditions were never made (uploaded before them, or their task was lost)."""
    return [pk for pk, renditions in ProductImage.objects.values_list("pk", "renditions") if not renditions]


def review_photo_ids_without_renditions() -> list[int]:
    """Review photos whose renditions were never made."""
    return [pk for pk, renditions in ReviewPhoto.objects.values_list("pk", "renditions") if not renditions]


def renditions_srcset(renditions: dict | None, fmt: str) -> str:
    """A ``srcset`` of one format's renditions ("/media/…160w.webp 160w, …"); "" when there are none."""
    entries = (renditions or {}).get(fmt) or []
    return ", ".join(f"{default_storage.url(name)} {width}w" for width, name in sorted(entries))
