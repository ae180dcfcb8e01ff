from celery import shared_task

from apps.payments import services

VERIFY_MAX_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=VERIFY_MAX_RETRIES)
def payment_verify(self, *, merchant_uid: str, imp_uid: str | None = None, source: str = "webhook") -> str:
    """Verify a payment a webhook announced; retried with backoff while the PG cannot be reached or the
    database was too busy to record the answer."""
    result = services.payment_verify(merchant_uid=merchant_uid, imp_uid=imp_uid, source=source)
    if (not result.pg_reachable or result.retry_later) and not self.request.is_eager:
        raise self.retry(countdown=min(2**self.request.retries * 5, 600))
    return result.outcome


@shared_task(acks_late=True)
def payments_reconcile() -> dict:
    """Every minute (beat): pending orders and late payments are settled with what the PG knows, and refunds
    left pending are sent again."""
    return services.payments_reconcile()
