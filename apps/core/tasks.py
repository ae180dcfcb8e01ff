import logging

from celery import shared_task
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

EVENT_HANDLER_MAX_RETRIES = 6


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=EVENT_HANDLER_MAX_RETRIES,
)
def event_handle(self, *, handler: str, event: str, payload: dict) -> None:
    """Run one subscriber of one domain event; Celery retries it on any error."""
    if self.request.retries:
        logger.warning("retry %s of %s for %s", self.request.retries, handler, event)
    import_string(handler)(event=event, payload=payload)
