"""Settlement: hand-made orders of one shop in two categories, a partial cancel and a whole cancel, settled by
day and month.

The figures below are worked out by hand (PAYMENTS_PG_FEE_RATE 0.033, fee rounded half up per row):

Day 1 (2026-10-14)
- order 1, paid 10:00: P1 (shop S, 카테고리 A) 30,000→24,000 × 2 and P2 (S, 카테고리 B) 10,000 × 1;
  58,000원 ≥ 50,000원, free shipping (order count on the row of its first line, S/A); 15:00 the P2 line is
  cancelled: 10,000원 back, on S/B.
- order 2, paid 11:00: P2 (S) × 2 = 20,000원 + 3,000원 shipping = 23,000원.
- order 3, placed 20:00 while S's broadcast was on air: P3 (S, 카테고리 A) 20,000→15,000 × 1
  + 3,000원 shipping = 18,000원. Every line is settled to the shop that sold it, on air or not.
Day 2 (2026-10-15)
- 11:00 order 2 is cancelled whole: 23,000원 back (its line 20,000 + the shipping 3,000).

Rows                  orders qty  gross   disc.  ship.  refunds  charged  PG fee  net
D1 S / A (orders 1, 3)    2    3  80,000  17,000 3,000        0   66,000   2,178   63,822
D1 S / B                  1    3  30,000       0 3,000   10,000   23,000     759   22,241
D2 S / B                  0    0       0       0     0   23,000  -23,000    -759  -22,241
October S / B             1    3  30,000       0 3,000   33,000        0       0        0
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import CategoryFactory, ProductOptionFactory
from apps.live.models import Broadcast
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, own_product
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.orders.tests.factories import UserFactory, order_make
from apps.payments.models import Refund
from apps.reports.models import JobRun, Settlement
from apps.reports.registry import Period
from apps.reports.selectors.dashboard import sales_daily, sales_monthly, top_products
from apps.reports.selectors.statistics import buyers_by_channel
from apps.reports.services import job_run
from apps.reports.tests.factories import order_paid, seoul

pytestmark = pytest.mark.django_db

DAY_1 = date(2026, 10, 14)
DAY_2 = date(2026, 10, 15)
FIELDS = ("orders", "quantity", "gross", "discounts", "shipping", "refunds", "pg_fees", "net")


def _at(order: Order, *, placed, paid) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=placed, paid_at=paid)


def _refunds_at(order: Order, when) -> None:
    Refund.objects.filter(order=order, created_at__gte=timezone.now() - timedelta(minutes=5)).update(
        created_at=when
    )


@pytest.fixture
def month_of_orders(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """The orders, payments and cancels of the module docstring; returns the categories and the shop."""
    category_a, category_b = CategoryFactory(name="패션"), CategoryFactory(name="식품")
    broadcast = BroadcastFactory()
    # P1 and P2 come from one shop, so order 1 is one parcel with one shipping fee (charged per seller).
    p1 = ProductOptionFactory(
        product=own_product(broadcast, category=category_a, list_price=30000, sale_price=24000)
    )
    p2 = ProductOptionFactory(
        product=own_product(broadcast, category=category_b, list_price=10000, sale_price=10000)
    )
    p3 = ProductOptionFactory(
        product=own_product(broadcast, category=category_a, list_price=20000, sale_price=15000)
    )
    BroadcastProductFactory(broadcast=broadcast, product=p3.product)
    BroadcastProductFactory(broadcast=broadcast, product=p2.product)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=Broadcast.Status.ENDED, started_at=seoul(DAY_1, 19), ended_at=seoul(DAY_1, 21)
    )
    shopper = UserFactory()

    order_1 = order_paid(pg_sandbox, order_make(user=shopper, items={p1.pk: 2, p2.pk: 1}))
    order_2 = order_paid(pg_sandbox, order_make(user=UserFactory(), items={p2.pk: 2}))
    order_3 = order_paid(pg_sandbox, order_make(user=UserFactory(), items={p3.pk: 1}))
    assert (order_1.total_amount, order_2.total_amount, order_3.total_amount) == (58000, 23000, 18000)
    _at(order_1, placed=seoul(DAY_1, 9), paid=seoul(DAY_1, 10))
    _at(order_2, placed=seoul(DAY_1, 10), paid=seoul(DAY_1, 11))
    _at(order_3, placed=seoul(DAY_1, 20), paid=seoul(DAY_1, 20))

    p2_line = order_1.lines.get(option=p2)
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(order=order_1, actor="shopper", line_ids=[p2_line.pk])
    _refunds_at(order_1, seoul(DAY_1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(order=Order.objects.get(pk=order_2.pk), actor="shopper")
    _refunds_at(order_2, seoul(DAY_2, 11))
    assert Order.objects.get(pk=order_1.pk).refunded_amount == 10000
    assert Order.objects.get(pk=order_2.pk).status == Order.Status.CANCELLED
    return category_a, category_b, broadcast.seller.seller


def _rows(kind: str, start: date, end: date) -> dict:
    return {
        (row.period_start, row.seller_id, row.category_id): tuple(getattr(row, name) for name in FIELDS)
        for row in Settlement.objects.filter(kind=kind, period_start__gte=start, period_start__lt=end)
    }


def test_daily_settlement_of_hand_made_orders(month_of_orders):
    """Sales count on the day they were paid, refunds (partial and whole) on the day they were made; each
    line goes to the shop that sold it; PG fees come off per row."""
    category_a, category_b, shop = month_of_orders

    for day in (DAY_1, DAY_2):
        job_run(job="orders.settlement_daily", period=Period.day(day))

    assert _rows(Settlement.Kind.DAY, DAY_1, DAY_2 + timedelta(days=1)) == {
        (DAY_1, shop.pk, category_a.pk): (2, 3, 80000, 17000, 3000, 0, 2178, 63822),
        (DAY_1, shop.pk, category_b.pk): (1, 3, 30000, 0, 3000, 10000, 759, 22241),
        (DAY_2, shop.pk, category_b.pk): (0, 0, 0, 0, 0, 23000, -759, -22241),
    }


def test_monthly_settlement_adds_up_the_month(month_of_orders):
    """The 1st's run settles the month before: the sum of its days, refunds netted against sales."""
    category_a, category_b, shop = month_of_orders

    job_run(job="orders.settlement_monthly", period=Period.month(DAY_1))

    month = date(2026, 10, 1)
    assert _rows(Settlement.Kind.MONTH, month, date(2026, 11, 1)) == {
        (month, shop.pk, category_a.pk): (2, 3, 80000, 17000, 3000, 0, 2178, 63822),
        (month, shop.pk, category_b.pk): (1, 3, 30000, 0, 3000, 33000, 0, 0),
    }


def test_a_rerun_of_a_day_leaves_the_same_rows(month_of_orders):
    """Settling a day twice replaces its rows with the same ones (no duplicates, same figures)."""
    job_run(job="orders.settlement_daily", period=Period.day(DAY_1))
    first = sorted(_rows(Settlement.Kind.DAY, DAY_1, DAY_2).items(), key=str)

    job_run(job="orders.settlement_daily", period=Period.day(DAY_1))

    assert sorted(_rows(Settlement.Kind.DAY, DAY_1, DAY_2).items(), key=str) == first
    assert Settlement.objects.filter(kind=Settlement.Kind.DAY, period_start=DAY_1).count() == 2
    assert JobRun.objects.filter(job="orders.settlement_daily", status=JobRun.Status.SUCCEEDED).count() == 2


def test_the_dashboard_sales_read_the_settlement(month_of_orders):
    """Sales by day and month come from the settlement rows, zeros on days without sales."""
    for day in (DAY_1, DAY_2):
        job_run(job="orders.settlement_daily", period=Period.day(day))
    job_run(job="orders.settlement_monthly", period=Period.month(DAY_1))

    daily = {row.period: row for row in sales_daily(days=30, today=date(2026, 11, 1))}
    monthly = sales_monthly(months=12, today=date(2026, 11, 20))

    assert len(daily) == 30
    assert (daily["2026-10-14"].orders, daily["2026-10-14"].net) == (3, 63822 + 22241)
    assert daily["2026-10-15"].refunds == 23000
    assert daily["2026-10-16"].net == 0
    assert [row.period for row in monthly][-2:] == ["2026-10", "2026-11 (진행 중)"]
    assert (monthly[-2].gross, monthly[-2].refunds, monthly[-2].net) == (110000, 33000, 63822)
    assert monthly[-1].net == 0


def test_top_products_leave_out_cancelled_lines(month_of_orders):
    """Best sellers rank by what was paid for lines still bought: P1 48,000원, P3 15,000원; P2 was cancelled."""
    Order.objects.update(paid_at=timezone.now() - timedelta(days=1))

    top = top_products(days=30)

    assert [(row.quantity, row.revenue) for row in top] == [(2, 48000), (1, 15000)]


def test_buyers_by_channel_count_members_with_a_paid_order(month_of_orders):
    """Members whose payment was confirmed that day are the day's buyers; conversion is buyers / active."""
    assert buyers_by_channel(period=Period.day(DAY_1)) == {"password": 3}
    assert buyers_by_channel(period=Period.day(DAY_2)) == {}
