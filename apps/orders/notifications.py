"""The shopper's order mails (sent by the subscriber in ``apps.orders.events``, never inside a transaction)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from apps.orders.models import Order

SUBJECTS = {
    "order.paid": "주문이 접수되었어요",
    "order.preparing": "상품을 준비하고 있어요",
    "order.shipping": "상품이 출발했어요",
    "order.delivered": "배송이 완료되었어요",
    "order.confirmed": "구매가 확정되었어요",
    "order.cancel_requested": "취소 요청을 받았어요",
    "order.cancelled": "주문이 취소되었어요",
    "order.refunded": "환불이 완료되었어요",
    "order.needs_check": "주문을 확인하고 있어요",
    "order.cancel_refused": "판매자가 취소 요청을 거절했어요",
}


def order_status_mail_send(
    *, order_id: int, event: str, amount: int | None = None, partial: bool = False, reason: str = ""
) -> bool:
    """Mail the orderer about ``event``; returns False when there is nobody to mail."""
    order = (
        Order.objects.select_related("user")
        .prefetch_related("lines", "shipments")
        .filter(pk=order_id)
        .first()
    )
    email = order and (order.orderer_email or order.user.email)
    if not email:
        return False
    subject = SUBJECTS.get(event, "주문 상태가 바뀌었어요")
    if partial:
        subject = "주문 상품 일부가 " + ("환불되었어요" if event == "order.refunded" else "취소되었어요")
    body = render_to_string(
        "orders/email/status.txt",
        {
            "order": order,
            "subject": subject,
            "event": event,
            "amount": amount,
            "reason": reason,
            "url": settings.SITE_URL.rstrip("/") + order.get_absolute_url(),
        },
    )
    send_mail(f"[TriMarket] {subject} ({order.merchant_uid})", body, None, [email])
    return True
