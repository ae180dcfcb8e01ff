from celery import shared_task

# The concept module itself, not the services package (whose other modules dispatch these tasks).
import apps.catalog.services.renditions as renditions


@shared_task(acks_late=True)
def product_image_renditions_make(image_id: int) -> None:
    """After an upload: the picture's WebP/AVIF renditions (a few seconds of Pillow, off the request)."""
    renditions.product_image_renditions_make(image_id=image_id)


@shared_task(acks_late=True)
def review_photo_renditions_make(photo_id: int) -> None:
    """After a review with photos is written: the photos' small WebP/AVIF renditions."""
    renditions.review_photo_renditions_make(photo_id=photo_id)
