"""A seller registers a product with options and pictures, picks its main picture, finds it in the list and
previews a CSV with a bad row, in Chromium, saved at phone and desktop size."""

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from apps.catalog import services
from apps.catalog.models import Product
from apps.catalog.services import OptionInput
from apps.catalog.tests.factories import CategoryFactory
from apps.live.tests.factories import SellerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url}])


def _picture(name: str, colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 800), colour).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_seller_creates_edits_and_imports_products(page, screenshot):
    user = SellerFactory(username="shop_owner")
    seller = user.seller
    category = CategoryFactory(name="니트")
    services.seller_product_create(
        seller=seller,
        category=category,
        name="캐시미어 라운드 니트",
        list_price=89000,
        sale_price=69000,
        options=[OptionInput(name="아이보리 / FREE", stock=12), OptionInput(name="차콜 / FREE", stock=0)],
    )
    services.seller_product_create(
        seller=seller,
        category=category,
        name="울 블렌드 가디건 (준비 중)",
        list_price=79000,
        sale_price=79000,
        options=[OptionInput(name="베이지 / M", stock=4)],
        hidden=True,
    )
    page.goto("/")
    _log_in(page, user)

    page.goto("/seller/products/new/")
    screenshot(page, "sellercenter-products-new")
    page.get_by_label("상품명").fill("코튼 오버핏 셔츠")
    page.locator("#id_category").select_option(label="니트")
    page.get_by_label("정가 (원)").fill("49000")
    page.get_by_label("판매가 (원)").fill("39000")
    page.get_by_label("상세 설명").fill("도톰한 코튼 원단\n남녀 공용")
    page.locator('[name="options-0-name"]').fill("화이트 / L")
    page.locator('[name="options-0-stock"]').fill("8")
    page.locator('[name="options-1-name"]').fill("블루 / L")
    page.locator('[name="options-1-extra_price"]').fill("2000")
    page.locator('[name="options-1-stock"]').fill("5")
    page.locator('[name="images"]').set_input_files(
        [_picture("white.png", "#f4f1ea"), _picture("blue.png", "#3b6fd8")]
    )
    page.get_by_role("button", name="상품 등록").click()
    page.get_by_test_id("images").wait_for()
    product = Product.objects.get(name="코튼 오버핏 셔츠")
    assert page.locator(".images-item").count() == 2
    screenshot(page, "sellercenter-products-edit")

    page.locator(".images-item").nth(1).get_by_test_id("image-main").click()
    page.get_by_test_id("images").wait_for()
    blue = product.images.order_by("position").first()
    assert blue.image.name.rsplit("/", 1)[-1].startswith("blue")

    page.goto("/seller/products/")
    items = page.get_by_test_id("seller-products")
    assert "코튼 오버핏 셔츠" in items.inner_text()
    assert "차콜 / FREE 0" in items.inner_text()
    screenshot(page, "sellercenter-products-list")

    page.goto("/seller/products/import/")
    screenshot(page, "sellercenter-products-import")
    csv_text = (
        "상품번호,상품명,카테고리,정가,판매가,판매상태,옵션번호,옵션명,추가금액,재고\n"
        ",린넨 와이드 팬츠,니트,59000,49000,판매중,,베이지 / M,0,6\n"
        ",린넨 와이드 팬츠,니트,59000,49000,판매중,,블랙 / M,0,4\n"
        ",실크 스카프,없는카테고리,30000,45000,판매중,,기본,0,3\n"
    )
    page.locator('[name="file"]').set_input_files(
        [{"name": "products.csv", "mimeType": "text/csv", "buffer": csv_text.encode("cp949")}]
    )
    page.get_by_role("button", name="미리보기").click()
    page.get_by_test_id("import-preview").wait_for()
    preview = page.get_by_test_id("import-preview").inner_text()
    assert "없는 카테고리예요" in preview
    assert "판매가는 정가보다 클 수 없어요." in preview
    assert "새 상품 ‘린넨 와이드 팬츠’" in preview
    screenshot(page, "sellercenter-products-import-preview")
    assert not Product.objects.filter(name="린넨 와이드 팬츠").exists()
