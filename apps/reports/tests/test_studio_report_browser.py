"""The studio's broadcast report in Chromium: the charts draw and each pinned window has its row.
Screenshots at phone and desktop."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from apps.live import services as live_services
from apps.live.models import Broadcast, BroadcastPin, BroadcastViewerSample, ChatMessage
from apps.live.tests.factories import BroadcastFactory, UserFactory, own_product
from apps.reports.models import BroadcastReport, BroadcastReportPin
from apps.reports.services import broadcast_report_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{live_server.url}/"}])


def _aired_broadcast() -> Broadcast:
    """A 40-minute show: three pins, viewers sampled every 30 s, chat through it; sales as the job kept them."""
    broadcast = BroadcastFactory(title="겨울 니트 라이브")
    names = ("캐시미어 라운드 니트", "수면 양말 3켤레", "울 머플러")
    items = [
        live_services.broadcast_product_add(broadcast=broadcast, product=own_product(broadcast, name=name))
        for name in names
    ]
    live_services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    for item in items:
        live_services.broadcast_product_pin(item=item)
    live_services.broadcast_end(broadcast=broadcast)
    broadcast.refresh_from_db()
    start = broadcast.ended_at - timedelta(minutes=40)
    Broadcast.objects.filter(pk=broadcast.pk).update(started_at=start, likes=1284)
    for pin, minute in zip(
        BroadcastPin.objects.filter(broadcast=broadcast).order_by("id"), (2, 15, 28), strict=True
    ):
        BroadcastPin.objects.filter(pk=pin.pk).update(
            pinned_at=start + timedelta(minutes=minute), offset_seconds=minute * 60
        )
    BroadcastViewerSample.objects.bulk_create(
        BroadcastViewerSample(
            broadcast=broadcast,
            at=start + timedelta(seconds=30 * slot),
            viewers=min(slot * 9, 180) + (slot % 7) * 4 - max(slot - 60, 0) * 3,
        )
        for slot in range(80)
    )
    viewer = UserFactory()
    ChatMessage.objects.bulk_create(
        ChatMessage(broadcast=broadcast, user=viewer, display_name="시청자", text="예뻐요")
        for _ in range(120)
    )
    for n, message in enumerate(ChatMessage.objects.filter(broadcast=broadcast)):
        ChatMessage.objects.filter(pk=message.pk).update(
            created_at=start + timedelta(seconds=(n * 37) % 2400)
        )
    broadcast_report_write(broadcast_id=broadcast.pk)
    report = BroadcastReport.objects.get(broadcast=broadcast)
    # Sales as the job would have counted them from paid orders (orders are the job's own tests' business).
    BroadcastReport.objects.filter(pk=report.pk).update(
        add_to_carts=64, orders=31, quantity=38, revenue=1_523_000
    )
    for pin, (carts, orders, quantity, revenue) in zip(
        report.pins.order_by("pinned_from"),
        ((30, 18, 20, 980_000), (22, 9, 14, 138_600), (12, 4, 4, 404_400)),
        strict=True,
    ):
        BroadcastReportPin.objects.filter(pk=pin.pk).update(
            add_to_carts=carts, orders=orders, quantity=quantity, revenue=revenue
        )
    return broadcast


def test_the_seller_reads_the_report_with_charts(page, live_server, screenshot):
    """Totals on top, viewers and chat charts drawn, and a row per pinned window with its viewers and sales."""
    broadcast = _aired_broadcast()
    _log_in(page, live_server, broadcast.seller)
    page.goto(f"/live/{broadcast.pk}/studio/")
    page.get_by_test_id("report-link").click()
    page.wait_for_url(f"**/live/{broadcast.pk}/studio/report/")
    assert page.get_by_test_id("report-revenue").inner_text() == "1,523,000원"
    assert page.get_by_test_id("report-likes").inner_text() == "1,284개"
    for chart in ("chart-viewers", "chart-chat", "chart-pins"):
        page.wait_for_selector(f"#{chart}[data-chart='ready']")
    rows = page.get_by_test_id("report-pin")
    assert rows.count() == 3
    assert "캐시미어 라운드 니트" in rows.nth(0).inner_text()
    assert "02:00" in rows.nth(0).inner_text()
    assert "980,000원" in rows.nth(0).inner_text()
    screenshot(page, "live-studio-report")
