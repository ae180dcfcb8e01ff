"""Refunds through the domain-event outbox: never given up while the PG is down, staff told and able to retry."""

from datetime import timedelta

import pytest
from constance import config
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from apps.core.models import EventDelivery
from apps.core.tasks import outbox_relay_pass
from apps.orders.models import Order
from apps.orders.services import cancels
from apps.orders.tests.factories import ProductOptionFactory, order_make
from apps.payments import services
from apps.payments.models import Refund

pytestmark = pytest.mark.django_db(transaction=True)

REFUND_HANDLER = "apps.payments.events.refund_on_cancel_request"


def _paid_order(pg_sandbox) -> tuple[Order, str]:
    order = order_make(items={ProductOptionFactory(stock=10).pk: 1})
    services.payment_start(order=order)
    result = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    return Order.objects.get(pk=order.pk), result["imp_uid"]


def _refund_row(order: Order) -> EventDelivery:
    return EventDelivery.objects.get(handler=REFUND_HANDLER, payload__order_id=order.pk)


@pytest.fixture
def alert_minutes():
    before = config.REFUND_ALERT_MINUTES
    yield
    config.REFUND_ALERT_MINUTES = before


def test_a_refund_while_the_pg_is_down_is_never_given_up_and_made_once_when_it_returns(portone, pg_sandbox):
    """PG down at the cancel and for an hour after: the refund stays open (취소요청), sent again by the relay
    with backoff; once the PG answers the next passes refund it exactly once and the order is 취소."""
    order, imp_uid = _paid_order(pg_sandbox)
    pg_sandbox.inject_fault("error500", count=-1)

    cancels.order_cancel(order=order, actor="shopper")

    row = _refund_row(order)
    assert row.state == EventDelivery.State.FAILING
    assert "PGUnavailable" in row.last_error
    clock = timezone.now()
    for _ in range(15):  # an hour of relay passes (fewer than beat's, each one sends the refund again)
        clock += timedelta(minutes=4)
        portone.breaker.close()
        outbox_relay_pass(now=clock)
    row.refresh_from_db()
    assert row.state == EventDelivery.State.FAILING
    assert row.attempts > 6
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCEL_REQUESTED

    pg_sandbox.inject_fault("none")
    portone.breaker.close()
    for _ in range(2):
        clock += timedelta(seconds=30)
        outbox_relay_pass(now=clock)

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert _refund_row(order).state == EventDelivery.State.DONE
    assert len(pg_sandbox.ledger.payment_get(imp_uid)["cancel_history"]) == 1
    assert Refund.objects.filter(order=order, status=Refund.Status.DONE).count() == 1


def test_staff_get_one_mail_when_a_refund_waits_longer_than_the_runtime_setting(
    portone, pg_sandbox, alert_minutes
):
    """REFUND_ALERT_MINUTES (admin → 운영 설정) after the cancel, staff are mailed once about the refund."""
    get_user_model().objects.create_user(username="ops", email="ops@example.com", is_staff=True)
    config.REFUND_ALERT_MINUTES = 10
    order, _imp_uid = _paid_order(pg_sandbox)
    pg_sandbox.inject_fault("error500", count=-1)
    cancels.order_cancel(order=order, actor="shopper")
    mail.outbox.clear()

    for minutes in (5, 9, 11, 12, 40):
        outbox_relay_pass(now=timezone.now() + timedelta(minutes=minutes))

    alerts = [message for message in mail.outbox if "환불" in message.subject]
    assert len(alerts) == 1
    assert alerts[0].to == ["ops@example.com"]
    assert "환불 1건이 10분 넘게 처리되지 않았어요" in alerts[0].subject
    assert order.merchant_uid in alerts[0].body


def test_staff_retry_a_waiting_refund_from_the_outbox_admin(portone, pg_sandbox, admin_client):
    """An order left 취소요청 by a PG outage: staff find its delivery and 다시 보내기 refunds it."""
    order, imp_uid = _paid_order(pg_sandbox)
    pg_sandbox.inject_fault("error500", count=-1)
    cancels.order_cancel(order=order, actor="shopper")
    pg_sandbox.inject_fault("none")
    portone.breaker.close()

    page = admin_client.get(
        "/admin/core/eventdelivery/", {"q": order.merchant_uid, "state__exact": "failing"}
    )
    row = _refund_row(order)
    assert list(page.context["cl"].queryset) == [row]
    admin_client.post("/admin/core/eventdelivery/", {"action": "send_again", "_selected_action": [row.pk]})

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert len(pg_sandbox.ledger.payment_get(imp_uid)["cancel_history"]) == 1
