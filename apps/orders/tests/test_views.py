"""Checkout and order pages: placing through the form, my orders, access, cancel, confirm, admin desk."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.catalog import hooks
from apps.catalog.models import ProductOption
from apps.orders.models import Order, StockReservation
from apps.orders.services import cancels, carts, fulfilment, payment_outcomes
from apps.orders.tests.factories import ProductOptionFactory, ShippingAddressFactory, UserFactory, order_make

pytestmark = pytest.mark.django_db


def _paid(order):
    return payment_outcomes.order_mark_paid_demo(order=order, imp_uid=f"imp_test_{order.pk}")


def test_checkout_places_a_pending_order_and_goes_to_payment(client, shopper, option):
    """결제하기 with a saved address creates the pending order, reserves stock and opens the payment step."""
    address = ShippingAddressFactory(user=shopper, is_default=True)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=2)
    client.force_login(shopper)
    page = client.get(reverse("orders:checkout"))
    assert page.status_code == 200

    response = client.post(
        reverse("orders:checkout"),
        {
            "address": address.pk,
            "orderer_name": "김고객",
            "orderer_phone": "010-1111-2222",
            "orderer_email": "buyer@example.com",
            "delivery_request": "문 앞에 놓아 주세요",
            "expected_total": page.context["amounts"].total,
            "agree": "on",
        },
    )

    order = Order.objects.get(user=shopper)
    assert response["Location"] == reverse("payments:pay", args=[order.merchant_uid]) + "?method=card"
    assert order.status == Order.Status.PENDING
    assert order.road_address == address.road_address
    assert order.total_amount == 48000 + 3000
    assert ProductOption.objects.get(pk=option.pk).stock == 8


def test_checkout_with_a_new_address_saves_it_when_asked(client, shopper, option):
    """A new address is validated (postcode 5 digits) and saved to the address book on request."""
    carts.cart_item_add(user=shopper, option_id=option.pk)
    client.force_login(shopper)
    data = {"address": "new", "recipient": "박받는", "recipient_phone": "010-3333-4444", "postcode": "123",
            "road_address": "서울 중구 세종대로 110", "orderer_name": "김고객", "orderer_phone": "010-1111-2222",
            "expected_total": 27000, "agree": "on", "save_address": "on"}  # fmt: skip

    assert client.post(reverse("orders:checkout"), data).status_code == 200
    data["postcode"] = "04524"
    client.post(reverse("orders:checkout"), data)

    assert Order.objects.get(user=shopper).recipient == "박받는"
    assert shopper.addresses.get().postcode == "04524"


def _new_address_fields(html: str) -> str:
    return re.search(r"<div class=\"new-address\" data-new-address[^>]*>", html).group(0)


def test_checkout_renders_the_new_address_fields_hidden_when_an_address_is_saved(client, shopper, option):
    """With a default address chosen, the new-address fields come hidden from the server (nothing moves when
    checkout.js runs); a shopper without an address gets them shown."""
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)
    client.force_login(shopper)
    assert " hidden" not in _new_address_fields(client.get(reverse("orders:checkout")).content.decode())

    ShippingAddressFactory(user=shopper, is_default=True)
    html = client.get(reverse("orders:checkout")).content.decode()

    assert _new_address_fields(html).endswith(" hidden>")
    assert 'value="new" checked' not in html


def test_checkout_shows_the_new_address_fields_when_new_is_posted_back(client, shopper, option):
    """A new address posted with an error comes back with its fields shown, though an address is saved."""
    ShippingAddressFactory(user=shopper, is_default=True)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)
    client.force_login(shopper)

    response = client.post(reverse("orders:checkout"), {"address": "new", "agree": "on"})

    assert response.status_code == 200
    assert " hidden" not in _new_address_fields(response.content.decode())


def test_checkout_needs_login(client):
    """A guest is sent to log in first (the cart comes along)."""
    response = client.get(reverse("orders:checkout"))
    assert response["Location"].startswith("/accounts/login/")


def test_another_users_order_can_be_neither_seen_paid_nor_cancelled(client, shopper):
    """Someone else's order number is a 404 on the detail, pay, payment return, cancel and confirm."""
    order = order_make(user=UserFactory())
    client.force_login(shopper)

    assert client.get(reverse("orders:detail", args=[order.merchant_uid])).status_code == 404
    assert client.get(reverse("payments:pay", args=[order.merchant_uid])).status_code == 404
    assert (
        client.get(
            reverse("payments:complete"), {"merchant_uid": order.merchant_uid, "imp_uid": "imp_x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("orders:cancel", args=[order.merchant_uid])).status_code == 404
    assert client.post(reverse("orders:confirm", args=[order.merchant_uid])).status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    assert order.merchant_uid not in client.get(reverse("orders:list")).content.decode()


def test_my_orders_show_status_within_a_query_budget(client, django_assert_max_num_queries, shopper):
    """My orders lists each order with its status; queries do not grow with orders."""
    for _ in range(5):
        _paid(order_make(user=shopper))
    client.force_login(shopper)
    client.get(reverse("orders:list"))

    with django_assert_max_num_queries(10):
        page = client.get(reverse("orders:list"))

    assert page.content.decode().count("결제완료") == 5


def test_order_detail_query_budget(client, django_assert_max_num_queries, shopper):
    """The detail page of a 4-line order stays within its budget."""
    order = _paid(order_make(user=shopper, items={ProductOptionFactory().pk: 1 for _ in range(4)}))
    client.force_login(shopper)
    # The member's personal data (cart count, hearts, products bought) is read once, then cached until they
    # change something (apps/core/personal.py): the budget is the page's own.
    client.get(order.get_absolute_url())

    with django_assert_max_num_queries(12):
        page = client.get(order.get_absolute_url())

    assert page.status_code == 200


def test_cancel_before_payment_releases_stock(client, shopper, option):
    """주문 취소 of a pending order cancels it and the units go back."""
    order = order_make(user=shopper, option=option, quantity=3)
    client.force_login(shopper)

    client.post(reverse("orders:cancel", args=[order.merchant_uid]))

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert StockReservation.objects.get(order=order).state == StockReservation.State.RELEASED
    assert ProductOption.objects.get(pk=option.pk).stock == 10


def test_no_cancel_once_shipped(client, shopper):
    """After 배송중 the order cannot be cancelled from the page."""
    order = _paid(order_make(user=shopper))
    fulfilment.order_status_advance(order=order, to_status=Order.Status.PREPARING, actor="staff")
    fulfilment.order_status_advance(
        order=order, to_status=Order.Status.SHIPPING, actor="staff", tracking_number="123"
    )
    client.force_login(shopper)

    client.post(reverse("orders:cancel", args=[order.merchant_uid]))

    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPING


def test_purchase_confirmation_opens_the_review(client, shopper, option):
    """구매 확정 makes the line reviewable through catalog's hook; the page links to the review form."""
    order = _paid(order_make(user=shopper, option=option))
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING):
        fulfilment.order_status_advance(order=order, to_status=step, actor="staff", tracking_number="6001")
    assert not hooks.reviewable_order_line_ids(user=shopper, product_id=option.product_id)
    client.force_login(shopper)

    client.post(reverse("orders:confirm", args=[order.merchant_uid]))
    page = client.get(order.get_absolute_url()).content.decode()

    line = order.lines.get()
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
    assert hooks.reviewable_order_line_ids(user=shopper, product_id=option.product_id) == {line.pk}
    assert f"?order_line={line.pk}" in page


def test_each_status_change_publishes_and_mails(django_capture_on_commit_callbacks, shopper):
    """Every step publishes order.<status>; the subscriber mails the shopper."""
    order = order_make(user=shopper)
    with django_capture_on_commit_callbacks(execute=True):
        _paid(order)
        fulfilment.order_status_advance(order=order, to_status=Order.Status.PREPARING, actor="staff")
        fulfilment.order_status_advance(
            order=order, to_status=Order.Status.SHIPPING, actor="staff", tracking_number="612345"
        )

    subjects = [message.subject for message in mail.outbox]
    assert any("주문이 접수되었어요" in s for s in subjects)
    assert any("상품을 준비하고 있어요" in s for s in subjects)
    assert any("상품이 출발했어요" in s for s in subjects)
    assert "612345" in mail.outbox[-1].body


def test_admin_bulk_actions_move_orders_and_need_a_tracking_number(admin_client, shopper):
    """Staff move paid orders along in bulk; 배송중 is refused for orders without a tracking number."""
    orders = [_paid(order_make(user=shopper)) for _ in range(3)]
    url = reverse("admin:orders_order_changelist")
    ids = [order.pk for order in orders]

    admin_client.post(url, {"action": "advance_to_preparing", "_selected_action": ids})
    fulfilment.order_tracking_set(order=orders[0], tracking_number="600011", actor="admin")
    admin_client.post(url, {"action": "advance_to_shipping", "_selected_action": ids})

    statuses = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ids[0]: "shipping", ids[1]: "preparing", ids[2]: "preparing"}
    page = admin_client.get(url + "?status__exact=shipping")
    assert page.status_code == 200
    assert orders[0].merchant_uid in page.content.decode()


def test_admin_search_and_needs_check_filter(admin_client, shopper):
    """Staff find an order by number and see 확인필요 orders through the status filter."""
    order = order_make(user=shopper)
    payment_outcomes.order_mark_needs_check(order=order, reason="결제 금액 불일치")

    page = admin_client.get(
        reverse("admin:orders_order_changelist"), {"status__exact": "needs_check", "q": order.merchant_uid}
    )

    assert order.merchant_uid in page.content.decode()
    assert admin_client.get(reverse("admin:orders_order_change", args=[order.pk])).status_code == 200


def test_a_live_drops_late_buyers_are_told_sold_out_without_the_database(
    client, shopper, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Once the last unit went, 결제하기 of a 바로 구매 is answered 품절 from the cache, without a query; when a
    reservation gives the unit back, the next buyer can order it again."""
    option = ProductOptionFactory(stock=1)
    client.force_login(shopper)
    client.post(
        reverse("orders:cart-add"),
        {"product": option.product_id, "option": option.pk, "quantity": 1, "action": "buy"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = order_make(user=UserFactory(), option=option)

    with django_assert_max_num_queries(0):
        response = client.post(reverse("orders:checkout") + "?now=1", {"agree": "on"})

    assert response["Location"] == option.product.get_absolute_url()
    shown = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert any("품절" in message for message in shown)

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_cancel(order=first, actor="staff")
    page = client.get(reverse("orders:checkout") + "?now=1")

    assert [line.option.pk for line in page.context["lines"]] == [option.pk]
