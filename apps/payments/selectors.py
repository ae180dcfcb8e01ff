"""Payments' reads: the methods a shopper is offered, a 가상계좌 waiting for its deposit, how an order was paid."""

from django.utils import timezone

from apps.orders.models import Order
from apps.payments import methods
from apps.payments.models import PaymentAttempt


def method_last_paid(*, user) -> str | None:
    """The method of the member's last paid attempt (what checkout offers first), None when they never paid."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PaymentAttempt.objects.filter(order__user=user, status=PaymentAttempt.Status.PAID)
        .exclude(method="")
        .order_by("-verified_at", "-id")
        .values_list("method", flat=True)
        .first()
    )


def checkout_methods(*, user) -> list[dict]:
    """What checkout shows (orders.hooks.payment_methods): the enabled methods, the member's last first."""
    last = method_last_paid(user=user)
    return [
        {
            "code": method.code,
            "label": method.label,
            "note": method.note,
            "mark": method.mark,
            "last_used": method.code == last,
        }
        for method in methods.methods_for_shopper(last_used=last)
    ]


def order_paid_by_vbank(*, order: Order) -> bool:
    """Whether the order's payment was a 가상계좌 deposit (its refund needs the buyer's account)."""
    return PaymentAttempt.objects.filter(
        order=order, status=PaymentAttempt.Status.PAID, method=methods.VBANK
    ).exists()


def order_payment_attempt(*, order: Order) -> PaymentAttempt | None:
    """The attempt the order page speaks of: the paid one, else the latest 가상계좌 issued for it."""
    attempts = PaymentAttempt.objects.filter(order=order)
    return (
        attempts.filter(status=PaymentAttempt.Status.PAID).order_by("-id").first()
        or attempts.filter(method=methods.VBANK).exclude(vbank_num="").order_by("-id").first()
    )


def order_vbank_waiting(*, order: Order) -> bool:
    """Whether a 가상계좌 issued for the order still waits for its deposit (its deadline not passed)."""
    return (
        PaymentAttempt.objects.filter(
            order=order,
            method=methods.VBANK,
            status=PaymentAttempt.Status.STARTED,
            vbank_date__gt=timezone.now(),
        )
        .exclude(vbank_num="")
        .exists()
    )
