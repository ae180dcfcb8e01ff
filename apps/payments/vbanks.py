"""가상계좌 of orders that will never be paid are closed at the PG, so no deposit can land on a dead order."""

import logging

from django.utils import timezone

from apps.payments import gateway, methods
from apps.payments.gateway import PaymentNotFound, PGRefused
from apps.payments.models import PaymentAttempt

logger = logging.getLogger(__name__)


def vbanks_revoke(*, order_id: int) -> int:
    """Close the order's 가상계좌 still waiting for a deposit (DELETE /vbanks/{imp_uid}); returns how many.

    Called with no transaction open (an ``order.cancelled`` subscriber). PGUnavailable propagates so the event
    is delivered again. A refusal means the account is already closed or was just paid: a payment that landed is
    handled by its own webhook (a payment of a cancelled order is refunded), so it is only logged.
    """
    waiting = PaymentAttempt.objects.filter(
        order_id=order_id, method=methods.VBANK, status=PaymentAttempt.Status.STARTED
    ).exclude(vbank_num="")
    closed = 0
    for attempt in list(waiting):
        try:
            gateway.vbank_revoke(attempt.imp_uid)
            message = "가상계좌 말소"
        except (PGRefused, PaymentNotFound) as error:
            logger.warning("vbank %s of order %s not revoked: %s", attempt.imp_uid, order_id, error)
            message = f"가상계좌 말소 거절: {error}"
        closed += PaymentAttempt.objects.filter(pk=attempt.pk, status=PaymentAttempt.Status.STARTED).update(
            status=PaymentAttempt.Status.CANCELLED, message=message[:255], verified_at=timezone.now()
        )
    return closed
