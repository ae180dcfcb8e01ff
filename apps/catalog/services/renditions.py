"""WebP/AVIF renditions of product pictures and review photos: made once per picture, after its upload, by a
task."""

from django.core.files.storage import default_storage

from apps.catalog import caching
from apps.catalog.images import renditions_encode, renditions_store
from apps.catalog.models import ProductImage, ReviewPhoto

# Review photos are shown as 88 CSS px squares: 1–3x.
REVIEW_PHOTO_WIDTHS = (160, 320)


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
        renditions = renditions_store(original, renditions_encode(source))
    recorded = ProductImage.objects.filter(pk=image_id, image=original).update(renditions=renditions)
    if not recorded:
        return {}
    caching.product_changed(image.product_id, home=image.position == 0)
    return renditions


def review_photo_renditions_make(*, photo_id: int) -> dict:
    """As ``product_image_renditions_make``, for one review photo (square, REVIEW_PHOTO_WIDTHS)."""
    photo = ReviewPhoto.objects.select_related("review").filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return {}
    original = photo.image.name
    with default_storage.open(original) as source:
        renditions = renditions_store(original, renditions_encode(source, widths=REVIEW_PHOTO_WIDTHS))
    if not ReviewPhoto.objects.filter(pk=photo_id, image=original).update(renditions=renditions):
        return {}
    caching.product_changed(photo.review.product_id, listing=False)
    return renditions
