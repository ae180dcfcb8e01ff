"""The staff dashboard in Chromium: refused to shoppers, charts drawn for staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import PASSWORD, UserFactory
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
