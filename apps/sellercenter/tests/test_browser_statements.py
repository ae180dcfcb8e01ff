"""정산 in Chromium: a seller opens November's statements (one paid, one scheduled) and one statement's orders,
saved at phone and desktop size in var/screenshots/."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.test import Client

from apps.live.tests.factories import SellerFactory
from apps.reports.models import SellerStatement
from apps.reports.registry import Period
from apps.reports.services import job_run
from apps.sellercenter.tests.test_statements import confirmed_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_a_seller_reads_its_statements_and_one_statements_orders(page, screenshot, live_server):
    member = SellerFactory(username="statement_seller")
    first, second = date(2026, 11, 3), date(2026, 11, 10)
    order = confirmed_order(seller=member.seller, price=20000, quantity=2, day=first)
    confirmed_order(seller=member.seller, price=59000, day=second)
    for day in (first, second):
        job_run(job="orders.seller_statements_daily", period=Period.day(day))
    SellerStatement.objects.filter(period_start=first).update(status=SellerStatement.Status.PAID)
    _log_in(page, member, live_server.url)

    page.goto("/seller/statements/?month=2026-11")
    rows = page.get_by_test_id("statement-row")
    assert rows.count() == 2
    assert "지급완료" in rows.nth(0).inner_text()
    assert "정산예정" in rows.nth(1).inner_text()
    screenshot(page, "sellercenter-statements")

    rows.nth(0).get_by_role("link").click()
    page.wait_for_load_state()
    line = page.get_by_test_id("statement-line").first
    assert order.merchant_uid in line.inner_text()
    assert "40,000원" in line.inner_text()
    screenshot(page, "sellercenter-statement-detail")
