"""정산 pages: a seller reads its own statements (list, detail with the orders behind it, CSV), never another's."""

import csv
import io
from datetime import date

import pytest

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, OrderStatusChange
from apps.orders.tests.factories import order_make
from apps.reports.models import SellerStatement
from apps.reports.registry import Period
from apps.reports.services import job_run
from apps.reports.tests.factories import seoul

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)


def confirmed_order(*, seller, price: int, quantity: int = 1, day: date = DAY) -> Order:
    """An order of one of ``seller``'s products, paid, delivered and confirmed by its shopper on ``day``."""
    option = ProductOptionFactory(product=ProductFactory(seller=seller, list_price=price, sale_price=price))
    order = order_make(items={option.pk: quantity})
    order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_test_{order.pk:08d}")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order_services.order_status_advance(order=order, to_status=step, actor="staff", tracking_number="1")
    order = order_services.order_confirm(order=order, user=order.user)
    OrderStatusChange.objects.filter(order=order, to_status=Order.Status.CONFIRMED).update(at=seoul(day, 15))
    return order


@pytest.fixture
def two_shops():
    """Shops A and B, each with one order confirmed on DAY, settled by the daily job."""
    member_a, member_b = SellerFactory(), SellerFactory()
    order_a = confirmed_order(seller=member_a.seller, price=20000)
    order_b = confirmed_order(seller=member_b.seller, price=70000)
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))
    return member_a, member_b, order_a, order_b


def test_the_list_shows_the_months_days_with_totals_and_status(client, two_shops):
    """A's November: its day (20,000 + 3,000 shipping), 정산예정, payout date; nothing of B's."""
    member_a, _member_b, _order_a, _order_b = two_shops
    client.force_login(member_a)

    body = client.get("/seller/statements/?month=2026-11").content.decode()

    # 23,000: PG fee 759, commission 20,000 × 5% = 1,000 → payout 21,241.
    assert "23,000원" in body
    assert "21,241원" in body
    assert "정산예정" in body
    assert "11월 17일" in body
    assert "70,000원" not in body


def test_the_detail_lists_the_orders_behind_the_statement(client, two_shops):
    """주문번호, 구매확정일, 판매금액 and the commission rate of each line."""
    member_a, _member_b, order_a, _order_b = two_shops
    statement = SellerStatement.objects.get(seller=member_a.seller)
    client.force_login(member_a)

    body = client.get(f"/seller/statements/{statement.pk}/").content.decode()

    assert order_a.merchant_uid in body
    assert "11월 10일 15:00" in body
    assert "20,000원" in body
    assert "5%" in body
    assert "정산 금액" in body


def test_another_sellers_statement_is_a_404_for_get_and_post(client, two_shops):
    """Seller B gets 404 for A's statement, whatever the method; A's own POST is not allowed."""
    member_a, member_b, _order_a, _order_b = two_shops
    statement = SellerStatement.objects.get(seller=member_a.seller)
    client.force_login(member_b)

    assert client.get(f"/seller/statements/{statement.pk}/").status_code == 404
    assert client.post(f"/seller/statements/{statement.pk}/").status_code == 404
    client.force_login(member_a)
    assert client.post(f"/seller/statements/{statement.pk}/").status_code == 405
    assert SellerStatement.objects.get(pk=statement.pk).status == SellerStatement.Status.SCHEDULED


def test_the_csv_is_the_sellers_own_month_with_korean_headers(client, two_shops):
    """UTF-8 with a BOM, Korean headers, A's row only, numbers as numbers."""
    member_a, _member_b, _order_a, _order_b = two_shops
    client.force_login(member_a)

    response = client.get("/seller/statements/export.csv?month=2026-11")

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["구매확정일", "구분", "주문 수", "판매 수량", "판매금액"]
    assert rows[1][:5] == ["2026-11-10", "일별", "1", "1", "23000"]
    assert rows[1][13:16] == ["21241", "2026-11-17", "정산예정"]
    assert len(rows) == 2


def test_a_month_that_cannot_be_read_shows_this_month(client, two_shops):
    """?month=garbage is this month, not an error."""
    member_a, *_rest = two_shops
    client.force_login(member_a)

    response = client.get("/seller/statements/?month=2026-99")

    assert response.status_code == 200
    assert "이 달에 구매확정된 주문이 없어요" in response.content.decode()
