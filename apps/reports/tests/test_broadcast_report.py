"""The per-broadcast report on a scripted broadcast: pinned windows, add-to-carts and orders attributed to it."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory
from apps.live import services as live_services
from apps.live.models import BroadcastProduct, ChatMessage
from apps.live.tests.factories import BroadcastFactory, own_product
from apps.orders import services as order_services
from apps.orders.tests.factories import UserFactory, order_make
from apps.reports.models import BroadcastReport, JobRun
from apps.reports.registry import Period
from apps.reports.selectors.broadcasts import broadcast_performance
from apps.reports.services import job_run
from apps.reports.tests.factories import order_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def scripted_broadcast(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """A broadcast airs knit (24,000원) then socks (5,000원) then knit again, with carts and orders between.

    knit pinned:  2 carts (A ×1, B ×2), order A1 knit ×1                          → 2 carts, 1 order, 24,000원
    socks pinned: 1 cart (A), order B1 socks ×2, order C1 knit ×1 (knit not pinned) → 1 cart, 1 order, 10,000원
    knit again:   order D1 knit ×1                                               → 0 carts, 1 order, 24,000원
    Not the broadcast's: a product it does not sell, an unpaid order, an order after the end.
    """
    broadcast = BroadcastFactory(title="겨울 니트 라이브")
    knit = ProductOptionFactory(
        stock=50, product=own_product(broadcast, name="라이브 니트", sale_price=24000)
    )
    socks = ProductOptionFactory(
        stock=50, product=own_product(broadcast, name="수면 양말", list_price=5000, sale_price=5000)
    )
    other = ProductOptionFactory(stock=50)
    knit_item = live_services.broadcast_product_add(broadcast=broadcast, product=knit.product)
    socks_item = live_services.broadcast_product_add(broadcast=broadcast, product=socks.product)
    a, b, c, d = (UserFactory() for _ in range(4))

    def buy(user, option, quantity=1):
        return order_paid(pg_sandbox, order_make(user=user, items={option.pk: quantity}))

    with django_capture_on_commit_callbacks(execute=True):
        live_services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
        live_services.broadcast_product_pin(item=knit_item)
        order_services.cart_item_add(user=a, option_id=knit.pk, quantity=1)
        order_services.cart_item_add(user=b, option_id=knit.pk, quantity=2)
        buy(a, knit)
        buy(a, other)
        live_services.broadcast_product_pin(item=BroadcastProduct.objects.get(pk=socks_item.pk))
        order_services.cart_item_add(user=a, option_id=socks.pk, quantity=1)
        buy(b, socks, 2)
        buy(c, knit)
        order_make(user=d, items={socks.pk: 1})
        live_services.broadcast_product_pin(item=BroadcastProduct.objects.get(pk=knit_item.pk))
        buy(d, knit)
        live_services.broadcast_end(broadcast=broadcast)
    buy(c, knit)
    broadcast.refresh_from_db()
    return broadcast


def test_the_report_is_written_when_the_broadcast_ends(scripted_broadcast):
    """live.broadcast_ended runs the report job for that broadcast: totals and one row per pinned window."""
    report = BroadcastReport.objects.get(broadcast=scripted_broadcast)

    assert (report.orders, report.quantity, report.revenue, report.add_to_carts) == (4, 5, 82000, 3)
    assert (report.started_at, report.ended_at) == (
        scripted_broadcast.started_at,
        scripted_broadcast.ended_at,
    )
    pins = list(report.pins.order_by("pinned_from"))
    assert [(p.product_name, p.add_to_carts, p.orders, p.quantity, p.revenue) for p in pins] == [
        ("라이브 니트", 2, 1, 1, 24000),
        ("수면 양말", 1, 1, 2, 10000),
        ("라이브 니트", 0, 1, 1, 24000),
    ]
    assert pins[0].pinned_until == pins[1].pinned_from
    assert pins[-1].pinned_until == report.ended_at
    run = JobRun.objects.get(job="live.broadcast_report_daily", subject=f"broadcast:{scripted_broadcast.pk}")
    assert (run.status, run.rows) == (JobRun.Status.SUCCEEDED, 4)


def test_the_nightly_run_writes_the_same_report_again(scripted_broadcast):
    """The 02:30 run over the day the broadcast ended replaces its report with the same figures."""
    before = BroadcastReport.objects.get(broadcast=scripted_broadcast)
    pins_before = list(
        before.pins.values_list("product_name", "pinned_from", "pinned_until", "orders", "revenue")
    )

    job_run(job="live.broadcast_report_daily", period=Period.day(timezone.localdate()))

    after = BroadcastReport.objects.get(broadcast=scripted_broadcast)
    assert (after.orders, after.revenue, after.add_to_carts) == (before.orders, before.revenue, 3)
    assert list(
        after.pins.values_list("product_name", "pinned_from", "pinned_until", "orders", "revenue")
    ) == (pins_before)
    assert BroadcastReport.objects.count() == 1


def test_the_dashboard_lists_the_report(scripted_broadcast):
    """Broadcast performance on the dashboard reads the reports, newest first."""
    [row] = broadcast_performance()

    assert (row.title, row.orders, row.revenue, row.add_to_carts) == ("겨울 니트 라이브", 4, 82000, 3)


def test_the_report_shows_the_audience_live_counted(django_capture_on_commit_callbacks):
    """Viewer samples 10, 40, 25 over three slots, two messages (one deleted is not), 12 likes: the report
    written at the end says peak 40, average 25, 2 messages, 12 likes."""
    broadcast = BroadcastFactory(title="시청자 집계 라이브")
    with django_capture_on_commit_callbacks(execute=True):
        live_services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    cache.delete_pattern(f"live:viewer-sample:{broadcast.pk}:*")
    now = timezone.now()
    for n, viewers in enumerate((10, 40, 25)):
        live_services.broadcast_viewers_sample(
            broadcast_id=broadcast.pk,
            viewers=viewers,
            at=now + timedelta(seconds=n * live_services.VIEWER_SAMPLE_SECONDS),
        )
    viewer = UserFactory()
    for text in ("안녕하세요", "색상 문의", "광고"):
        ChatMessage.objects.create(broadcast=broadcast, user=viewer, display_name="시청자", text=text)
    ChatMessage.objects.filter(broadcast=broadcast, text="광고").update(deleted_at=timezone.now())
    live_services.broadcast_likes_add(broadcast_id=broadcast.pk, count=12)

    with django_capture_on_commit_callbacks(execute=True):
        live_services.broadcast_end(broadcast=broadcast)

    report = BroadcastReport.objects.get(broadcast=broadcast)
    assert (report.peak_viewers, report.average_viewers, report.messages, report.likes) == (40, 25, 2, 12)
