"""Return and exchange mails: every step to the shopper, a new or withdrawn request to the seller too (sent by the
subscribers in ``apps.orders.events``, after the step's transaction committed)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.orders.models import ReturnRequest

SUBJECTS = {
    "order.return_requested": "%(kind)s 신청을 받았어요",
    "order.return_approved": "%(kind)s 신청이 승인되었어요",
    "order.return_refused": "%(kind)s 신청이 거절되었어요",
    "order.return_withdrawn": "%(kind)s 신청을 철회했어요",
    "order.return_sent_back": "반송 송장이 등록되었어요",
    "order.return_collected": "상품 회수가 완료되었어요",
    "order.return_refunded": "반품 환불이 완료되었어요",
    "order.exchange_shipped": "교환 상품이 출발했어요",
}

# The seller hears of a request when it arrives and when the shopper takes it back before an answer.
SELLER_EVENTS = {
    "order.return_requested": "새 %(kind)s 요청이 있어요",
    "order.return_withdrawn": "고객이 %(kind)s 요청을 철회했어요",
}


def return_mail_send(*, return_id: int, event: str) -> int:
    """Mail the shopper about ``event`` (and the seller for a new or withdrawn request); returns how many
    mails went."""
    request = (
        ReturnRequest.objects.select_related("shipment__order__user", "shipment__seller", "exchange_option")
        .prefetch_related("lines__line")
        .filter(pk=return_id)
        .first()
    )
    if request is None:
        return 0
    order = request.shipment.order
    subject = SUBJECTS.get(event, "반품·교환 진행 상황이 바뀌었어요") % {"kind": request.get_kind_display()}
    site = settings.SITE_URL.rstrip("/")
    context = {"request": request, "order": order, "subject": subject, "event": event}
    sent = 0
    email = order.orderer_email or order.user.email
    if email:
        body = render_to_string(
            "orders/email/return.txt", {**context, "url": site + order.get_absolute_url(), "to_seller": False}
        )
        send_mail(f"[TriMarket] {subject} ({order.merchant_uid})", body, None, [email])
        sent += 1
    if event in SELLER_EVENTS and request.shipment.seller.email:
        url = site + reverse("sellercenter:return-detail", args=[request.pk])
        body = render_to_string("orders/email/return.txt", {**context, "url": url, "to_seller": True})
        subject = SELLER_EVENTS[event] % {"kind": request.get_kind_display()}
        send_mail(
            f"[TriMarket] {subject} ({order.merchant_uid})", body, None, [request.shipment.seller.email]
        )
        sent += 1
    return sent
