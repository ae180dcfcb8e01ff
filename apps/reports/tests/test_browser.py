"""The staff dashboard in Chromium: refused to shoppers, charts drawn for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live import services as live_services
from apps.live.tests.factories import BroadcastFactory, own_product
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.orders.tests.factories import order_make
from apps.reports.registry import Period
from apps.reports.services import job_run
from apps.reports.tests.factories import StaffFactory, seoul

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANNELS = ("password", "kakao", "naver")


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_load_state("networkidle")


def _two_weeks_of_statistics() -> None:
    today = timezone.localdate()
    for offset in range(1, 15):
        day = today - timedelta(days=offset)
        for n in range(offset % 4 + 1):
            UserFactory(
                date_joined=seoul(day, 10 + n), join_channel=CHANNELS[n % 3], last_login=seoul(day, 20)
            )
    job_run(job="accounts.user_statistics_daily", period=Period(today - timedelta(days=14), today))


def test_the_dashboard_refuses_a_shopper(page, screenshot):
    """A signed-in shopper who opens the dashboard gets 403 and sees none of its data."""
    UserFactory(username="shopper_b")
    _log_in(page, "shopper_b")

    response = page.goto("/staff/dashboard/")

    assert response.status == 403
    assert page.locator("#chart-signups").count() == 0
    assert page.get_by_text("운영자만 볼 수 있는 페이지예요").is_visible()
    screenshot(page, "reports-dashboard-refused")


def test_the_dashboard_draws_charts_for_staff(page, screenshot):
    """Staff see the KPI cards, Chart.js canvases drawn from the statistics, job runs and settings."""
    StaffFactory()
    _two_weeks_of_statistics()
    _log_in(page, "staff")

    page.goto("/staff/dashboard/")

    page.locator('#chart-signups[data-chart="ready"]').wait_for()
    assert page.evaluate("typeof Chart") == "function"
    assert page.evaluate("Chart.getChart('chart-signups').data.datasets.length") == 3
    assert page.evaluate("Chart.getChart('chart-activity') !== undefined")
    assert page.locator('[data-testid="job-runs"]').get_by_text("성공").count() >= 1
    assert page.get_by_test_id("runtime-settings").get_by_text("50,000원").is_visible()
    screenshot(page, "reports-dashboard")


def _three_weeks_of_sales() -> None:
    """Paid orders on the last 20 days (more each day), one cancelled line, settled by day and by month."""
    today = timezone.localdate()
    broadcast = BroadcastFactory(title="캐시미어 니트 라이브")
    knit = ProductOptionFactory(
        stock=500,
        product=own_product(broadcast, name="라이브 캐시미어 니트", list_price=49000, sale_price=39000),
    )
    socks = ProductOptionFactory(
        stock=500, product=ProductFactory(name="수면 양말 3종", list_price=9000, sale_price=9000)
    )
    for offset in range(1, 21):
        day = today - timedelta(days=offset)
        for n in range(offset % 3 + 1):
            order = order_make(items={knit.pk: 1 + n % 2, socks.pk: 1})
            order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_demo_{offset}_{n}")
            Order.objects.filter(pk=order.pk).update(
                created_at=seoul(day, 10 + n), paid_at=seoul(day, 10 + n)
            )
    job_run(job="orders.settlement_daily", period=Period(today - timedelta(days=21), today))
    last_month = Period.month(today.replace(day=1) - timedelta(days=1))
    job_run(job="orders.settlement_monthly", period=last_month)
    item = live_services.broadcast_product_add(broadcast=broadcast, product=knit.product)
    live_services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    live_services.broadcast_product_pin(item=item)
    order_services.order_mark_paid_demo(order=order_make(items={knit.pk: 2}), imp_uid="imp_demo_live")
    live_services.broadcast_end(broadcast=broadcast)


def test_the_dashboard_draws_sales_for_staff(page, screenshot):
    """Staff see daily and monthly sales charts from the settlement, top products and their CSV."""
    StaffFactory()
    _three_weeks_of_sales()
    _log_in(page, "staff")

    page.goto("/staff/dashboard/")

    page.locator('#chart-sales-daily[data-chart="ready"]').wait_for()
    page.locator('#chart-sales-monthly[data-chart="ready"]').wait_for()
    daily = page.evaluate("Chart.getChart('chart-sales-daily').data.datasets[0].data")
    assert len(daily) == 30
    assert sum(daily) > 0
    assert page.locator(".dash-rank").get_by_text("라이브 캐시미어 니트").is_visible()
    assert page.get_by_test_id("csv-sales-daily").is_visible()
    assert page.get_by_role("row", name="캐시미어 니트 라이브").get_by_text("78,000원").is_visible()
    screenshot(page, "reports-dashboard-sales")
