import math

from celery import shared_task
from django.db import transaction

from apps.live.models import Broadcast
from apps.live.services import broadcasts, covers


@shared_task(acks_late=True)
def broadcast_grace_check(broadcast_id: int) -> None:
    """Due when a dropped encoder's reconnect grace runs out: end the broadcast unless it came back."""
    broadcasts.broadcast_grace_check(broadcast_id=broadcast_id)


@shared_task(acks_late=True)
def broadcasts_grace_sweep() -> int:
    """Every few seconds (beat): the broadcasts whose grace ran out and whose own check was lost."""
    return broadcasts.broadcasts_grace_sweep()


def broadcast_grace_check_schedule(broadcast: Broadcast) -> None:
    """After the commit, ask for the grace check of a broadcast waiting for its encoder, due a second after
    its window closes (so it never runs a moment early); the sweep backs it up. Extra checks are harmless."""
    left = broadcasts.grace_left_seconds(broadcast)
    if left is None:
        return
    transaction.on_commit(
        lambda: broadcast_grace_check.apply_async(args=[broadcast.pk], countdown=math.ceil(left) + 1),
        robust=True,
    )


@shared_task(acks_late=True)
def broadcast_cover_renditions_make(broadcast_id: int) -> None:
    """After a cover upload: its WebP/AVIF renditions (Pillow, off the request)."""
    covers.broadcast_cover_renditions_make(broadcast_id=broadcast_id)


def broadcast_cover_renditions_schedule(broadcast: Broadcast) -> None:
    """After the commit, ask for the renditions of a broadcast's cover when it has one and they are not made."""
    if broadcast.cover and not broadcast.cover_renditions:
        transaction.on_commit(lambda: broadcast_cover_renditions_make.delay(broadcast.pk), robust=True)
