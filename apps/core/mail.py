"""Mail to the people who run the shop: ``ADMINS`` and every active staff member with an email."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins, send_mail


def staff_mail(*, subject: str, body: str) -> None:
    """Send one operational alert; call it after the commit of what it reports. Failures to send are logged by
    the mail backend, never raised: an alert must not undo the work it tells of."""
    if settings.ADMINS:
        mail_admins(subject.removeprefix("[TriMarket] "), body, fail_silently=True)
    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("email")
    )
    if staff:
        send_mail(subject, body, None, staff, fail_silently=True)
