"""Refunds at the PG: decided under the order's lock, sent with no transaction open, recorded afterwards.

A ``Refund`` row is written ``pending`` with the checksum (the refundable amount the shop believes in) before
the PG is called; the PG's answer turns it into done or failed in a second short transaction. A refund whose
answer was lost is sent again with the same checksum, so the PG either makes it or refuses a second one
(and the payment is fetched to see that the first went through): a refund is never lost or made twice.
"""

import logging
import random
import time

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from apps.orders import selectors as order_selectors
from apps.orders.models import Order
from apps.orders.services.cancels import order_refund_failed, order_refund_record
from apps.orders.services.payment_outcomes import order_lock, order_mark_needs_check
from apps.payments import gateway
from apps.payments.gateway import PaymentNotFound, PGError, PGPayment, PGRefused, PGUnavailable
from apps.payments.models import Refund

logger = logging.getLogger(__name__)

# MariaDB's deadlock and lock-wait timeout: the whole decision is taken again from the start.
RETRIED_DB_ERRORS = (1213, 1205)
DB_ATTEMPTS = 3
# A refund still pending after this long lost its sender (a crash, the PG down): reconciliation sends it again.
REFUND_RESEND_AFTER_SECONDS = 60


def db_retried(decide):
    """Run ``decide()`` in its own transaction; a deadlock or lock-wait timeout runs it again from the start.

    Outside any transaction only: inside one, the error has already rolled back the caller's work, so it is
    raised at once.
    """
    if connection.in_atomic_block:
        with transaction.atomic():
            return decide()
    for attempt in range(1, DB_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return decide()
        except OperationalError as error:
            if error.args[0] not in RETRIED_DB_ERRORS or attempt == DB_ATTEMPTS:
                raise
            logger.warning("payment transaction retried after %s (attempt %d)", error.args, attempt)
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


def cancel_whole_plan(order: Order, pg: PGPayment, *, reason: str) -> Refund | None:
    """Record (under the order's lock) that the whole of a payment the shop will not keep is to be cancelled.

    The PG is called afterwards, outside the lock (``refund_send``). A cancel already planned for this
    payment is reused, never planned twice: its checksum makes a second send harmless.
    """
    planned = Refund.objects.filter(imp_uid=pg.imp_uid, status=Refund.Status.PENDING).first()
    if planned is not None or pg.refundable <= 0:
        return planned
    return Refund.objects.create(
        order=order, imp_uid=pg.imp_uid, amount=pg.refundable, checksum=pg.refundable, reason=reason[:255],
        status=Refund.Status.PENDING,
    )  # fmt: skip


def payment_refund(
    *,
    order_id: int,
    line_ids: list[int],
    amount: int,
    reason: str,
    final_status: str,
    restock: bool,
    cancel_reason: str = "",
    refund_account: dict | None = None,
) -> Refund | None:
    """Refund ``amount`` of a paid order for ``line_ids`` through payments/cancel with a checksum.

    Decided under the order's lock (a pending ``Refund`` with the checksum), sent to the PG with no
    transaction open, recorded in a second short transaction. Idempotent: lines no longer waiting are
    skipped; a pending refund of these lines is sent again with its own checksum, so a refund the PG made
    on an earlier try whose answer was lost is recognised, never made twice. One order's refunds go one at a
    time. ``refund_account`` ({bank, account, holder}) is where a 가상계좌 deposit goes back. Raises PGUnavailable so the event task retries later; a refusal sends the order to 확인필요.
    """
    merchant_uid = order_selectors.order_merchant_uid_of(order_id=order_id)
    if merchant_uid is None:
        return None

    def plan() -> Refund | None:
        order = order_lock(merchant_uid=merchant_uid)
        waiting = order_selectors.order_line_ids_awaiting_refund(order=order, line_ids=line_ids)
        if not waiting:
            return None
        pending = Refund.objects.filter(
            order=order, imp_uid=order.imp_uid, status=Refund.Status.PENDING
        ).first()
        if pending is not None:
            if set(pending.line_ids) & set(waiting):
                return pending
            raise PGUnavailable(f"{merchant_uid}의 앞선 환불이 PG 응답을 기다리는 중")
        checksum = order.refundable_amount
        return Refund.objects.create(
            order=order, imp_uid=order.imp_uid, amount=min(amount, checksum), checksum=checksum,
            line_ids=waiting, reason=reason[:255], status=Refund.Status.PENDING, refund_account=refund_account or {},
            plan={"final_status": final_status, "restock": restock, "cancel_reason": cancel_reason},
        )  # fmt: skip

    refund = db_retried(plan)
    if refund is None:
        return None
    return refund_send(refund_id=refund.pk)


def refund_send(*, refund_id: int) -> Refund:
    """Send a pending refund to the PG (no transaction may be open) and record the answer.

    Raises PGUnavailable with the refund still pending: sending it again later is safe (checksum).
    """
    refund = Refund.objects.get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        gateway.payment_cancel(
            imp_uid=refund.imp_uid,
            reason=refund.reason[:100],
            amount=refund.amount,
            checksum=refund.checksum,
            refund_account=refund.refund_account or None,
        )
        status, message = Refund.Status.DONE, ""
    except (PGRefused, PaymentNotFound) as error:
        made = _refund_already_made(refund.imp_uid, checksum=refund.checksum, amount=refund.amount)
        status, message = (Refund.Status.DONE, "") if made else (Refund.Status.FAILED, str(error))
    return db_retried(lambda: _refund_answer_record(refund_id=refund_id, status=status, message=message))


def _refund_answer_record(*, refund_id: int, status: str, message: str) -> Refund:
    merchant_uid = Refund.objects.filter(pk=refund_id).values_list("order__merchant_uid", flat=True).get()
    order = order_lock(merchant_uid=merchant_uid)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund  # another sender recorded it first
    refund.status, refund.message = status, message[:255]
    refund.save(update_fields=["status", "message"])
    if not refund.line_ids:
        if status == Refund.Status.FAILED:
            order_mark_needs_check(
                order=order, reason=f"{refund.reason}: PG 취소 실패, 수동 환불 필요 ({message})"
            )
        return refund
    waiting = order_selectors.order_line_ids_awaiting_refund(order=order, line_ids=refund.line_ids)
    if status == Refund.Status.FAILED:
        order_refund_failed(order=order, line_ids=waiting, reason=f"환불 실패: {message}")
    elif waiting:
        order_refund_record(
            order=order,
            line_ids=waiting,
            amount=refund.amount,
            final_status=refund.plan["final_status"],
            restock=refund.plan["restock"],
            cancel_reason=refund.plan.get("cancel_reason", ""),
        )
    return refund


def _refund_already_made(imp_uid: str, *, checksum: int, amount: int) -> bool:
    try:
        pg = gateway.payment_fetch(imp_uid)
    except PGError:
        return False
    return pg.refundable == checksum - amount


def refunds_resend(*, now=None) -> int:
    """Send again the refunds left pending longer than ``REFUND_RESEND_AFTER_SECONDS``; returns how many.

    Stops at the first PGUnavailable: the next run tries again.
    """
    now = now or timezone.now()
    stale = Refund.objects.filter(
        status=Refund.Status.PENDING,
        created_at__lt=now - timezone.timedelta(seconds=REFUND_RESEND_AFTER_SECONDS),
    ).values_list("pk", flat=True)
    sent = 0
    for refund_id in list(stale[:100]):
        try:
            refund_send(refund_id=refund_id)
        except PGUnavailable:
            break
        sent += 1
    return sent
