from datetime import date, datetime, time

from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.orders.models import Order
from apps.payments import services as payment_services


def seoul(day: date, hour: int = 12) -> datetime:
    """Noon (or ``hour``) of ``day`` in Asia/Seoul, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


class StaffFactory(UserFactory):
    """A staff member with an email address (staff get the job-failure mails)."""

    username = "staff"
    email = "ops@trimarket.example"
    is_staff = True


def order_paid(pg_sandbox, order: Order) -> Order:
    """Pay ``order`` in the PG sandbox's window and have the shop verify it (as a shopper's checkout does)."""
    payment_services.payment_start(order=order)
    result = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    assert payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    return Order.objects.get(pk=order.pk)


__all__ = ["StaffFactory", "UserFactory", "order_paid", "seoul"]
