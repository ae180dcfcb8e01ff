from celery import shared_task
from django.utils import timezone

from apps.accounts import services


@shared_task
def pending_signups_expire() -> int:
    """Hourly (``CELERY_BEAT_SCHEDULE``): unverified signups older than ``ACCOUNTS_PENDING_EXPIRE_DAYS`` go."""
    return services.pending_signups_expire(now=timezone.now())
