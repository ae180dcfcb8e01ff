"""What shoppers keep: the wishlist and restock alerts (and their one mail each)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import (
    Product,
    ProductOption,
    RestockAlert,
    Wishlist,
)
from apps.core.personal import personal_changed


@transaction.atomic
def wishlist_toggle(*, user, product: Product) -> bool:
    """Heart or un-heart a product; returns whether it is now in the shopper's wishlist."""
    personal_changed(user.pk)
    deleted, _detail = Wishlist.objects.filter(user=user, product=product).delete()
    if deleted:
        return False
    wish = Wishlist(user=user, product=product)
    wish.full_clean(validate_constraints=False)
    wish.save()
    return True


@transaction.atomic
def restock_alert_request(*, user, option: ProductOption) -> RestockAlert:
    """Ask to be mailed once when this sold-out option is back; asking again after a mail re-arms it."""
    if option.stock > 0:
        raise ValidationError(_("재고가 있는 옵션입니다. 지금 바로 구매할 수 있어요."))
    if not user.email:
        raise ValidationError(_("알림을 받을 이메일 주소를 먼저 등록해 주세요."))
    alert, created = RestockAlert.objects.get_or_create(user=user, option=option)
    if not created and alert.notified_at is not None:
        alert.notified_at = None
        alert.save(update_fields=["notified_at"])
    return alert


def restock_alerts_notify(*, option_id: int) -> int:
    """Mail every shopper waiting for this option, once each; returns how many mails went out.

    Each alert is marked in its own transaction right after its mail, so a retry after a failure
    mails only those not yet told. Does nothing while the option is (again) out of stock.
    """
    option = ProductOption.objects.select_related("product").filter(pk=option_id).first()
    if option is None or option.stock == 0:
        return 0
    url = settings.SITE_URL.rstrip("/") + option.product.get_absolute_url()
    sent = 0
    pending = RestockAlert.objects.filter(option_id=option_id, notified_at__isnull=True).values_list(
        "pk", flat=True
    )
    for alert_id in list(pending):
        with transaction.atomic():
            alert = (
                RestockAlert.objects.select_for_update()
                .select_related("user")
                .filter(pk=alert_id, notified_at__isnull=True)
                .first()
            )
            if alert is None or not alert.user.email:
                continue
            send_mail(
                subject=_("[TriMarket] 기다리신 상품이 다시 입고되었어요"),
                message=_(
                    "%(name)s님, 재입고 알림을 신청하신 상품이 다시 들어왔어요.\n\n"
                    "%(product)s (%(option)s)\n%(url)s\n\n재고가 한정되어 있으니 서둘러 주세요."
                )
                % {"name": alert.user, "product": option.product.name, "option": option.name, "url": url},
                from_email=None,
                recipient_list=[alert.user.email],
            )
            alert.notified_at = timezone.now()
            alert.save(update_fields=["notified_at"])
            sent += 1
    return sent
