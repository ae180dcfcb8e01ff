"""The seller center's dashboard in Chromium: a shop with orders waiting and a show tonight, saved at phone and
desktop size in var/screenshots/."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import BroadcastFactory, SellerFactory
from apps.orders import services as order_services
from apps.orders.tests.factories import order_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_a_seller_sees_what_today_asks_of_it(page, screenshot, live_server):
    member = SellerFactory(username="dashboard_seller")
    option = ProductOptionFactory(
        stock=30, product=ProductFactory(seller=member.seller, list_price=39000, sale_price=29000)
    )
    for quantity in (1, 2):
        order = order_make(user=UserFactory(), option=option, quantity=quantity)
        order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_dash_browser_{order.pk}")
    BroadcastFactory(
        seller=member,
        title="오늘 밤 9시 겨울 니트 라이브",
        scheduled_at=timezone.now() + datetime.timedelta(hours=5),
    )
    _log_in(page, member, live_server.url)

    page.goto("/seller/")
    assert page.get_by_test_id("today-orders").inner_text() == "2건"
    assert page.get_by_test_id("today-sales").inner_text() == "87,000원"
    assert page.get_by_test_id("to-ship").inner_text() == "2건"
    assert "오늘 밤 9시 겨울 니트 라이브" in page.get_by_test_id("next-broadcast").inner_text()
    screenshot(page, "sellercenter-dashboard")

    page.get_by_test_id("to-ship").click()
    page.wait_for_load_state()
    assert page.url.endswith("/seller/orders/?tab=new")
