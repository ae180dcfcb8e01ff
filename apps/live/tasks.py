from celery import shared_task

from apps.live.services import broadcasts


@shared_task(acks_late=True)
def broadcast_grace_check(broadcast_id: int) -> None:
    """Due when a dropped encoder's reconnect grace runs out: end the broadcast unless it came back."""
    broadcasts.broadcast_grace_check(broadcast_id=broadcast_id)


@shared_task(acks_late=True)
def broadcasts_grace_sweep() -> int:
    """Every few seconds (beat): the broadcasts whose grace ran out and whose own check was lost."""
    return broadcasts.broadcasts_grace_sweep()
