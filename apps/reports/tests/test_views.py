"""The staff dashboard, its CSV exports, runtime settings without restart, and /metrics."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.csv_cells import csv_cell
from apps.core.metrics import CHAT_MESSAGES, LIVE_VIEWERS, ORDERS_PLACED
from apps.live.tests.factories import BroadcastFactory
from apps.reports.models import BroadcastReport, JobRun, Settlement, UserStatisticsDay
from apps.reports.registry import Period
from apps.reports.services import job_run
from apps.reports.tests.factories import StaffFactory, UserFactory, seoul

DASHBOARD = "/staff/dashboard/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _statistics_for_last_days(days: int = 3) -> None:
    today = timezone.localdate()
    for offset in range(1, days + 1):
        day = today - timedelta(days=offset)
        for _ in range(offset):
            UserFactory(date_joined=seoul(day), join_channel="kakao", last_login=seoul(day))
        job_run(job="accounts.user_statistics_daily", period=Period.day(day))


@pytest.mark.django_db
def test_the_dashboard_sends_visitors_to_login_and_refuses_members(client):
    """Anonymous: redirected to the login page; a signed-in shopper: 403."""
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/dashboard/")

    client.force_login(UserFactory())
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/staff/dashboard/job-runs.csv").status_code == 403
    assert client.get("/staff/runtime-settings.json").status_code == 403


@pytest.mark.django_db
def test_staff_see_statistics_job_runs_and_empty_states(staff_client, django_assert_max_num_queries):
    """The page carries the chart data, the job runs with status, and empty states for orders and live."""
    _statistics_for_last_days()

    # Personal data of the member (apps/core/personal.py) is read once, then cached: the budget is the page's.
    staff_client.get(DASHBOARD)
    # 13: the 12 of the page before returns, plus the count of returns waiting on someone.
    with django_assert_max_num_queries(13):
        response = staff_client.get(DASHBOARD)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-signups"' in html
    assert 'id="dashboard-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "accounts.user_statistics_daily" in html
    assert "job-status--succeeded" in html
    assert "아직 매출 집계가 없어요" in html
    assert "아직 방송 리포트가 없어요" in html
    chart = response.context["chart"]
    kakao = next(channel for channel in chart["channels"] if channel["key"] == "kakao")
    assert kakao["data"][-3:] == [3, 2, 1]


@pytest.mark.django_db
def test_each_table_exports_as_csv(staff_client):
    """CSV exports carry a BOM, Korean headers and the same rows as the page; unknown tables are 404."""
    _statistics_for_last_days(2)

    response = staff_client.get("/staff/dashboard/user-statistics.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["날짜", "가입"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert next(row for row in rows if row[0] == yesterday)[1] == "1"

    runs = list(csv.reader(io.StringIO(staff_client.get("/staff/dashboard/job-runs.csv").content.decode())))
    assert len(runs) == 1 + JobRun.objects.count()
    assert runs[1][4] == "성공"
    for table in ("sales-daily", "sales-monthly", "top-products", "broadcasts"):
        assert staff_client.get(f"/staff/dashboard/{table}.csv").status_code == 200
    assert staff_client.get("/staff/dashboard/nothing.csv").status_code == 404


def _csv(staff_client, table: str) -> list[list[str]]:
    text = staff_client.get(f"/staff/dashboard/{table}.csv").content.decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.django_db
def test_a_formula_in_a_broadcast_title_reaches_the_csv_as_text_and_a_negative_net_stays_a_number(
    staff_client,
):
    """A seller's title ``=HYPERLINK(…)`` is exported as ``'=HYPERLINK(…)`` (OWASP), so no spreadsheet runs
    it; a refund-only day's net of -3000 is still the number -3000."""
    title = '=HYPERLINK("http://x","y")'
    broadcast = BroadcastFactory(title=title)
    BroadcastReport.objects.create(broadcast=broadcast, title=title, started_at=timezone.now(), revenue=0)
    yesterday = timezone.localdate() - timedelta(days=1)
    Settlement.objects.create(kind=Settlement.Kind.DAY, period_start=yesterday, refunds=3000, net=-3000)

    broadcasts = _csv(staff_client, "broadcasts")
    assert broadcasts[1][:2] == [str(broadcast.pk), f"'{title}"]
    sales = _csv(staff_client, "sales-daily")
    row = next(row for row in sales if row[0] == yesterday.isoformat())
    assert (row[5], row[7]) == ("3000", "-3000")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_of_a_text_cell_is_neutralised(start):
    """Each character OWASP lists makes a text cell start with ``'``; numbers and plain text are left alone."""
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell(-3000) == -3000
    assert csv_cell("봄 신상 -50%") == "봄 신상 -50%"
    assert csv_cell(None) is None


@pytest.mark.django_db
def test_a_runtime_setting_changed_in_admin_applies_on_the_next_request(client):
    """Staff change the free-shipping threshold in admin; the very next request reads the new value."""
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get("/staff/runtime-settings.json").json()["FREE_SHIPPING_THRESHOLD"] == 50000

    form = client.get("/admin/constance/config/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(FREE_SHIPPING_THRESHOLD=30000, PLAYER_LATENCY_PRESET="normal")
    response = client.post("/admin/constance/config/", data)
    assert response.status_code == 302

    current = client.get("/staff/runtime-settings.json").json()
    assert current["FREE_SHIPPING_THRESHOLD"] == 30000
    assert current["PLAYER_LATENCY_PRESET"] == "normal"
    assert "30,000원" in client.get(DASHBOARD).content.decode()


@pytest.mark.django_db
def test_runtime_settings_have_korean_labels_in_admin(client):
    """The admin page lists each runtime setting with its Korean help text, grouped in fieldsets."""
    client.force_login(StaffFactory(is_superuser=True))

    html = client.get("/admin/constance/config/").content.decode()

    assert "무료배송 기준 금액" in html
    assert "채팅 슬로우 모드" in html
    assert "라이브 채팅" in html


@pytest.mark.django_db
def test_metrics_expose_the_application_counters(client):
    """/metrics from loopback: request latency, database, cache, Celery queue and the app's own counters."""
    CHAT_MESSAGES.inc()
    ORDERS_PLACED.labels(channel="live").inc()
    LIVE_VIEWERS.labels(broadcast="7").set(12)
    client.get("/healthz")

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "trimarket_chat_messages_total",
        'trimarket_orders_placed_total{channel="live"}',
        'trimarket_live_viewers{broadcast="7"} 12.0',
        "trimarket_db_queries_total",
        "trimarket_db_query_seconds_bucket",
        'trimarket_celery_queue_length{queue="celery"}',
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "django_cache_get_total",
    ):
        assert name in text, name


@pytest.mark.django_db
def test_metrics_are_not_public(client, settings):
    """From another address /metrics needs staff or the token."""
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 403
    )
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert ok.status_code == 200

    client.force_login(StaffFactory())
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200


@pytest.mark.django_db
def test_statistics_rows_are_one_per_day_and_channel():
    """The statistics job writes a row for every channel, zeros included, so charts have no gaps."""
    job_run(
        job="accounts.user_statistics_daily",
        period=Period(timezone.localdate() - timedelta(days=3), timezone.localdate()),
    )

    assert UserStatisticsDay.objects.count() == 3 * 3
