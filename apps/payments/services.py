"""Payments' writes: start a payment, verify it, refund it, reconcile what the PG knows with the orders.

The PG (``apps.payments.gateway``) is the truth about money; a browser redirect or a webhook only says
"go and look". Every decision about an order is taken with the order row locked (``order_lock``)
so the browser's return, the webhook and reconciliation, arriving together, give exactly one paid order.
Orders are changed only through orders' services and read through its selectors.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from apps.core.events import publish
from apps.orders import selectors as order_selectors
from apps.orders.models import Order
from apps.orders.services.payment_outcomes import (
    order_await_deposit,
    order_lock,
    order_mark_needs_check,
    order_mark_paid,
    order_mark_payment_failed,
)
from apps.orders.services.statuses import order_note_add
from apps.payments import gateway, methods
from apps.payments.escrow import escrow_requested
from apps.payments.gateway import PaymentNotFound, PGPayment, PGRefused, PGUnavailable
from apps.payments.models import PaymentAttempt, Refund
from apps.payments.refunds import (
    RETRIED_DB_ERRORS,
    cancel_whole_plan,
    db_retried,
    payment_refund,  # noqa: F401  (payments.events subscribes it)
    refund_send,
    refunds_resend,
)

logger = logging.getLogger(__name__)

PAID = "paid"
PENDING = "pending"
# A 가상계좌 was issued: the order waits for the deposit (its webhook) until the account's deadline.
AWAITING_DEPOSIT = "awaiting_deposit"
FAILED = "failed"
REFUSED = "refused"
# Orders that expired unpaid are still asked about for this long: a payment may have landed late.
LATE_PAYMENT_WINDOW_SECONDS = 60 * 60
# What the shop's payment window asks for (``pay_params``, the channels of ``PORTONE_METHODS``); a payment made
# any other way is not ours to keep.
ACCEPTED_CURRENCY = "KRW"
WINDOW_CHANNELS = ("pc", "mobile")


RECORD_DELAYED_MESSAGE = (
    "결제는 접수되었어요. 주문 확인이 잠시 늦어지고 있어요: 몇 분 안에 주문 내역에 반영되고, "
    "주문할 수 없게 되면 결제는 자동으로 취소돼요."
)


@dataclass(frozen=True)
class Verification:
    """What a verification concluded: ``outcome`` (paid, pending, failed, refused) and what to tell the shopper."""

    outcome: str
    message: str
    merchant_uid: str
    pg_reachable: bool = True
    # The PG was asked but the decision could not be written (the database too busy): ask again soon.
    retry_later: bool = False

    @property
    def paid(self) -> bool:
        return self.outcome == PAID


def pay_params(*, order: Order, redirect_url: str, notice_url: str, method: methods.Method) -> dict:
    """IMP.request_pay's parameters for the order paid with ``method`` (the mobile redirect flow everywhere).

    A 가상계좌 asks for its deadline (``vbank_due``, Korea's time, ``PORTONE_VBANK_DUE_HOURS`` from now);
    네이버페이 requires the products it shows the buyer (``naverProducts``).
    """
    params = {
        "pg": method.channel,
        "pay_method": method.pay_method,
        "merchant_uid": order.merchant_uid,
        "name": order.title[:40],
        "amount": order.total_amount,
        "buyer_email": order.orderer_email,
        "buyer_name": order.orderer_name,
        "buyer_tel": order.orderer_phone,
        "buyer_addr": f"{order.road_address} {order.detail_address}".strip(),
        "buyer_postcode": order.postcode,
        "m_redirect_url": redirect_url,
        "notice_url": notice_url,
    }
    if method.code == methods.VBANK:
        due = timezone.localtime() + datetime.timedelta(hours=settings.PORTONE_VBANK_DUE_HOURS)
        params["vbank_due"] = due.strftime("%Y%m%d%H%M")
    if escrow_requested(method.code):
        params["escrow"] = True
    if method.code == methods.NAVERPAY:
        params["naverProducts"] = [
            {
                "categoryType": "PRODUCT",
                "categoryId": "GENERAL",
                "uid": str(line.product_id or line.pk),
                "name": line.product_name[:100],
                "payReferrer": "ETC",
                "count": line.quantity,
            }
            for line in order.lines.all()
        ]
    return params


def payment_start(*, order: Order, method: str = "") -> PaymentAttempt:
    """Pre-register the order's amount at the PG (payments/prepare) and record the attempt.

    After this the payment window refuses any other amount for this merchant_uid. Raises PGUnavailable
    (try again shortly: the order stays pending) or ValidationError when the order is not payable. The PG is
    called outside any transaction; the attempt is written afterwards.
    """
    if order.status != Order.Status.PENDING:
        raise ValidationError("결제할 수 있는 주문이 아니에요.")
    gateway.payment_prepare(order.merchant_uid, order.total_amount)
    with transaction.atomic():
        attempt = PaymentAttempt.objects.filter(
            order=order, imp_uid="", status=PaymentAttempt.Status.STARTED
        ).first()
        if attempt is None:
            attempt = PaymentAttempt(order=order, merchant_uid=order.merchant_uid, amount=order.total_amount)
        # What the shopper chose; the PG's answer replaces it with what they paid with.
        attempt.method = method
        attempt.full_clean()
        attempt.save()
    return attempt


def _attempt_record(
    order: Order, *, imp_uid: str, status: str, source: str, message: str = "", pg: PGPayment | None = None
) -> PaymentAttempt:
    """Update (or add) the attempt of ``imp_uid``; the started attempt without an imp_uid takes it first."""
    attempt = (
        PaymentAttempt.objects.filter(order=order, imp_uid=imp_uid).first() if imp_uid else None
    ) or PaymentAttempt.objects.filter(order=order, imp_uid="").order_by("-created_at").first()
    attempt = attempt or PaymentAttempt(
        order=order, merchant_uid=order.merchant_uid, amount=order.total_amount
    )
    attempt.imp_uid = imp_uid or attempt.imp_uid
    attempt.status = status
    attempt.source = source
    attempt.message = message[:255]
    if pg is not None:
        attempt.pg_status = pg.status
        attempt.paid_amount = pg.amount
        attempt.method = methods.method_of(pg.raw)
        if pg.raw.get("vbank_num"):
            attempt.vbank_code = str(pg.raw.get("vbank_code") or "")[:10]
            attempt.vbank_name = str(pg.raw.get("vbank_name") or "")[:30]
            attempt.vbank_num = str(pg.raw["vbank_num"])[:40]
            attempt.vbank_holder = str(pg.raw.get("vbank_holder") or "")[:40]
            attempt.vbank_date = _from_unix(pg.vbank_date)
    attempt.verified_at = timezone.now()
    attempt.full_clean()
    attempt.save()
    return attempt


def payment_verify(
    *,
    merchant_uid: str,
    imp_uid: str | None = None,
    source: str = "browser",
    cancel_unpaid: bool = True,
) -> Verification:
    """Ask the PG about the order's payment and act on the answer; safe to call any number of times.

    Accepted only when the PG says ``paid`` for exactly the order's total, in KRW, through the shop's PG and
    window: the order becomes 결제완료. Any other paid payment, a second payment of a paid order, or a payment
    of an order that can no longer be sold is cancelled at the PG (and a payment not matching the order sends
    it to 확인필요 for staff). A failed or abandoned payment cancels the unpaid order and gives its stock
    back, unless ``cancel_unpaid`` is False (the browser's GET return: it only reads; the order waits for
    its expiry or the shopper's cancel). When the PG cannot be reached, or the database stays too busy to
    record the answer, the order stays pending and the webhook task or reconciliation asks again.

    The decision is taken with the order row locked; the PG is called only before and after, never while a
    transaction is open.
    """
    order = order_selectors.order_get(merchant_uid=merchant_uid)
    if order is None:
        return Verification(REFUSED, "주문을 찾을 수 없어요.", merchant_uid)
    try:
        pg = gateway.payment_fetch(imp_uid) if imp_uid else gateway.payment_find_by_merchant_uid(merchant_uid)
    except PaymentNotFound:
        pg = None
    except (PGUnavailable, PGRefused) as error:
        logger.warning("payment of %s not verified (%s): %s", merchant_uid, source, error)
        why = str(error)

        def unknown() -> None:
            order = order_lock(merchant_uid=merchant_uid)
            if order.status == Order.Status.PENDING:
                _attempt_record(
                    order,
                    imp_uid=imp_uid or "",
                    status=PaymentAttempt.Status.UNKNOWN,
                    source=source,
                    message=why,
                )

        db_retried(unknown)
        return Verification(
            PENDING,
            "결제 확인이 늦어지고 있어요. 확인되는 대로 주문 내역에 반영되고, 결제되지 않았다면 청구되지 않아요.",
            merchant_uid,
            pg_reachable=False,
        )

    def decide() -> tuple[Verification, Refund | None]:
        order = order_lock(merchant_uid=merchant_uid)
        return _decide(order, pg, source=source, cancel_unpaid=cancel_unpaid)

    try:
        verification, cancel = db_retried(decide)
    except OperationalError as error:
        if error.args[0] not in RETRIED_DB_ERRORS:
            raise
        logger.error("payment of %s not recorded (%s): %s", merchant_uid, source, error)
        return Verification(PENDING, RECORD_DELAYED_MESSAGE, merchant_uid, retry_later=True)
    if cancel is not None:
        try:
            refund_send(refund_id=cancel.pk)
        except PGUnavailable as error:
            # Kept pending: reconciliation sends it again with the same checksum.
            logger.warning("PG cancel of %s delayed: %s", cancel.imp_uid, error)
    return verification


def _decide(
    order: Order, pg: PGPayment | None, *, source: str, cancel_unpaid: bool
) -> tuple[Verification, Refund | None]:
    uid = order.merchant_uid
    if pg is None:
        if source == "browser" and order.status == Order.Status.PENDING:
            _attempt_record(
                order,
                imp_uid="",
                status=PaymentAttempt.Status.FAILED,
                source=source,
                message="PG에 결제 없음",
            )
            if not cancel_unpaid:
                return Verification(FAILED, _NOT_PAID_ORDER_KEPT, uid), None
            order_mark_payment_failed(order=order, reason="결제가 완료되지 않았어요.")
        elif order.status == Order.Status.CANCELLED:
            # An expired order nobody paid: reconciliation stops asking about it.
            PaymentAttempt.objects.filter(
                order=order, imp_uid="", status=PaymentAttempt.Status.STARTED
            ).update(
                status=PaymentAttempt.Status.FAILED, message="PG에 결제 없음", verified_at=timezone.now()
            )
        return Verification(
            FAILED, "결제가 완료되지 않았어요. 주문은 취소되었고 장바구니는 그대로예요.", uid
        ), None
    if pg.merchant_uid != uid:
        logger.error("imp_uid %s belongs to %s, not %s", pg.imp_uid, pg.merchant_uid, uid)
        return Verification(REFUSED, "결제 정보가 주문과 일치하지 않아요.", uid), None

    if pg.status == "paid":
        return _decide_paid(order, pg, source=source)
    if pg.status == "ready":
        if pg.is_vbank_issued and not _foreign_terms(pg) and pg.amount == order.total_amount:
            return _decide_vbank_issued(order, pg, source=source), None
        _attempt_record(order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.STARTED, source=source, pg=pg)
        return Verification(PENDING, "결제가 아직 끝나지 않았어요.", uid), None
    # failed, or cancelled at the PG
    if order.paid_at and order.imp_uid == pg.imp_uid:
        if (
            pg.cancel_amount > order.refunded_amount
            and not Refund.objects.filter(imp_uid=pg.imp_uid, status=Refund.Status.PENDING).exists()
        ):
            # Refunded outside the shop (PortOne's console): staff reconcile the order by hand.
            order_mark_needs_check(
                order=order,
                reason=f"PG에서 {pg.cancel_amount:,}원이 취소되었어요 (쇼핑몰 기록 {order.refunded_amount:,}원).",
            )
        return Verification(PAID, "결제가 완료된 주문이에요.", uid), None
    message = pg.fail_reason or "결제가 취소되었어요."
    _attempt_record(
        order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.FAILED, source=source, message=message, pg=pg
    )
    if order.status == Order.Status.PENDING:
        if not cancel_unpaid:
            return Verification(FAILED, f"결제에 실패했어요: {message}. {_NOT_PAID_ORDER_KEPT}", uid), None
        order_mark_payment_failed(order=order, reason=message)
    return Verification(FAILED, f"결제에 실패했어요: {message}", uid), None


_NOT_PAID_ORDER_KEPT = (
    "결제가 완료되지 않았어요. 주문은 결제 시간 동안 남아 있어 다시 결제하거나 취소할 수 있어요."
)


def _foreign_terms(pg: PGPayment) -> str:
    """What in a paid payment differs from the window the shop opens (currency, PG, channel); "" when none."""
    provider, channel = pg.raw.get("pg_provider"), pg.raw.get("channel")
    wrong = []
    if pg.currency != ACCEPTED_CURRENCY:
        wrong.append(f"통화 {pg.currency}")
    if provider not in methods.accepted_providers():
        wrong.append(f"PG {provider}")
    if channel not in WINDOW_CHANNELS:
        wrong.append(f"채널 {channel}")
    return ", ".join(wrong)


def _from_unix(seconds: int) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC) if seconds else None


def _decide_vbank_issued(order: Order, pg: PGPayment, *, source: str) -> Verification:
    """A 가상계좌 issued for the order: its stock is kept until the deadline and the shopper is told where to pay.

    The first time it is recorded the order's history notes it and ``payment.vbank_issued`` mails the account.
    A deadline already past expires the order (the sandbox's 기한 만료, or a late reconciliation).
    """
    uid = order.merchant_uid
    known = PaymentAttempt.objects.filter(order=order, imp_uid=pg.imp_uid).exclude(vbank_num="").exists()
    attempt = _attempt_record(
        order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.STARTED, source=source, pg=pg
    )
    if order.status != Order.Status.PENDING:
        return Verification(FAILED, "입금 기한이 지났거나 취소된 주문이에요.", uid)
    deadline = attempt.vbank_date or timezone.now()
    note = (
        ""
        if known
        else f"가상계좌 발급: {attempt.vbank_name} {attempt.vbank_num}, 입금 기한 {timezone.localtime(deadline):%m.%d %H:%M}"
    )
    order = order_await_deposit(order=order, until=deadline, note=note, actor=source)
    if order.status != Order.Status.PENDING:
        return Verification(FAILED, "입금 기한이 지나 주문이 취소되었어요.", uid)
    if not known:
        publish("payment.vbank_issued", {"order_id": order.pk, "attempt_id": attempt.pk})
    return Verification(
        AWAITING_DEPOSIT, "가상계좌가 발급되었어요. 입금 기한까지 아래 계좌로 입금해 주세요.", uid
    )


def _decide_paid(order: Order, pg: PGPayment, *, source: str) -> tuple[Verification, Refund | None]:
    uid = order.merchant_uid
    if order.paid_at and order.imp_uid == pg.imp_uid:
        return Verification(PAID, "결제가 완료되었어요.", uid), None
    if order.paid_at:
        cancel = cancel_whole_plan(order, pg, reason="중복 결제 취소")
        _attempt_record(order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.CANCELLED, source=source, pg=pg,
                        message="중복 결제")  # fmt: skip
        return Verification(REFUSED, "이미 결제된 주문이라 이번 결제는 취소했어요.", uid), cancel
    foreign = _foreign_terms(pg)
    if pg.amount != order.total_amount or foreign:
        reason = (
            f"결제 조건 불일치 ({foreign}): 결제 {pg.amount:,}원 / 주문 {order.total_amount:,}원"
            if foreign
            else f"결제 금액 불일치: 결제 {pg.amount:,}원 / 주문 {order.total_amount:,}원"
        )
        cancel = cancel_whole_plan(order, pg, reason="결제 조건 불일치" if foreign else "결제 금액 불일치")
        _attempt_record(order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.MISMATCH, source=source, pg=pg,
                        message=reason)  # fmt: skip
        order_mark_needs_check(order=order, reason=f"{reason} (PG 취소 요청)")
        return Verification(
            REFUSED, "결제 금액이나 방식이 주문과 달라 결제를 취소했어요. 다시 주문해 주세요.", uid
        ), cancel
    try:
        with transaction.atomic():
            order_mark_paid(order=order, imp_uid=pg.imp_uid, amount=pg.amount, actor=source)
    except ValidationError as error:
        why = " ".join(error.messages)
        cancel = cancel_whole_plan(order, pg, reason=why[:100])
        _attempt_record(order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.CANCELLED, source=source, pg=pg,
                        message=why)  # fmt: skip
        order_note_add(order=order, note=f"결제 {pg.imp_uid} 환불: {why}", actor=source)
        return Verification(REFUSED, f"{why} 결제는 취소했어요.", uid), cancel
    _attempt_record(order, imp_uid=pg.imp_uid, status=PaymentAttempt.Status.PAID, source=source, pg=pg)
    return Verification(PAID, "결제가 완료되었어요.", uid), None


def payments_reconcile(*, now=None) -> dict[str, int]:
    """Ask the PG about orders the shop is unsure of (Celery beat, every minute); returns outcomes counted.

    - pending orders older than PAYMENTS_RECONCILE_AFTER_SECONDS (the browser never came back, the PG was down);
    - orders that expired unpaid in the last hour but had a payment attempt (a payment may have landed late).
    Stops early when the PG is unreachable (the breaker is open): the next run tries again.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.PAYMENTS_RECONCILE_AFTER_SECONDS)
    candidates = [
        order.merchant_uid for order in order_selectors.orders_pending_older_than(created_before=cutoff)
    ]
    expired = order_selectors.orders_expired_unpaid_since(
        created_since=now - timezone.timedelta(seconds=LATE_PAYMENT_WINDOW_SECONDS)
    )
    late = (
        PaymentAttempt.objects.filter(
            order__in=expired,
            status__in=(PaymentAttempt.Status.STARTED, PaymentAttempt.Status.UNKNOWN),
        )
        .values_list("merchant_uid", flat=True)
        .distinct()
    )
    candidates += [uid for uid in late if uid not in candidates]
    counts: dict[str, int] = {}
    reachable = True
    for merchant_uid in candidates:
        imp_uid = (
            PaymentAttempt.objects.filter(merchant_uid=merchant_uid)
            .exclude(imp_uid="")
            .order_by("-created_at")
            .values_list("imp_uid", flat=True)
            .first()
        )
        result = payment_verify(merchant_uid=merchant_uid, imp_uid=imp_uid, source="reconcile")
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if not result.pg_reachable:
            reachable = False
            break
    if reachable and gateway.gateway().breaker.current_state != "open":
        resent = refunds_resend(now=now)
        if resent:
            counts["refund_resent"] = resent
    return counts
