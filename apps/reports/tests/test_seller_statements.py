"""Seller statements: one day of confirmed purchases worked out by hand, to the won.

Rates: the defaults, 판매 수수료 5%, 라이브 판매 수수료 3%, payout 7 days after confirmation; PG fee 3.3%
(PAYMENTS_PG_FEE_RATE 0.033), every figure rounded half up per row. Sellers A and B; A's broadcast is on air
2026-11-02 19:00–21:00 with PA1 and PA2 on sale.

Placed and paid 2026-11-02, all confirmed (구매확정) 2026-11-10. Each shop's part of order 1 is over the
free-shipping threshold, so shipping is the same whether it is charged per order or per shop's parcel:
- order 1, placed 10:00 (before the broadcast: no live sale), two shops, free shipping:
  PA1 (A) 26,345 × 2 = 52,690; PA3 (A) 5,000 × 1; PB1 (B) 60,000→50,000 × 1. Before it is shipped the
  shopper cancels PA3: 5,000 back, before confirmation.
- order 2, placed 20:00 on air: PA2 (A) 30,150 × 1 + 3,000 shipping (A's parcel).
- order 3, placed 11:00: PB2 (B) 8,000 × 1 + 3,000 shipping, no shipment row: the fee goes to the seller of
  its first line, B.

Seller A, 2026-11-10
  gross       52,690 + 30,150 + 3,000 (shipping)     = 85,840
  refunds     PA3, before confirmation (not in gross) =  5,000
  PG fee      85,840 × 3.3% = 2,832.72                →  2,833
  commission  30,150 × 3% = 904.5 → 905 (on air)
            + 52,690 × 5% = 2,634.5 → 2,635           =  3,540
  payout      85,840 − 2,833 − 3,540                  = 79,467, paid on 2026-11-17
Seller B, 2026-11-10
  gross       50,000 + 8,000 + 3,000 (order 3's shipping) = 61,000
  PG fee      61,000 × 3.3% = 2,013
  commission  58,000 × 5% = 2,900
  payout      61,000 − 2,013 − 2,900                  = 56,087
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.models import Broadcast
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, OrderStatusChange, Shipment
from apps.orders.tests.factories import UserFactory, order_make
from apps.payments.models import Refund
from apps.reports.models import JobRun, SellerStatement
from apps.reports.registry import Period
from apps.reports.services import job_run, seller_statements_mark_paid
from apps.reports.tests.factories import order_paid, seoul

pytestmark = pytest.mark.django_db

PLACED = date(2026, 11, 2)
DAY = date(2026, 11, 10)
FIELDS = (
    "orders",
    "quantity",
    "gross",
    "shipping",
    "live_sales",
    "refunds",
    "refunds_after",
    "pg_fee",
    "commission",
    "payout",
)


def _confirm(order: Order, at) -> Order:
    """Ship, deliver and confirm ``order`` as staff and its shopper do; the confirmation dated ``at``."""
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="1234"
        )
    order = order_services.order_confirm(order=order, user=order.user)
    OrderStatusChange.objects.filter(order=order, to_status=Order.Status.CONFIRMED).update(at=at)
    return order


def _rows(kind=SellerStatement.Kind.DAY, **filters) -> dict:
    return {
        (row.seller_id, row.period_start, row.status, row.is_adjustment): tuple(
            getattr(row, f) for f in FIELDS
        )
        for row in SellerStatement.objects.filter(kind=kind, **filters)
    }


@pytest.fixture
def confirmed_day(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """The orders of the module docstring, confirmed on DAY; returns sellers A and B (``sellers.Seller``)."""
    seller_a, seller_b = SellerFactory().seller, SellerFactory().seller
    broadcast = BroadcastFactory(seller=seller_a.user)
    pa1 = ProductOptionFactory(product=ProductFactory(seller=seller_a, list_price=26345, sale_price=26345))
    pa2 = ProductOptionFactory(product=ProductFactory(seller=seller_a, list_price=35000, sale_price=30150))
    pa3 = ProductOptionFactory(product=ProductFactory(seller=seller_a, list_price=5000, sale_price=5000))
    pb1 = ProductOptionFactory(product=ProductFactory(seller=seller_b, list_price=60000, sale_price=50000))
    pb2 = ProductOptionFactory(product=ProductFactory(seller=seller_b, list_price=8000, sale_price=8000))
    for option in (pa1, pa2):
        BroadcastProductFactory(broadcast=broadcast, product=option.product)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=Broadcast.Status.ENDED, started_at=seoul(PLACED, 19), ended_at=seoul(PLACED, 21)
    )

    order_1 = order_paid(pg_sandbox, order_make(items={pa1.pk: 2, pa3.pk: 1, pb1.pk: 1}))
    order_2 = order_paid(pg_sandbox, order_make(items={pa2.pk: 1}))
    order_3 = order_paid(pg_sandbox, order_make(items={pb2.pk: 1}))
    assert (order_1.total_amount, order_2.total_amount, order_3.total_amount) == (107690, 33150, 11000)
    for order, hour in ((order_1, 10), (order_2, 20), (order_3, 11)):
        Order.objects.filter(pk=order.pk).update(created_at=seoul(PLACED, hour), paid_at=seoul(PLACED, hour))

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(
            order=order_1, actor="shopper", line_ids=[order_1.lines.get(option=pa3).pk]
        )
    Refund.objects.filter(order=order_1).update(created_at=seoul(PLACED, 15))
    assert Order.objects.get(pk=order_1.pk).refunded_amount == 5000
    # Each shop's parcel (when checkout has not made them already); order 3 keeps none.
    for order, seller, fee in ((order_1, seller_a, 0), (order_1, seller_b, 0), (order_2, seller_a, 3000)):
        Shipment.objects.get_or_create(order=order, seller=seller, defaults={"shipping_fee": fee})

    for order, hour in ((order_1, 9), (order_2, 14), (order_3, 23)):
        _confirm(Order.objects.get(pk=order.pk), seoul(DAY, hour))
    return seller_a, seller_b


def test_a_day_statement_equals_the_hand_computed_one(confirmed_day):
    """Every column of both sellers' statements of the day is the figure worked out by hand."""
    seller_a, seller_b = confirmed_day

    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))

    assert _rows() == {
        (seller_a.pk, DAY, "scheduled", False): (2, 3, 85840, 3000, 30150, 5000, 0, 2833, 3540, 79467),
        (seller_b.pk, DAY, "scheduled", False): (2, 2, 61000, 3000, 0, 0, 0, 2013, 2900, 56087),
    }
    row = SellerStatement.objects.get(seller=seller_a, kind="day")
    assert (row.commission_rate, row.live_commission_rate, row.payout_days) == (5, 3, 7)
    assert row.payout_date == date(2026, 11, 17)


def test_the_days_around_it_have_no_statement(confirmed_day):
    """Payment and placing days are not settled: only the confirmation day is."""
    job_run(job="orders.seller_statements_daily", period=Period.day(PLACED))
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY + timedelta(days=1)))

    assert not SellerStatement.objects.exists()


def test_a_rerun_writes_the_same_rows_and_a_paid_row_is_never_rewritten(confirmed_day, settings):
    """Twice the job → the same rows (same ids); once paid, a rerun leaves the row, even after the rates
    changed; a paid day whose figures change gets one unpaid adjustment row with the difference."""
    from constance import config

    seller_a, _seller_b = confirmed_day
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))
    first = _rows()
    ids = set(SellerStatement.objects.values_list("pk", flat=True))

    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))
    assert _rows() == first
    assert set(SellerStatement.objects.values_list("pk", flat=True)) == ids

    staff = UserFactory(is_staff=True)
    row = SellerStatement.objects.get(seller=seller_a)
    assert seller_statements_mark_paid(statement_ids=[row.pk], by=staff) == (1, [])
    config.SELLER_COMMISSION_RATE = 10
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))
    paid = SellerStatement.objects.get(pk=row.pk)
    assert (paid.status, paid.paid_by, paid.payout) == ("paid", staff, 79467)
    assert SellerStatement.objects.filter(seller=seller_a).count() == 1

    # One more order of A's (PA3 5,000 + 3,000 shipping, no shipment row) confirmed on the paid day.
    option = ProductOptionFactory(product=ProductFactory(seller=seller_a, list_price=5000, sale_price=5000))
    late = order_make(items={option.pk: 1})
    order_services.order_mark_paid_demo(order=late, imp_uid="imp_late_0001")
    Order.objects.filter(pk=late.pk).update(created_at=seoul(PLACED, 12))
    _confirm(Order.objects.get(pk=late.pk), seoul(DAY, 22))
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))

    # 8,000 more: PG fee 93,840 × 3.3% = 3,096.72 → 3,097 (+264), commission at the day's 5% (not the new
    # 10%): 57,690 × 5% = 2,884.5 → 2,885 (+250); payout +8,000 − 264 − 250 = 7,486.
    assert _rows(seller=seller_a) == {
        (seller_a.pk, DAY, "paid", False): (2, 3, 85840, 3000, 30150, 5000, 0, 2833, 3540, 79467),
        (seller_a.pk, DAY, "scheduled", True): (1, 1, 8000, 3000, 0, 0, 0, 264, 250, 7486),
    }
    assert JobRun.objects.filter(job="orders.seller_statements_daily", status="succeeded").count() == 4


def test_a_refund_after_confirmation_is_taken_off_the_day_it_is_made(
    confirmed_day, django_capture_on_commit_callbacks
):
    """A return refunded after confirmation: a negative row on the refund's day, commission and PG fee given
    back; the confirmation day's statement stays as it was."""
    seller_a, _seller_b = confirmed_day
    job_run(job="orders.seller_statements_daily", period=Period.day(DAY))
    before = _rows()
    order_2 = Order.objects.get(total_amount=33150)
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_refund_request(order=order_2, actor="staff", reason="반품")
    refund_day = DAY + timedelta(days=2)
    Refund.objects.filter(order=order_2).update(created_at=seoul(refund_day, 10))

    for day in (DAY, refund_day):
        job_run(job="orders.seller_statements_daily", period=Period.day(day))

    # 33,150 back (the line 30,150 and its parcel's 3,000): PG fee −1,093.95 → −1,094, commission on the line
    # only, −30,150 × 3% = −904.5 → −905; payout 0 − 33,150 + 1,094 + 905 = −31,151.
    assert _rows() == {
        **before,
        (seller_a.pk, refund_day, "scheduled", False): (
            0,
            0,
            0,
            -3000,
            -30150,
            0,
            33150,
            -1094,
            -905,
            -31151,
        ),
    }


def test_the_month_is_the_sum_of_its_days(confirmed_day):
    """The monthly job settles the days again and adds them up, never rounding again."""
    seller_a, seller_b = confirmed_day

    job_run(job="orders.seller_statements_monthly", period=Period.month(DAY))

    month = date(2026, 11, 1)
    assert _rows(kind=SellerStatement.Kind.MONTH) == {
        (seller_a.pk, month, "scheduled", False): (2, 3, 85840, 3000, 30150, 5000, 0, 2833, 3540, 79467),
        (seller_b.pk, month, "scheduled", False): (2, 2, 61000, 3000, 0, 0, 0, 2013, 2900, 56087),
    }
    assert SellerStatement.objects.filter(kind="day").count() == 2


def test_staff_mark_paid_only_rows_whose_payout_date_has_come(confirmed_day):
    """A day row before its payout date, or a month's sum, is refused with the reason."""
    seller_a, _seller_b = confirmed_day
    job_run(job="orders.seller_statements_monthly", period=Period.month(DAY))
    staff = UserFactory(is_staff=True)
    day_row = SellerStatement.objects.get(seller=seller_a, kind="day")
    month_row = SellerStatement.objects.get(seller=seller_a, kind="month")
    SellerStatement.objects.filter(pk=day_row.pk).update(payout_date=timezone.localdate() + timedelta(days=1))

    marked, skipped = seller_statements_mark_paid(statement_ids=[day_row.pk, month_row.pk], by=staff)

    assert marked == 0
    assert len(skipped) == 2
    assert not SellerStatement.objects.filter(status="paid").exists()
