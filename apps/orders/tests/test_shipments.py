"""Parcels per seller: shipping charged per shop, 발주 확인 and 발송 처리, the order following its parcels,
cancel requests a seller answers, the 발송 CSV check and the dashboard's figures."""

import datetime

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import ProductFactory
from apps.orders import selectors
from apps.orders.carriers import carrier_find, tracking_number_clean
from apps.orders.models import CancelRequest, Order, OrderLine, Shipment
from apps.orders.pricing import amounts_for
from apps.orders.services import (
    ValidationError,
    cancel_request_approve,
    cancel_request_refuse,
    cancels,
    fulfilment,
    payment_outcomes,
    refund_amount_for,
    shipment_acknowledge,
    shipment_ship,
)
from apps.orders.tests.factories import ProductOptionFactory, order_make

pytestmark = pytest.mark.django_db


def _paid(order):
    return payment_outcomes.order_mark_paid_demo(order=order, imp_uid=f"imp_test_{order.pk}")


def _two_shop_order(user, *, quantity_b: int = 1):
    """A paid order of one 24,000원 line from each of two shops (each below the free-shipping threshold)."""
    a, b = ProductOptionFactory(stock=10), ProductOptionFactory(stock=10)
    order = _paid(order_make(user=user, items={a.pk: 1, b.pk: quantity_b}))
    shipments = {s.seller_id: s for s in order.shipments.all()}
    return order, shipments[a.product.seller_id], shipments[b.product.seller_id]


def test_amounts_charge_shipping_per_seller():
    """Each shop's group pays its own fee unless that group alone reaches the threshold."""
    amounts = amounts_for([(1, 30000, 24000, 1), (2, 30000, 24000, 1), (2, 30000, 24000, 2)])

    assert [(g.seller_id, g.after_discount, g.shipping) for g in amounts.sellers] == [
        (1, 24000, 3000),
        (2, 72000, 0),
    ]
    assert (amounts.shipping, amounts.total) == (3000, 24000 + 72000 + 3000)
    assert amounts.free_shipping_gap == 0
    assert amounts_for([(1, 30000, 24000, 1)]).free_shipping_gap == 26000


def test_a_one_shop_order_prices_as_before_and_has_one_parcel(shopper, option):
    """One shop: one 3,000원 fee below 50,000원, one parcel carrying it, 신규주문."""
    order = order_make(user=shopper, option=option)

    shipment = order.shipments.get()
    assert (order.shipping_fee, order.total_amount) == (3000, 27000)
    assert (shipment.seller_id, shipment.shipping_fee, shipment.status) == (
        option.product.seller_id,
        3000,
        Shipment.Status.NEW,
    )


def test_a_two_shop_order_is_one_order_with_two_parcels_and_two_fees(shopper):
    """Two shops' lines: one order, two parcels, each with its own fee; the order's fee is their sum."""
    order, parcel_a, parcel_b = _two_shop_order(shopper)

    assert Order.objects.filter(user=shopper).count() == 1
    assert (parcel_a.shipping_fee, parcel_b.shipping_fee, order.shipping_fee) == (3000, 3000, 6000)
    assert order.total_amount == 24000 * 2 + 6000


def test_the_order_ships_only_when_both_sellers_shipped(shopper):
    """발주 확인 makes the order 배송준비중; it is 배송중 only after the second shop's parcel left."""
    order, parcel_a, parcel_b = _two_shop_order(shopper)

    shipment_acknowledge(shipment=parcel_a, seller_id=parcel_a.seller_id, actor="a")
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING
    shipment_ship(
        shipment=parcel_a,
        seller_id=parcel_a.seller_id,
        carrier="cj",
        tracking_number="6012-3456-7890",
        actor="a",
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING
    shipment_ship(
        shipment=parcel_b,
        seller_id=parcel_b.seller_id,
        carrier="우체국택배",
        tracking_number="1234567890123",
        actor="b",
    )

    order.refresh_from_db()
    parcel_a.refresh_from_db()
    assert order.status == Order.Status.SHIPPING
    assert (parcel_a.status, parcel_a.carrier, parcel_a.tracking_number) == ("shipped", "cj", "601234567890")
    assert parcel_a.shipped_at is not None
    assert parcel_a.tracking_url.endswith("601234567890")
    assert list(order.history.values_list("to_status", flat=True)) == [
        "pending",
        "paid",
        "preparing",
        "shipping",
    ]


def test_a_seller_cannot_touch_another_sellers_parcel(shopper):
    """Seller A acknowledging or shipping seller B's parcel is refused and changes nothing."""
    _order, parcel_a, parcel_b = _two_shop_order(shopper)

    with pytest.raises(ValidationError):
        shipment_acknowledge(shipment=parcel_b, seller_id=parcel_a.seller_id, actor="a")
    with pytest.raises(ValidationError):
        shipment_ship(
            shipment=parcel_b,
            seller_id=parcel_a.seller_id,
            carrier="cj",
            tracking_number="601234567890",
            actor="a",
        )

    assert Shipment.objects.get(pk=parcel_b.pk).status == Shipment.Status.NEW


@pytest.mark.parametrize(
    ("carrier", "number", "message"),
    [
        ("cj", "12345", "CJ대한통운 송장번호는 10~12자리예요 (입력: 5자리)."),
        ("epost", "12AB", "송장번호는 숫자만 입력해 주세요: '12AB'"),
        ("logen", "", "송장번호를 입력해 주세요."),
    ],
)
def test_tracking_numbers_are_checked_per_carrier(carrier, number, message):
    """Digits only, per-carrier length, a Korean message otherwise."""
    with pytest.raises(ValidationError) as error:
        tracking_number_clean(carrier_find(carrier), number)
    assert error.value.messages == [message]


def test_carriers_are_found_by_name_or_code():
    assert carrier_find("CJ 대한통운").code == "cj"
    assert carrier_find("한진택배").code == "hanjin"
    with pytest.raises(ValidationError, match="택배사를 알 수 없어요"):
        carrier_find("번개택배")


def test_an_unpaid_order_cannot_be_acknowledged(shopper, option):
    order = order_make(user=shopper, option=option)
    shipment = order.shipments.get()
    with pytest.raises(ValidationError, match="결제대기"):
        shipment_acknowledge(shipment=shipment, seller_id=shipment.seller_id, actor="s")


def test_cancel_before_acknowledging_is_immediate(shopper):
    """Before 발주 확인 the shopper's cancel goes straight to the refund, as always."""
    order, _parcel_a, _parcel_b = _two_shop_order(shopper)

    cancels.order_cancel(order=order, actor="shopper")

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCEL_REQUESTED
    assert not CancelRequest.objects.exists()


def test_cancel_after_acknowledging_waits_for_the_seller_then_approve_refunds(
    shopper, django_capture_on_commit_callbacks
):
    """After A's 발주 확인 a whole cancel refunds B's parcel now and asks A; A's approval refunds A's line."""
    order, parcel_a, parcel_b = _two_shop_order(shopper)
    shipment_acknowledge(shipment=parcel_a, seller_id=parcel_a.seller_id, actor="a")

    cancels.order_cancel(order=order, actor="shopper")

    line_a = order.lines.get(seller_id=parcel_a.seller_id)
    line_b = order.lines.get(seller_id=parcel_b.seller_id)
    request = CancelRequest.objects.get()
    assert (request.shipment_id, request.line_ids, request.status) == (parcel_a.pk, [line_a.pk], "waiting")
    assert OrderLine.objects.get(pk=line_a.pk).status == OrderLine.Status.ORDERED
    assert OrderLine.objects.get(pk=line_b.pk).status == OrderLine.Status.CANCEL_REQUESTED
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING
    with pytest.raises(ValidationError):
        cancel_request_approve(cancel_request=request, seller_id=parcel_b.seller_id, actor="b")

    with django_capture_on_commit_callbacks() as callbacks:
        cancel_request_approve(cancel_request=request, seller_id=parcel_a.seller_id, actor="a")

    assert OrderLine.objects.get(pk=line_a.pk).status == OrderLine.Status.CANCEL_REQUESTED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCEL_REQUESTED
    assert CancelRequest.objects.get().status == CancelRequest.Status.APPROVED
    assert callbacks  # the refund is published to payments after commit


def test_refusing_a_cancel_request_keeps_the_order_going(shopper, option):
    """A refusal needs a reason; the line stays ordered and the parcel may ship."""
    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    shipment_acknowledge(shipment=shipment, seller_id=shipment.seller_id, actor="s")
    cancels.order_cancel(order=order, actor="shopper")
    request = CancelRequest.objects.get()
    with pytest.raises(ValidationError, match="취소 요청을 먼저"):
        shipment_ship(
            shipment=shipment,
            seller_id=shipment.seller_id,
            carrier="cj",
            tracking_number="601234567890",
            actor="s",
        )
    with pytest.raises(ValidationError, match="거부 사유"):
        cancel_request_refuse(cancel_request=request, seller_id=shipment.seller_id, reason=" ", actor="s")

    cancel_request_refuse(
        cancel_request=request, seller_id=shipment.seller_id, reason="이미 포장했어요", actor="s"
    )
    shipment_ship(
        shipment=shipment,
        seller_id=shipment.seller_id,
        carrier="cj",
        tracking_number="601234567890",
        actor="s",
    )

    assert CancelRequest.objects.get().refuse_reason == "이미 포장했어요"
    assert order.lines.get().status == OrderLine.Status.ORDERED
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPING


def test_a_parcel_already_sent_cannot_be_cancelled(shopper):
    order, parcel_a, _parcel_b = _two_shop_order(shopper)
    shipment_ship(
        shipment=parcel_a,
        seller_id=parcel_a.seller_id,
        carrier="cj",
        tracking_number="601234567890",
        actor="a",
    )
    line_a = order.lines.get(seller_id=parcel_a.seller_id)

    with pytest.raises(ValidationError, match="이미 발송된"):
        cancels.order_cancel(order=order, actor="shopper", line_ids=[line_a.pk])


def test_a_parcels_fee_comes_back_with_the_refund_that_empties_it(shopper):
    """Cancelling one shop's only line gives back that line and that shop's fee; part of a parcel does not."""
    seller_product = ProductFactory()
    a1 = ProductOptionFactory(stock=10, product=seller_product)
    a2 = ProductOptionFactory(stock=10, product=ProductFactory(seller=seller_product.seller))
    b = ProductOptionFactory(stock=10)
    order = _paid(order_make(user=shopper, items={a1.pk: 1, a2.pk: 1, b.pk: 1}))
    lines = {line.option_id: line for line in order.lines.all()}
    fee_a = order.shipments.get(seller_id=seller_product.seller_id).shipping_fee

    assert refund_amount_for(order=order, line_ids=[lines[a1.pk].pk]) == lines[a1.pk].amount
    assert refund_amount_for(order=order, line_ids=[lines[a1.pk].pk, lines[a2.pk].pk]) == (
        lines[a1.pk].amount + lines[a2.pk].amount + fee_a
    )
    assert refund_amount_for(order=order, line_ids=[lines[b.pk].pk]) == lines[b.pk].amount + 3000


def test_staff_steps_move_the_parcels_along(shopper, option):
    """Staff's admin steps still work; 배송완료 marks the parcels delivered."""
    order = _paid(order_make(user=shopper, option=option))
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        fulfilment.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567890"
        )

    shipment = order.shipments.get()
    assert (shipment.status, shipment.tracking_number) == (Shipment.Status.DELIVERED, "601234567890")
    assert shipment.delivered_at is not None


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def test_the_ship_csv_check_reports_each_bad_row_and_saves_nothing(shopper):
    """Unknown order, another shop's order, bad carrier, short number: each row says why; nothing moves."""
    order, parcel_a, _parcel_b = _two_shop_order(shopper)
    other = _paid(order_make(user=shopper, option=ProductOptionFactory(stock=5)))
    content = _csv(
        "주문번호,택배사,송장번호\n"
        f"{order.merchant_uid},CJ대한통운,6012-3456-7890\n"
        "TM000000-NOPE,CJ대한통운,601234567890\n"
        f"{other.merchant_uid},CJ대한통운,601234567890\n"
        f"{order.merchant_uid},CJ대한통운,601234567890\n",
        "cp949",
    )

    rows = selectors.ship_csv_rows(seller_id=parcel_a.seller_id, content=content)

    assert [row.ok for row in rows] == [True, False, False, False]
    assert rows[0].tracking_number == "601234567890"
    assert rows[1].errors == ["내 상점의 주문번호가 아니에요."]
    assert rows[2].errors == ["내 상점의 주문번호가 아니에요."]
    assert rows[3].errors == ["같은 주문번호가 위에 또 있어요."]
    assert Shipment.objects.get(pk=parcel_a.pk).status == Shipment.Status.NEW


def test_the_ship_csv_reads_utf8_with_a_bom_and_names_missing_columns(shopper):
    order, parcel_a, _parcel_b = _two_shop_order(shopper)
    rows = selectors.ship_csv_rows(
        seller_id=parcel_a.seller_id,
        content=_csv(
            f"\ufeff받는 분,주문번호,택배사,송장번호\n김고객,{order.merchant_uid},한진,1234567890\n"
        ),
    )
    assert rows[0].ok
    assert rows[0].carrier == "hanjin"
    with pytest.raises(ValidationError, match="없는 열: 송장번호"):
        selectors.ship_csv_rows(seller_id=parcel_a.seller_id, content=_csv("주문번호,택배사\nx,y\n"))


def test_dashboard_figures_count_only_the_sellers_own(shopper):
    """Today's orders and sales are the seller's own lines; waiting parcels and cancel requests are counted."""
    order, parcel_a, parcel_b = _two_shop_order(shopper, quantity_b=2)
    shipment_acknowledge(shipment=parcel_b, seller_id=parcel_b.seller_id, actor="b")
    cancels.order_cancel(
        order=order, actor="shopper", line_ids=[order.lines.get(seller_id=parcel_b.seller_id).pk]
    )

    a = selectors.seller_dashboard_figures(seller_id=parcel_a.seller_id, day=timezone.localdate())
    b = selectors.seller_dashboard_figures(seller_id=parcel_b.seller_id, day=timezone.localdate())
    yesterday = selectors.seller_dashboard_figures(
        seller_id=parcel_b.seller_id, day=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert (a.orders_today, a.sales_today, a.waiting_to_ship, a.cancel_requests_waiting) == (1, 24000, 1, 0)
    assert (b.orders_today, b.sales_today, b.waiting_to_ship, b.cancel_requests_waiting) == (1, 48000, 1, 1)
    assert (yesterday.orders_today, yesterday.sales_today) == (0, 0)


def _form_fields(html: str) -> dict[str, str]:
    """Every named input and select of the admin's change form, with the value the page shows."""
    from html.parser import HTMLParser

    fields: dict[str, str] = {}

    class Parser(HTMLParser):
        select: str | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox"):
                fields[attrs["name"]] = attrs.get("value") or ""
            elif tag == "select" and attrs.get("name"):
                self.select = attrs["name"]
                fields[self.select] = ""
            elif tag == "option" and self.select and "selected" in attrs:
                fields[self.select] = attrs.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    Parser().feed(html)
    return fields


def test_staff_put_a_carrier_and_tracking_number_on_a_parcel_in_the_admin(admin_client, shopper, option):
    """The order's page lists its parcels; a carrier and number typed there are checked and saved."""
    order = _paid(order_make(user=shopper, option=option))
    url = f"/admin/orders/order/{order.pk}/change/"
    fields = _form_fields(admin_client.get(url).content.decode())

    admin_client.post(
        url, {**fields, "shipments-0-carrier": "hanjin", "shipments-0-tracking_number": "5012-3456-7890"}
    )

    shipment = order.shipments.get()
    assert (shipment.carrier, shipment.tracking_number) == ("hanjin", "501234567890")
    assert shipment.status == Shipment.Status.NEW


def test_a_refused_cancel_request_mails_the_shopper_the_reason(
    shopper, option, django_capture_on_commit_callbacks
):
    """The shopper is mailed the seller's reason (and that the order goes on)."""
    from django.core import mail

    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    shipment_acknowledge(shipment=shipment, seller_id=shipment.seller_id, actor="s")
    cancels.order_cancel(order=order, actor="shopper")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel_request_refuse(
            cancel_request=CancelRequest.objects.get(),
            seller_id=shipment.seller_id,
            reason="이미 포장했어요",
            actor="s",
        )

    assert [message.subject for message in mail.outbox] == [
        f"[TriMarket] 판매자가 취소 요청을 거절했어요 ({order.merchant_uid})"
    ]
    assert "취소 요청을 거절했어요: 이미 포장했어요" in mail.outbox[0].body
