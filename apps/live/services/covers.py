"""WebP/AVIF renditions of broadcast covers, made once per cover after its upload by a task
(``apps.live.tasks.broadcast_cover_renditions_schedule``), as the catalog makes them for product pictures."""

from django.core.files.storage import default_storage

from apps.catalog.images import renditions_encode, renditions_store
from apps.live.models import Broadcast
from apps.live.services.cards import cards_changed

# Covers are 3:4 cards: about 160 CSS px wide in the main page's strip on a phone, up to about 290 in the
# live list on a desktop, at 1–2x.
COVER_RENDITION_WIDTHS = (240, 360, 480, 600)


def broadcast_cover_renditions_make(*, broadcast_id: int) -> dict:
    """Encode a broadcast cover's renditions (aspect kept), store them beside it and record them; returns
    what was recorded ({} for a broadcast gone or without a cover, or whose cover changed meanwhile)."""
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or not broadcast.cover:
        return {}
    original = broadcast.cover.name
    with default_storage.open(original) as source:
        made = renditions_encode(source, widths=COVER_RENDITION_WIDTHS, square=False)
    renditions = renditions_store(original, made)
    if not Broadcast.objects.filter(pk=broadcast_id, cover=original).update(cover_renditions=renditions):
        return {}
    cards_changed(broadcast_id)
    return renditions


def broadcast_covers_without_renditions() -> list[int]:
    """Broadcasts with a cover whose renditions were never made (older covers, or a lost task)."""
    rows = Broadcast.objects.exclude(cover="").values_list("pk", "cover_renditions")
    return [pk for pk, renditions in rows if not renditions]
