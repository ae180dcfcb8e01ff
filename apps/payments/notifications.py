"""The shopper's payment mails (sent by payments' event subscribers, never inside a transaction)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from apps.payments.models import PaymentAttempt


def vbank_issued_mail_send(*, attempt_id: int) -> bool:
    """Mail the 가상계좌 (bank, number, holder, amount, deadline); False when there is nobody to mail."""
    attempt = PaymentAttempt.objects.select_related("order__user").filter(pk=attempt_id).first()
    order = attempt and attempt.order
    email = order and (order.orderer_email or order.user.email)
    if not email or not attempt.vbank_num:
        return False
    body = render_to_string(
        "payments/email/vbank_issued.txt",
        {"order": order, "attempt": attempt, "url": settings.SITE_URL.rstrip("/") + order.get_absolute_url()},
    )
    send_mail(f"[TriMarket] 가상계좌 입금 안내 ({order.merchant_uid})", body, None, [email])
    return True
