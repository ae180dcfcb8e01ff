"""The mail a seller gets when staff decide on it (sent by ``events``, never inside a transaction)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from apps.sellers.models import Seller

SUBJECTS = {
    Seller.Status.APPROVED: "셀러 입점이 승인되었어요",
    Seller.Status.REJECTED: "셀러 입점 신청이 반려되었어요",
    Seller.Status.SUSPENDED: "셀러 판매가 정지되었어요",
}


def seller_status_mail_send(*, seller_id: int, status: str) -> bool:
    """Mail the seller (its member's address, else the shop's) about ``status``; False if nobody to mail.

    The mail names the state it was sent for, not the current one: a later change sends its own.
    """
    seller = Seller.objects.select_related("user").filter(pk=seller_id).first()
    if seller is None or status not in SUBJECTS:
        return False
    email = (seller.user.email if seller.user else "") or seller.email
    if not email:
        return False
    site = settings.SITE_URL.rstrip("/")
    body = render_to_string(
        "sellers/email/status.txt",
        {
            "seller": seller,
            "status": status,
            "subject": SUBJECTS[status],
            "reason": seller.status_reason if seller.status == status else "",
            "apply_url": site + reverse("sellers:apply"),
            "shop_url": site + seller.get_absolute_url(),
        },
    )
    send_mail(f"[TriMarket] {SUBJECTS[status]}", body, None, [email])
    return True
