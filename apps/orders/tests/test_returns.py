"""Returns and exchanges (청약철회): the window, who pays the way back, the partial refund at the PG sandbox for
exactly the returned units, an exchange shipping a new unit, and confirmation held while a request is open."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from apps.catalog.models import ProductOption
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.core.sealed import unseal_json
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, OrderLine, OrderStatusChange, ReturnRequest, Shipment
from apps.orders.services import returns
from apps.orders.services.confirmations import orders_auto_confirm
from apps.orders.services.statuses import OrderStateError
from apps.orders.tests.factories import UserFactory, order_make
from apps.payments import gateway
from apps.payments import services as payment_services
from apps.payments.models import Refund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings():
    from constance import config

    config.ORDERS_RETURN_DAYS, config.ORDERS_RETURN_SHIPPING_FEE, config.ORDERS_AUTO_CONFIRM_DAYS = 7, 3000, 7
    yield
    config.ORDERS_RETURN_DAYS, config.ORDERS_RETURN_SHIPPING_FEE, config.ORDERS_AUTO_CONFIRM_DAYS = 7, 3000, 7


@pytest.fixture
def shop():
    """A seller's 24,000원 product with two options of the same price (10 units each)."""
    seller = SellerFactory()
    product = ProductFactory(seller=seller.seller, name="라운드 니트")
    return (
        seller,
        ProductOptionFactory(product=product, name="아이보리", stock=10),
        ProductOptionFactory(product=product, name="차콜", stock=10),
    )


def _delivered(order: Order, *, days_ago: float = 1) -> Order:
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567890"
        )
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    return Order.objects.get(pk=order.pk)


def _paid_delivered(items: dict, user=None, **kwargs) -> Order:
    order = order_make(user=user or UserFactory(), items=items)
    order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_test_{order.pk}")
    return _delivered(order, **kwargs)


def _ask(order: Order, quantities: dict, *, reason="changed_mind", kind="return", **kwargs) -> ReturnRequest:
    return returns.return_request(
        shipment=order.shipments.get(),
        user=order.user,
        kind=kind,
        reason=reason,
        quantities={line.pk: q for line, q in quantities.items()},
        **kwargs,
    )


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("defect.png", buffer.getvalue(), content_type="image/png")


def test_a_return_may_be_asked_on_day_7_after_delivery_and_not_on_day_8(shop):
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    delivered_at = timezone.make_aware(timezone.datetime(2026, 12, 1, 23, 30))
    Shipment.objects.filter(order=order).update(delivered_at=delivered_at)
    line = order.lines.get()

    with pytest.raises(OrderStateError, match="신청 기간"):
        _ask(order, {line: 1}, reason="defective", now=delivered_at + timedelta(days=7, hours=1))  # 12.9
    request = _ask(
        order, {line: 1}, reason="defective", now=delivered_at + timedelta(days=6, hours=1)
    )  # 12.8

    assert request.status == ReturnRequest.Status.REQUESTED
    assert returns.return_deadline(order.shipments.get()).isoformat() == "2026-12-08"


def test_the_window_is_a_runtime_setting_and_a_parcel_not_delivered_cannot_be_returned(shop):
    from constance import config

    _seller, ivory, _charcoal = shop
    late = _paid_delivered({ivory.pk: 1}, days_ago=9)
    config.ORDERS_RETURN_DAYS = 10
    assert _ask(late, {late.lines.get(): 1}, reason="defective").pk
    shipping = order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_x")
    with pytest.raises(OrderStateError, match="배송이 완료된"):
        _ask(shipping, {shipping.lines.get(): 1}, reason="defective")


def test_the_reason_decides_who_pays_the_way_back(shop):
    """단순 변심: the shopper, 3,000원, twice when the parcel shipped free; 불량·오배송·파손: the seller."""
    _seller, ivory, _charcoal = shop
    paid_fee = _paid_delivered({ivory.pk: 1}).shipments.get()  # 24,000원: 3,000원 shipping
    free = _paid_delivered({ivory.pk: 3}).shipments.get()  # 72,000원: free shipping

    assert paid_fee.shipping_fee == 3000
    assert free.shipping_fee == 0
    assert returns.return_fee_for(shipment=paid_fee, reason="changed_mind") == 3000
    assert returns.return_fee_for(shipment=free, reason="changed_mind") == 6000
    for reason in ("defective", "wrong_item", "damaged"):
        assert returns.return_fee_for(shipment=free, reason=reason) == 0


def test_a_return_is_refunded_at_the_pg_for_exactly_its_units_minus_the_fee(
    shop, portone, pg_sandbox, monkeypatch, django_capture_on_commit_callbacks
):
    """Paid at the sandbox: 2 아이보리 + 1 차콜 (72,000원, free shipping). 1 아이보리 back for 단순 변심: the PG
    cancels 24,000 − 6,000 (왕복) = 18,000원 with the checksum 72,000; the unit is back in stock; the other
    아이보리 stays ordered. A later refund of the rest never gives the deducted 6,000원 back."""
    _seller, ivory, charcoal = shop
    shopper = UserFactory()
    order = order_make(user=shopper, items={ivory.pk: 2, charcoal.pk: 1})
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"])
    order = _delivered(Order.objects.get(pk=order.pk))
    assert order.total_amount == 72000
    sent = []
    real_cancel = gateway.payment_cancel
    monkeypatch.setattr(gateway, "payment_cancel", lambda **kw: sent.append(kw) or real_cancel(**kw))
    ivory_line = order.lines.get(option=ivory)
    stock_before = ProductOption.objects.get(pk=ivory.pk).stock

    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(order, {ivory_line: 1})
        returns.return_approve(request=request, seller_id=ivory.product.seller_id, actor="shop")
        returns.return_tracking_set(
            request=request, carrier="cj", tracking_number="6012-3456-7891", actor="me", user=shopper
        )
        returns.return_collect(request=request, seller_id=ivory.product.seller_id, actor="shop")

    assert [(call["amount"], call["checksum"]) for call in sent] == [(18000, 72000)]
    assert pg_sandbox.ledger.payment_get(paid["imp_uid"])["cancel_amount"] == 18000
    request.refresh_from_db()
    assert (request.status, request.refund_amount, request.kept_amount) == (
        ReturnRequest.Status.REFUNDED,
        18000,
        6000,
    )
    refunded = request.lines.get().refund_line
    assert (refunded.quantity, refunded.status, refunded.option_id) == (
        1,
        OrderLine.Status.REFUNDED,
        ivory.pk,
    )
    assert OrderLine.objects.get(pk=ivory_line.pk).quantity == 1
    assert OrderLine.objects.get(pk=ivory_line.pk).status == OrderLine.Status.ORDERED
    assert ProductOption.objects.get(pk=ivory.pk).stock == stock_before + 1
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Order.Status.DELIVERED, 18000)
    assert Refund.objects.get(order=order).checksum == 72000

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund_request(order=order, actor="staff")

    assert sent[-1]["amount"] == 72000 - 18000 - 6000
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Order.Status.REFUNDED, 66000)


def test_a_defective_return_of_a_whole_parcel_gives_its_shipping_back(
    shop, portone, pg_sandbox, django_capture_on_commit_callbacks
):
    _seller, ivory, _charcoal = shop
    order = order_make(items={ivory.pk: 1})
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"])
    order = _delivered(Order.objects.get(pk=order.pk))
    seller_id = ivory.product.seller_id

    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(order, {order.lines.get(): 1}, reason="defective", photos=[_png()])
        returns.return_approve(request=request, seller_id=seller_id, actor="shop")
        returns.return_collect(request=request, seller_id=seller_id, actor="shop")

    assert request.photos.count() == 1
    assert pg_sandbox.ledger.payment_get(paid["imp_uid"])["cancel_amount"] == 27000
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (Order.Status.REFUNDED, 27000)


def test_an_exchange_takes_the_returned_unit_back_and_ships_a_new_one(
    shop, django_capture_on_commit_callbacks
):
    """Exchanged for 차콜: the 아이보리 comes back into stock on arrival, a 차콜 unit leaves with its own tracking
    number; no money moves."""
    _seller, ivory, charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    seller_id = ivory.product.seller_id
    ivory_stock, charcoal_stock = (ProductOption.objects.get(pk=o.pk).stock for o in (ivory, charcoal))

    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(order, {order.lines.get(): 1}, kind="exchange", exchange_option_id=charcoal.pk)
        returns.return_approve(request=request, seller_id=seller_id, actor="shop")
        returns.return_collect(request=request, seller_id=seller_id, actor="shop")
        assert ProductOption.objects.get(pk=ivory.pk).stock == ivory_stock + 1
        returns.return_exchange_ship(
            request=request, seller_id=seller_id, carrier="cj", tracking_number="601234567899", actor="shop"
        )

    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.EXCHANGE_SHIPPED
    assert request.exchange_tracking_url.endswith("601234567899")
    assert ProductOption.objects.get(pk=charcoal.pk).stock == charcoal_stock - 1
    order.refresh_from_db()
    assert order.refunded_amount == 0
    assert order.lines.get().status == OrderLine.Status.ORDERED
    assert any("교환 상품이 출발했어요" in message.subject for message in mail.outbox)


def test_an_exchange_with_no_stock_left_is_refused_and_takes_nothing(shop):
    _seller, ivory, charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    seller_id = ivory.product.seller_id
    request = _ask(order, {order.lines.get(): 1}, kind="exchange", exchange_option_id=charcoal.pk)
    returns.return_approve(request=request, seller_id=seller_id, actor="shop")
    returns.return_collect(request=request, seller_id=seller_id, actor="shop")
    ProductOption.objects.filter(pk=charcoal.pk).update(stock=0)

    with pytest.raises(OrderStateError, match="재고가 부족"):
        returns.return_exchange_ship(
            request=request, seller_id=seller_id, carrier="cj", tracking_number="601234567899", actor="shop"
        )
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.COLLECTED


def test_an_exchange_for_an_option_at_another_price_is_refused(shop):
    _seller, ivory, _charcoal = shop
    pricier = ProductOptionFactory(product=ivory.product, name="캐시미어", extra_price=5000, stock=5)
    order = _paid_delivered({ivory.pk: 1})
    with pytest.raises(OrderStateError, match="같은 가격"):
        _ask(order, {order.lines.get(): 1}, kind="exchange", exchange_option_id=pricier.pk)


def test_photos_are_checked_and_at_most_three(shop):
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    line = order.lines.get()
    with pytest.raises(OrderStateError, match="3장까지"):
        _ask(order, {line: 1}, reason="defective", photos=[_png() for _ in range(4)])
    with pytest.raises(Exception, match="이미지 파일이 아니거나"):
        _ask(order, {line: 1}, reason="defective", photos=[SimpleUploadedFile("x.png", b"not an image")])
    assert not ReturnRequest.objects.exists()


def test_a_quantity_over_what_is_left_is_refused(shop):
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 2})
    line = order.lines.get()
    _ask(order, {line: 1}, reason="defective")
    with pytest.raises(OrderStateError, match="수량"):
        _ask(order, {line: 2}, reason="defective")


def test_a_new_request_mails_the_shopper_and_the_seller(shop, django_capture_on_commit_callbacks):
    seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(order, {order.lines.get(): 1}, reason="wrong_item")
    recipients = {address for message in mail.outbox for address in message.to}
    assert seller.seller.email in recipients
    assert order.orderer_email in recipients


def test_an_open_return_holds_confirmation_and_a_refused_one_releases_it(shop):
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    from apps.orders.models import OrderStatusChange

    OrderStatusChange.objects.filter(order=order, to_status=Order.Status.DELIVERED).update(
        at=timezone.now() - timedelta(days=8)
    )
    request = _ask(order, {order.lines.get(): 1}, reason="defective", now=timezone.now())

    with pytest.raises(OrderStateError, match="진행 중인 반품"):
        order_services.order_confirm(order=order, user=order.user)
    assert orders_auto_confirm() == 0

    returns.return_refuse(
        request=request, seller_id=None, reason="사진으로는 불량이 보이지 않아요", actor="staff"
    )
    assert orders_auto_confirm() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED


def test_another_seller_cannot_answer_the_request(shop):
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    request = _ask(order, {order.lines.get(): 1}, reason="defective")
    other = SellerFactory()
    with pytest.raises(OrderStateError, match="다른 판매자"):
        returns.return_approve(request=request, seller_id=other.seller.pk, actor="other")
    with pytest.raises(OrderStateError, match="거부 사유"):
        returns.return_refuse(request=request, seller_id=None, reason=" ", actor="staff")


def test_staff_see_the_queue_and_answer_in_admin(shop, admin_client):
    """The admin list filtered to requests waiting on someone, the dashboard's count, and staff's steps."""
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    request = _ask(order, {order.lines.get(): 1}, reason="damaged")

    queue = admin_client.get("/admin/orders/returnrequest/?waiting=yes").content.decode()
    dashboard = admin_client.get("/staff/dashboard/").content.decode()
    admin_client.post("/admin/orders/returnrequest/", {"action": "approve", "_selected_action": [request.pk]})

    assert order.merchant_uid in queue
    assert admin_client.get(f"/admin/orders/returnrequest/{request.pk}/change/").status_code == 200
    assert 'data-testid="kpi-returns-waiting">1<' in dashboard
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.APPROVED


def test_a_deposit_return_needs_the_refund_account_and_sends_it_with_the_refund(
    shop, monkeypatch, django_capture_on_commit_callbacks
):
    """Paid by 가상계좌 (payments' hook says so): no account → a Korean error; with one, the refund event carries it."""
    from apps.core.models import EventDelivery
    from apps.orders import hooks

    monkeypatch.setitem(hooks._providers, "refund_account_required", lambda order: True)
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    line = order.lines.get()
    with pytest.raises(OrderStateError, match="환불받을 계좌"):
        _ask(order, {line: 1}, reason="defective")
    account = {"bank": "004", "account": "12345678901", "holder": "김반품"}
    request = _ask(order, {line: 1}, reason="defective", refund_account=account)
    returns.return_approve(request=request, seller_id=None, actor="staff")
    returns.return_collect(request=request, seller_id=None, actor="staff")

    assert ReturnRequest.objects.get(pk=request.pk).refund_account == account
    with connection.cursor() as cursor:
        cursor.execute("SELECT refund_account FROM orders_returnrequest WHERE id = %s", [request.pk])
        assert "12345678901" not in cursor.fetchone()[0]
    refund_event = EventDelivery.objects.filter(event="order.cancel_requested").latest("pk")
    # The outbox row carries it sealed: staff reading the row see no account number.
    assert "12345678901" not in refund_event.payload["refund_account"]
    assert unseal_json(refund_event.payload["refund_account"]) == account


def test_a_withdrawn_request_frees_confirmation_and_its_units_and_tells_the_seller(
    shop, django_capture_on_commit_callbacks
):
    """Withdrawn before an answer: the order may be confirmed, the units asked again, the seller is mailed."""
    seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 2})
    line = order.lines.get()
    request = _ask(order, {line: 2}, reason="defective")
    with pytest.raises(OrderStateError, match="수량을 넘었어요"):
        _ask(order, {line: 1}, reason="defective")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        returns.return_withdraw(request=request, user=order.user)

    request.refresh_from_db()
    assert (request.status, request.is_open) == (ReturnRequest.Status.WITHDRAWN, False)
    assert request.closed_at is not None
    history = OrderStatusChange.objects.filter(order=order).values_list("note", "actor")
    assert ("반품 신청 철회", order.user.username) in history
    assert seller.seller.email in {address for message in mail.outbox for address in message.to}
    assert any("철회" in message.subject for message in mail.outbox)
    again = _ask(order, {line: 2}, reason="defective")
    returns.return_withdraw(request=again, user=order.user)
    confirmed = order_services.order_confirm(order=Order.objects.get(pk=order.pk), user=order.user)
    assert confirmed.status == Order.Status.CONFIRMED


def test_only_the_owner_withdraws_and_only_before_the_seller_answers(shop):
    """Another member cannot; after approval the shopper hears in Korean that it is too late."""
    seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    request = _ask(order, {order.lines.get(): 1}, reason="defective")
    with pytest.raises(OrderStateError, match="다른 회원"):
        returns.return_withdraw(request=request, user=UserFactory())
    returns.return_approve(request=request, seller_id=seller.seller.pk, actor=seller.username)

    with pytest.raises(OrderStateError, match="철회할 수 없어요"):
        returns.return_withdraw(request=request, user=order.user)
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.APPROVED


def test_the_order_page_offers_withdrawal_with_a_confirm_and_posts_it(shop, client):
    """The 신청 철회 button asks first; after it the request reads 신청 철회 and 구매 확정 is offered again."""
    _seller, ivory, _charcoal = shop
    order = _paid_delivered({ivory.pk: 1})
    request = _ask(order, {order.lines.get(): 1}, reason="defective")
    client.force_login(order.user)

    page = client.get(f"/orders/{order.merchant_uid}/").content.decode()
    response = client.post(f"/orders/{order.merchant_uid}/returns/{request.pk}/withdraw/")
    after = client.get(f"/orders/{order.merchant_uid}/").content.decode()

    assert 'data-testid="return-withdraw" data-confirm="반품 신청을 철회할까요?' in page
    assert response.status_code == 302
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.WITHDRAWN
    assert "반품 · 신청 철회" in after
    assert 'data-testid="return-withdraw"' not in after
    assert "반품 신청을 철회했어요." in after
