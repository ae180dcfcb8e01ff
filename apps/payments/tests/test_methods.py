"""Each payment method end to end against the PG sandbox: the pay page, its window, the webhook, the order.

The shop's pages are driven with the test client; the sandbox posts its webhooks to the live server, as
PortOne posts them to the shop.
"""

import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import ProductOption
from apps.catalog.tests.factories import ProductFactory
from apps.orders.models import Order, OrderLine, StockReservation
from apps.orders.services import carts
from apps.orders.tests.factories import ProductOptionFactory, UserFactory, order_make
from apps.payments import services
from apps.payments.models import PaymentAttempt, Refund
from apps.payments.sandbox.state import Refused

pytestmark = pytest.mark.django_db(transaction=True)


def _pay_with(client, pg_sandbox, live_server, order, method: str, **window) -> dict:
    """Open the pay page for ``method``, do what the shopper does in its window, come back to the shop.

    Returns the sandbox's query to m_redirect_url and the shop's answer to it (``response``).
    """
    page = client.get(reverse("payments:pay", args=[order.merchant_uid]), {"method": method})
    assert page.status_code == 200
    params = dict(page.context["params"])
    # The test client's host is not reachable from the sandbox: its webhooks go to the live server.
    params["notice_url"] = live_server.url + reverse("payments:webhook")
    if "naverProducts" in params:
        params["naverProducts"] = json.dumps(params["naverProducts"], ensure_ascii=False)
    result = pg_sandbox.shopper_pay(**params, **window)
    result["response"] = client.get(reverse("payments:complete"), result)
    return result


@pytest.fixture
def shopper(client):
    user = UserFactory(email="shopper@example.com")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("method", "provider"),
    [("card", "html5_inicis"), ("kakaopay", "kakaopay"), ("naverpay", "naverpay"), ("tosspay", "tosspay")],
)
def test_each_method_pays_the_order_through_its_own_pg(
    client, portone, pg_sandbox, live_server, shopper, method, provider
):
    """Card, 카카오페이, 네이버페이 and 토스페이 each open their PG's window, and the verified payment pays the order."""
    order = order_make(user=shopper, quantity=2)

    result = _pay_with(client, pg_sandbox, live_server, order, method)

    order.refresh_from_db()
    payment = pg_sandbox.ledger.payment_get(result["imp_uid"])
    assert result["imp_success"] == "true"
    assert payment["pg_provider"] == provider
    assert pg_sandbox.webhooks[-1]["status"] == 200
    assert order.status == Order.Status.PAID
    assert PaymentAttempt.objects.get(order=order, status=PaymentAttempt.Status.PAID).method == method
    detail = client.get(order.get_absolute_url()).content.decode()
    assert services.methods.method_label(method) in detail


def test_naverpay_is_asked_with_the_products_it_shows_the_buyer(client, portone, shopper):
    """네이버페이's request carries naverProducts (its window refuses one without them)."""
    order = order_make(user=shopper, quantity=3)

    params = client.get(reverse("payments:pay", args=[order.merchant_uid]), {"method": "naverpay"}).context[
        "params"
    ]

    assert params["pg"] == "naverpay"
    assert params["naverProducts"][0]["count"] == 3
    assert params["naverProducts"][0]["name"] == order.lines.get().product_name


def test_checkout_offers_the_enabled_methods_with_the_last_paid_one_first(
    client, portone, pg_sandbox, live_server, shopper, settings
):
    """Checkout lists the methods PORTONE_METHODS switches on; after a 토스페이 payment 토스페이 comes first."""
    settings.PORTONE_METHODS = {"card": "kcp.T0000", "tosspay": "tosspay", "vbank": "kcp.T0000"}
    option = ProductOptionFactory(stock=10)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)

    first = client.get(reverse("orders:checkout"))
    assert [m["code"] for m in first.context["pay_methods"]] == ["card", "tosspay", "vbank"]
    assert "네이버페이" not in first.content.decode()

    _pay_with(client, pg_sandbox, live_server, order_make(user=shopper), "tosspay")
    again = client.get(reverse("orders:checkout"))

    codes = [m["code"] for m in again.context["pay_methods"]]
    assert codes == ["tosspay", "card", "vbank"]
    assert "최근 사용" in again.content.decode()


def test_checkout_hands_the_chosen_method_to_the_pay_page(client, portone, shopper):
    """The radio the shopper picks goes with the order to the pay page; an unknown one falls back to the first."""
    option = ProductOptionFactory(stock=10)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)
    page = client.get(reverse("orders:checkout"))
    form = {
        "address": "new", "recipient": "김쇼핑", "recipient_phone": "010-1234-5678", "postcode": "04799",
        "road_address": "서울 성동구 성수이로 100", "orderer_name": "김쇼핑", "orderer_phone": "010-1234-5678",
        "expected_total": page.context["amounts"].total, "agree": "on", "pay_method": "vbank",
    }  # fmt: skip

    response = client.post(reverse("orders:checkout"), form)

    order = Order.objects.get(user=shopper)
    assert response["Location"] == reverse("payments:pay", args=[order.merchant_uid]) + "?method=vbank"
    pay = client.get(response["Location"])
    assert pay.context["params"]["pay_method"] == "vbank"
    assert "가상계좌 발급받기" in pay.content.decode()


# --- 가상계좌 ---------------------------------------------------------------------------------------------------


def _vbank_issue(client, pg_sandbox, live_server, order) -> dict:
    return _pay_with(client, pg_sandbox, live_server, order, "vbank", vbank_code="088")


def test_a_virtual_account_is_shown_mailed_and_keeps_the_stock_until_its_deadline(
    client, portone, pg_sandbox, live_server, shopper, settings
):
    """Issued (ready): the order page and a mail give bank, number, holder and deadline; stock held that long."""
    settings.PORTONE_VBANK_DUE_HOURS = 48
    order = order_make(user=shopper, quantity=2)

    result = _vbank_issue(client, pg_sandbox, live_server, order)

    payment = pg_sandbox.ledger.payment_get(result["imp_uid"])
    assert payment["status"] == "ready"
    assert pg_sandbox.webhooks[-1]["body"]["status"] == "ready"
    assert result["response"]["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    deadline = datetime.datetime.fromtimestamp(payment["vbank_date"], tz=datetime.UTC)
    assert abs(deadline - (timezone.now() + datetime.timedelta(hours=48))) < datetime.timedelta(minutes=2)
    reservation = StockReservation.objects.get(order=order)
    assert reservation.state == StockReservation.State.HELD
    assert reservation.expires_at == deadline

    page = client.get(order.get_absolute_url()).content.decode()
    assert "입금 안내" in page
    for text in ("신한은행", payment["vbank_num"], payment["vbank_holder"], "입금 기한"):
        assert text in page
    assert timezone.localtime(deadline).strftime("%Y.%m.%d") in page
    vbank_mails = [m for m in mail.outbox if "가상계좌 입금 안내" in m.subject]
    assert len(vbank_mails) == 1
    assert payment["vbank_num"] in vbank_mails[0].body
    assert vbank_mails[0].to == [order.orderer_email]


def test_the_deposit_webhook_pays_the_vbank_order(client, portone, pg_sandbox, live_server, shopper):
    """입금: the sandbox posts status paid; the shop asks the PG and marks the order 결제완료."""
    order = order_make(user=shopper)
    result = _vbank_issue(client, pg_sandbox, live_server, order)

    pg_sandbox.vbank_deposit(result["imp_uid"])

    assert pg_sandbox.webhooks[-1]["body"] == {
        "imp_uid": result["imp_uid"], "merchant_uid": order.merchant_uid, "status": "paid"
    }  # fmt: skip
    assert pg_sandbox.webhooks[-1]["status"] == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert StockReservation.objects.get(order=order).state == StockReservation.State.COMMITTED
    assert PaymentAttempt.objects.get(order=order, status=PaymentAttempt.Status.PAID).method == "vbank"
    page = client.get(order.get_absolute_url()).content.decode()
    assert "입금 안내" not in page
    assert "가상계좌 ·" in page


def test_a_webhook_saying_paid_for_an_undeposited_account_changes_nothing(
    client, portone, pg_sandbox, live_server, shopper
):
    """The webhook's body is never believed: the PG still says ready, so the order keeps waiting."""
    order = order_make(user=shopper)
    result = _vbank_issue(client, pg_sandbox, live_server, order)
    body = {"imp_uid": result["imp_uid"], "merchant_uid": order.merchant_uid, "status": "paid"}

    assert client.post(reverse("payments:webhook"), body, content_type="application/json").status_code == 200

    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_an_unpaid_deadline_expires_the_order_and_returns_its_stock(
    client, portone, pg_sandbox, live_server, shopper, settings
):
    """기한 만료: the account takes no deposit, reconciliation learns the deadline passed, the stock is back."""
    order = order_make(user=shopper, quantity=4)
    option_id = order.lines.get().option_id
    result = _vbank_issue(client, pg_sandbox, live_server, order)
    assert ProductOption.objects.get(pk=option_id).stock == 6

    pg_sandbox.vbank_expire(result["imp_uid"])
    later = timezone.now() + datetime.timedelta(seconds=settings.PAYMENTS_RECONCILE_AFTER_SECONDS + 1)
    services.payments_reconcile(now=later)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == Order.CancelReason.EXPIRED
    assert ProductOption.objects.get(pk=option_id).stock == 10
    with pytest.raises(Refused):
        pg_sandbox.vbank_deposit(result["imp_uid"])
    assert "입금 안내" not in client.get(order.get_absolute_url()).content.decode()


def test_cancelling_an_order_waiting_for_its_deposit_closes_the_account_at_the_pg(
    client, portone, pg_sandbox, live_server, shopper
):
    """주문 취소 before the deposit: the order is cancelled, its stock back, and the 가상계좌 revoked (DELETE /vbanks)."""
    order = order_make(user=shopper, quantity=3)
    result = _vbank_issue(client, pg_sandbox, live_server, order)

    client.post(reverse("orders:cancel", args=[order.merchant_uid]))

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 10
    assert pg_sandbox.ledger.calls[f"DELETE /vbanks/{result['imp_uid']}"] == 1
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["status"] == "cancelled"
    with pytest.raises(Refused):
        pg_sandbox.vbank_deposit(result["imp_uid"])
    assert PaymentAttempt.objects.get(order=order).status == PaymentAttempt.Status.CANCELLED


def test_refunding_a_deposit_sends_the_buyers_refund_account_to_the_pg(
    client, portone, pg_sandbox, live_server, shopper
):
    """취소 of a deposited order asks for the refund account and sends it with the cancel (refund_holder …)."""
    order = order_make(user=shopper, quantity=2)
    result = _vbank_issue(client, pg_sandbox, live_server, order)
    pg_sandbox.vbank_deposit(result["imp_uid"])
    page = client.get(order.get_absolute_url()).content.decode()
    assert "환불받을 계좌" in page

    refused = client.post(reverse("orders:cancel", args=[order.merchant_uid]), follow=True)
    assert "환불받을 계좌" in refused.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert pg_sandbox.ledger.cancel_requests == []

    client.post(
        reverse("orders:cancel", args=[order.merchant_uid]),
        {"refund_bank": "004", "refund_account": "123-45-6789012", "refund_holder": "김환불"},
    )

    order.refresh_from_db()
    sent = pg_sandbox.ledger.cancel_requests[-1]
    assert sent["refund_holder"] == "김환불"
    assert sent["refund_bank"] == "004"
    assert sent["refund_account"] == "123456789012"
    assert sent["checksum"] == order.total_amount
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["status"] == "cancelled"
    assert order.status == Order.Status.CANCELLED
    refund = Refund.objects.get(order=order)
    assert refund.status == Refund.Status.DONE
    # Sealed at rest: the refund's column and the outbox rows that carried it hold no account number.
    assert refund.refund_account["account"] == "123456789012"
    with connection.cursor() as cursor:
        cursor.execute("SELECT refund_account FROM payments_refund WHERE id = %s", [refund.pk])
        assert "6789012" not in cursor.fetchone()[0]
        cursor.execute("SELECT payload FROM core_eventdelivery WHERE event = 'order.cancel_requested'")
        payloads = [row[0] for row in cursor.fetchall()]
    assert payloads
    assert not any("6789012" in payload for payload in payloads)


def test_staff_refund_a_deposit_from_admin_with_the_account_typed_beside_the_action(
    client, admin_client, portone, pg_sandbox, live_server, shopper
):
    """Admin 전액 환불 of a 가상계좌 order: refused without (or with a malformed) account, sent to the PG with it."""
    order = order_make(user=shopper, quantity=2)
    result = _vbank_issue(client, pg_sandbox, live_server, order)
    pg_sandbox.vbank_deposit(result["imp_uid"])
    action = {"action": "refund_orders", "_selected_action": [order.pk]}

    missing = admin_client.post("/admin/orders/order/", action, follow=True).content.decode()
    malformed = admin_client.post(
        "/admin/orders/order/",
        {**action, "refund_bank": "4", "refund_account": "123-45-6789012", "refund_holder": "김환불"},
        follow=True,
    ).content.decode()
    assert "환불 계좌의 은행 코드" in missing
    assert "은행 코드는 숫자 3자리" in malformed
    assert pg_sandbox.ledger.cancel_requests == []
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID

    admin_client.post(
        "/admin/orders/order/",
        {**action, "refund_bank": "004", "refund_account": "123-45-6789012", "refund_holder": "김환불"},
    )

    sent = pg_sandbox.ledger.cancel_requests[-1]
    assert (sent["refund_bank"], sent["refund_account"], sent["refund_holder"]) == (
        "004",
        "123456789012",
        "김환불",
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert Refund.objects.get(order=order).status == Refund.Status.DONE


def test_a_partial_cancel_sends_the_amount_and_the_checksum(
    client, portone, pg_sandbox, live_server, shopper
):
    """A cancel of one line asks the PG for that line's amount, with what was refundable before as checksum.

    Both lines are of one shop, so the parcel keeps a line and its shipping fee is not given back."""
    first = ProductOptionFactory(stock=5)
    second = ProductOptionFactory(stock=5, product=ProductFactory(seller=first.product.seller))
    order = order_make(user=shopper, items={first.pk: 1, second.pk: 1})
    _pay_with(client, pg_sandbox, live_server, order, "kakaopay")
    order.refresh_from_db()
    line = order.lines.get(option_id=first.pk)

    client.post(reverse("orders:cancel", args=[order.merchant_uid]), {"lines": [line.pk]})

    sent = pg_sandbox.ledger.cancel_requests[-1]
    assert int(sent["amount"]) == line.amount
    assert int(sent["checksum"]) == order.total_amount
    assert OrderLine.objects.get(pk=line.pk).status == OrderLine.Status.CANCELLED


def test_an_order_waiting_for_its_deposit_is_not_paid_a_second_way(
    client, portone, pg_sandbox, live_server, shopper
):
    """While the 가상계좌 is open the pay page sends the shopper back to it, and the order page has no 결제하기."""
    order = order_make(user=shopper)
    _vbank_issue(client, pg_sandbox, live_server, order)

    response = client.get(reverse("payments:pay", args=[order.merchant_uid]), {"method": "card"})

    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert "결제하기" not in client.get(order.get_absolute_url()).content.decode()
    assert PaymentAttempt.objects.filter(order=order).count() == 1


def test_staff_see_a_refund_account_masked(admin_client, portone):
    """The refund's admin page shows the buyer's account by its last four digits, not even its length."""
    order = order_make()
    refund = Refund.objects.create(
        order=order, imp_uid="imp_1", amount=1000, checksum=1000, reason="고객 요청 취소",
        status=Refund.Status.DONE, refund_account={"bank": "004", "account": "123456789012", "holder": "김환불"},
    )  # fmt: skip

    page = admin_client.get(reverse("admin:payments_refund_change", args=[refund.pk])).content.decode()

    assert "004 ****9012 (김환불)" in page
    assert "12345678" not in page
