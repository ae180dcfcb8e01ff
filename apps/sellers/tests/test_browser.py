"""A member applies to sell, and a shopper walks from a product to its seller's shop, in Chromium, saved at
phone and desktop size."""

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts import demo as accounts_demo
from apps.accounts.tests.factories import UserFactory
from apps.catalog import demo as catalog_demo
from apps.live.tests.factories import BroadcastFactory
from apps.sellers import demo
from apps.sellers.models import Seller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _quiet(iterable, desc: str):
    return iterable


def _log_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url}])


def test_a_member_fills_the_application_and_sees_it_in_review(page, screenshot):
    """The apply form names a wrong 사업자등록번호 in Korean; once right, the page says 심사 중."""
    page.goto("/")
    _log_in(page, UserFactory(username="applicant"))
    page.goto("/seller/apply/")
    screenshot(page, "sellers-apply")

    page.get_by_label("상호").fill("하늘리빙")
    page.get_by_label("대표자").fill("최하늘")
    page.get_by_label("사업자등록번호").fill("220-81-62518")
    page.get_by_label("통신판매업 신고번호").fill("2023-경기성남-02310")
    page.get_by_label("사업장 주소").fill("경기도 성남시 분당구 판교역로 166, 7층")
    page.get_by_label("고객 문의 전화").fill("031-702-5500")
    page.get_by_label("고객 문의 이메일").fill("cs@haneul.example")
    page.get_by_label("정산 은행").select_option(label="신한은행")
    page.get_by_label("계좌번호").fill("110-482-339120")
    page.get_by_label("예금주").fill("최하늘")
    page.get_by_role("button", name="입점 신청하기").click()
    assert page.get_by_text("올바른 사업자등록번호가 아니에요").is_visible()
    screenshot(page, "sellers-apply-error")

    page.get_by_label("사업자등록번호").fill("220-81-62517")
    page.get_by_role("button", name="입점 신청하기").click()
    page.get_by_test_id("seller-status").wait_for()
    assert "심사 중" in page.get_by_test_id("seller-status").inner_text()
    screenshot(page, "sellers-apply-pending")
    assert Seller.objects.get(user__username="applicant").status == Seller.Status.PENDING


def test_a_shopper_goes_from_a_product_to_its_sellers_shop(page, screenshot):
    """The product page names the seller; its shop lists products, a coming broadcast and 판매자 정보."""
    accounts_demo.load(progress=_quiet)
    demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=48, images_per_product=1)
    seller = Seller.objects.select_related("user").get(user__username="seller")
    BroadcastFactory(seller=seller.user, title="목요일 밤 8시 신상 라이브")
    product = seller.products.order_by("-sales_count").first()

    page.goto(product.get_absolute_url())
    link = page.get_by_test_id("product-seller")
    assert "라이브셀러 스튜디오" in link.inner_text()
    screenshot(page, "sellers-product-names-seller")

    link.click()
    page.wait_for_url(f"**/shops/{seller.pk}/")
    assert page.get_by_role("heading", name="라이브셀러 스튜디오").is_visible()
    assert page.get_by_text("목요일 밤 8시 신상 라이브").is_visible()
    business = page.get_by_test_id("shop-business")
    assert "211-88-00122" in business.inner_text()
    assert "2025-서울마포-01872" in business.inner_text()
    assert page.locator(".product-card").count() == 12
    screenshot(page, "sellers-shop")
