"""The seller center's orders: a two-shop order paid once ships as two parcels, each shop sees and ships only
its own; the shopper's page shows the carrier and tracking link; the 발송 CSV; cancel requests; B gets 404."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.tests.factories import UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders.models import CancelRequest, Order, OrderLine, Shipment
from apps.orders.services import cancels, payment_outcomes
from apps.orders.tests.factories import order_make
from apps.payments import services as payment_services
from apps.payments.models import PaymentAttempt, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def sellers():
    """Two members with a shop each, and one product (24,000원, 10 units) of each shop."""
    a, b = SellerFactory(), SellerFactory()
    options = {
        user: ProductOptionFactory(stock=10, product=ProductFactory(seller=user.seller)) for user in (a, b)
    }
    return a, b, options


def _client(client, user) -> Client:
    """A fresh browser logged in as ``user`` (no cookie, and so no message, carried over from another)."""
    client = Client()
    client.force_login(user)
    return client


def _parcel(order, user) -> Shipment:
    return order.shipments.get(seller=user.seller)


def _paid(order):
    return payment_outcomes.order_mark_paid_demo(order=order, imp_uid=f"imp_test_{order.pk}")


def test_a_two_seller_order_paid_once_ships_as_two_parcels(client, sellers, portone, pg_sandbox):
    """One payment at the PG; each seller sees and ships only its own; 배송중 after both; the shopper sees both."""
    seller_a, seller_b, options = sellers
    shopper = UserFactory()
    order = order_make(user=shopper, items={options[seller_a].pk: 1, options[seller_b].pk: 2})
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    assert payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"]).paid
    assert PaymentAttempt.objects.filter(order=order).count() == 1
    assert pg_sandbox.ledger.payment_get(paid["imp_uid"])["amount"] == order.total_amount
    parcel_a, parcel_b = _parcel(order, seller_a), _parcel(order, seller_b)

    client = _client(client, seller_a)

    page_a = client.get(reverse("sellercenter:orders")).content.decode()
    assert order.merchant_uid in page_a
    assert options[seller_a].product.name in page_a
    assert options[seller_b].product.name not in page_a
    client.post(reverse("sellercenter:order-acknowledge", args=[parcel_a.pk]))
    client.post(
        reverse("sellercenter:order-ship", args=[parcel_a.pk]),
        {"carrier": "cj", "tracking_number": "6012-3456-7890"},
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING

    client = _client(client, seller_b)
    page_b = client.get(reverse("sellercenter:order-detail", args=[parcel_b.pk])).content.decode()
    assert options[seller_b].product.name in page_b
    assert options[seller_a].product.name not in page_b
    client.post(
        reverse("sellercenter:order-ship", args=[parcel_b.pk]),
        {"carrier": "lotte", "tracking_number": "123456789012"},
    )

    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPING
    client = _client(client, shopper)
    shopper_page = client.get(order.get_absolute_url()).content.decode()
    assert shopper_page.count('data-testid="parcel"') == 2
    assert "CJ대한통운" in shopper_page
    assert "601234567890" in shopper_page
    assert "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=601234567890" in shopper_page
    assert "롯데택배" in shopper_page
    assert 'target="_blank" rel="noopener"' in shopper_page
    assert options[seller_a].product.seller.business_name in shopper_page


def test_a_bad_tracking_number_is_a_korean_form_error(client, sellers):
    seller_a, _seller_b, options = sellers
    order = _paid(order_make(items={options[seller_a].pk: 1}))
    parcel = _parcel(order, seller_a)

    client = _client(client, seller_a)

    response = client.post(
        reverse("sellercenter:order-ship", args=[parcel.pk]), {"carrier": "epost", "tracking_number": "12345"}
    )

    assert response.status_code == 400
    assert "우체국택배 송장번호는 13자리예요 (입력: 5자리)." in response.content.decode()
    assert Shipment.objects.get(pk=parcel.pk).status == Shipment.Status.NEW


def test_tabs_count_each_status(client, sellers):
    seller_a, _seller_b, options = sellers
    orders = [_paid(order_make(items={options[seller_a].pk: 1})) for _ in range(3)]
    client = _client(client, seller_a)
    client.post(reverse("sellercenter:order-acknowledge", args=[_parcel(orders[0], seller_a).pk]))

    page = client.get(reverse("sellercenter:orders") + "?tab=preparing").content.decode()

    assert 'data-testid="tab-new">신규주문 <strong>2</strong>' in page
    assert 'data-testid="tab-preparing">배송준비중 <strong>1</strong>' in page
    assert page.count('data-testid="shipment-row"') == 1


def test_ticked_parcels_are_acknowledged_and_another_shops_are_not(client, sellers):
    """선택한 주문 발주 확인 moves the seller's ticked parcels to 배송준비중; seller B's id in the form is ignored."""
    seller_a, seller_b, options = sellers
    mine = [_paid(order_make(items={options[seller_a].pk: 1})) for _ in range(2)]
    theirs = _paid(order_make(items={options[seller_b].pk: 1}))
    ids = [_parcel(order, seller_a).pk for order in mine] + [_parcel(theirs, seller_b).pk]
    client = _client(client, seller_a)

    response = client.post(reverse("sellercenter:orders-acknowledge"), {"shipment": ids}, follow=True)

    assert "2건 발주를 확인했어요" in response.content.decode()
    assert [_parcel(order, seller_a).status for order in mine] == [Shipment.Status.PREPARING] * 2
    assert _parcel(theirs, seller_b).status == Shipment.Status.NEW
    assert Order.objects.get(pk=mine[0].pk).status == Order.Status.PREPARING


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(client, sellers, django_assert_max_num_queries):
    """Thirty parcels or three: the list's queries do not grow with its rows."""
    seller_a, _seller_b, options = sellers
    for _ in range(6):
        _paid(order_make(items={options[seller_a].pk: 1}))
    client = _client(client, seller_a)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("sellercenter:orders"))

    assert response.content.decode().count('data-testid="shipment-row"') == 6


def _upload(client, text: str, encoding: str = "utf-8-sig"):
    upload = io.BytesIO(text.encode(encoding))
    upload.name = "ship.csv"
    return client.post(reverse("sellercenter:ship-upload"), {"file": upload})


def test_a_csv_with_a_bad_row_shows_it_and_saves_nothing_until_confirmed(client, sellers):
    """The preview names the bad row in Korean and saves nothing; confirm ships the good rows at once."""
    seller_a, _seller_b, options = sellers
    good, other = (
        _paid(order_make(items={options[seller_a].pk: 1})),
        _paid(order_make(items={options[seller_a].pk: 1})),
    )
    client = _client(client, seller_a)

    response = _upload(
        client,
        f"주문번호,택배사,송장번호\n{good.merchant_uid},CJ대한통운,601234567890\n{other.merchant_uid},번개택배,1\n",
        "cp949",
    )

    body = response.content.decode()
    assert "택배사를 알 수 없어요: &#x27;번개택배&#x27;" in body
    assert "1건 발송 처리" in body
    assert not Shipment.objects.filter(status=Shipment.Status.SHIPPED).exists()
    token = response.context["token"]

    client.post(reverse("sellercenter:ship-upload"), {"token": token})

    assert _parcel(good, seller_a).status == Shipment.Status.SHIPPED
    assert _parcel(other, seller_a).status == Shipment.Status.NEW
    assert Order.objects.get(pk=good.pk).status == Order.Status.SHIPPING


def test_an_unreadable_csv_is_a_form_error(client, sellers):
    seller_a, _seller_b, _options = sellers
    response = _upload(_client(client, seller_a), "a,b\n1,2\n")
    assert response.status_code == 400
    assert "첫 줄에 주문번호, 택배사, 송장번호 열이 있어야 해요" in response.content.decode()


def test_the_export_lists_only_this_shops_parcels_to_send(client, sellers):
    seller_a, seller_b, options = sellers
    mine = _paid(order_make(items={options[seller_a].pk: 1, options[seller_b].pk: 1}))
    order_make(items={options[seller_a].pk: 1})  # unpaid: nobody's work yet

    client = _client(client, seller_a)

    response = client.get(reverse("sellercenter:orders-export"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["주문번호", "결제일", "받는 분"]
    assert [row[0] for row in rows[1:]] == [mine.merchant_uid]
    assert options[seller_b].product.name not in response.content.decode("utf-8-sig")


def test_a_shoppers_formula_reaches_the_shipments_csv_as_text(client, sellers):
    """The shared CSV guard: a delivery note or address that starts a formula (tab too) gets a leading '."""
    seller_a, _seller_b, options = sellers
    order = _paid(order_make(items={options[seller_a].pk: 1}))
    Order.objects.filter(pk=order.pk).update(
        delivery_request='=HYPERLINK("http://evil.example","문 앞")', detail_address="\t+1 101호"
    )

    response = _client(client, seller_a).get(reverse("sellercenter:orders-export"))

    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[7] == '\'=HYPERLINK("http://evil.example","문 앞")'
    assert row[6] == "'\t+1 101호"


def test_cancel_request_approve_records_the_refund(
    client, sellers, portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """After 발주 확인 the shopper's cancel waits; the seller's approval refunds it at the PG."""
    seller_a, _seller_b, options = sellers
    shopper = UserFactory()
    order = order_make(user=shopper, items={options[seller_a].pk: 1})
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"])
    parcel = _parcel(order, seller_a)
    client = _client(client, seller_a)
    client.post(reverse("sellercenter:order-acknowledge", args=[parcel.pk]))
    cancels.order_cancel(order=order, actor=shopper.username)
    request = CancelRequest.objects.get()
    assert (
        "고객 취소 요청"
        in client.get(reverse("sellercenter:order-detail", args=[parcel.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sellercenter:cancel-request-approve", args=[parcel.pk, request.pk]))

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert Refund.objects.get(order=order).amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(paid["imp_uid"])["cancel_amount"] == order.total_amount
    assert _parcel(order, seller_a).status == Shipment.Status.CANCELLED


def test_cancel_request_refused_shows_the_reason_to_the_shopper(client, sellers):
    seller_a, _seller_b, options = sellers
    shopper = UserFactory()
    order = _paid(order_make(user=shopper, items={options[seller_a].pk: 1}))
    parcel = _parcel(order, seller_a)
    client = _client(client, seller_a)
    client.post(reverse("sellercenter:order-acknowledge", args=[parcel.pk]))
    cancels.order_cancel(order=order, actor=shopper.username)
    request = CancelRequest.objects.get()

    empty = client.post(
        reverse("sellercenter:cancel-request-refuse", args=[parcel.pk, request.pk]), {"reason": ""}
    )
    client.post(
        reverse("sellercenter:cancel-request-refuse", args=[parcel.pk, request.pk]),
        {"reason": "이미 포장을 마쳤어요"},
    )

    assert empty.status_code == 400
    assert "거부 사유를 입력해 주세요" in empty.content.decode()
    client = _client(client, shopper)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "판매자가 취소 요청을 거절했어요: 이미 포장을 마쳤어요" in page
    assert order.lines.get().status == OrderLine.Status.ORDERED
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING


def test_another_seller_gets_404_for_every_page_and_action(client, sellers):
    """Seller B reaches none of seller A's parcel pages or actions (GET and POST), and nothing changes."""
    seller_a, seller_b, options = sellers
    shopper = UserFactory()
    order = _paid(order_make(user=shopper, items={options[seller_a].pk: 1}))
    parcel = _parcel(order, seller_a)
    client = _client(client, seller_a)
    client.post(reverse("sellercenter:order-acknowledge", args=[parcel.pk]))
    cancels.order_cancel(order=order, actor=shopper.username)
    request = CancelRequest.objects.get()
    client = _client(client, seller_b)
    detail = reverse("sellercenter:order-detail", args=[parcel.pk])
    posts = [
        (reverse("sellercenter:order-acknowledge", args=[parcel.pk]), {}),
        (
            reverse("sellercenter:order-ship", args=[parcel.pk]),
            {"carrier": "cj", "tracking_number": "601234567890"},
        ),
        (reverse("sellercenter:cancel-request-approve", args=[parcel.pk, request.pk]), {}),
        (reverse("sellercenter:cancel-request-refuse", args=[parcel.pk, request.pk]), {"reason": "안 돼요"}),
    ]

    assert client.get(detail).status_code == 404
    assert client.post(detail).status_code == 404
    for url, data in posts:
        assert client.post(url, data).status_code == 404
        assert client.get(url).status_code == 405  # as for its own seller: actions are POST only
    assert (
        order.merchant_uid
        not in client.get(reverse("sellercenter:orders") + "?tab=cancel_requested").content.decode()
    )
    assert order.merchant_uid not in client.get(reverse("sellercenter:orders-export")).content.decode(
        "utf-8-sig"
    )
    upload = _upload(client, f"주문번호,택배사,송장번호\n{order.merchant_uid},CJ대한통운,601234567890\n")
    assert "내 상점의 주문번호가 아니에요." in upload.content.decode()
    assert Shipment.objects.get(pk=parcel.pk).status == Shipment.Status.PREPARING
    assert CancelRequest.objects.get().status == CancelRequest.Status.WAITING
