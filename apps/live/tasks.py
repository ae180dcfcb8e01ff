"""Celery tasks of the live module: each takes ids and calls the service of the same name."""

from celery import shared_task

from apps.live import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=5, max_retries=5)
def broadcast_alarms_notify(*, broadcast_id: int) -> int:
    """Mail the subscribers of a broadcast that went live (each once, also when retried)."""
    return services.broadcast_alarms_notify(broadcast_id=broadcast_id)


@shared_task(acks_late=True)
def broadcast_replay_make(*, broadcast_id: int) -> str:
    """Make the VOD HLS replay of an ended broadcast from its recording."""
    return services.broadcast_replay_make(broadcast_id=broadcast_id).replay_status
