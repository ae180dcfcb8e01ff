"""The seller center's products pages: a seller lists, creates and edits its own products, and reaches no
other shop's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog import services
from apps.catalog.models import Product, ProductImage, ProductOption
from apps.catalog.services import OptionInput
from apps.catalog.tests.factories import CategoryFactory, image_upload
from apps.live.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = SellerFactory()
    client.force_login(user)
    return user.seller


def _product(seller, **overrides):
    values = {
        "seller": seller,
        "category": CategoryFactory(name="셔츠"),
        "name": "린넨 셔츠",
        "list_price": 39000,
        "sale_price": 29000,
        "options": [OptionInput(name="화이트", stock=5), OptionInput(name="블랙", stock=0)],
    }
    return services.seller_product_create(**{**values, **overrides})


def _new_form(category, **overrides):
    data = {
        "name": "오버핏 후드",
        "category": category.pk,
        "brand": "트라이",
        "list_price": "59000",
        "sale_price": "49000",
        "purchase_limit": "",
        "description": "도톰한 기모\n세탁기 가능",
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "0",
        "options-0-name": "그레이 / L",
        "options-0-extra_price": "0",
        "options-0-stock": "7",
        "options-1-name": "블랙 / XL",
        "options-1-extra_price": "2000",
        "options-1-stock": "3",
        "options-2-name": "",
        "options-2-extra_price": "",
        "options-2-stock": "",
    }
    return {**data, **overrides}


def test_the_list_shows_stock_per_option_and_filters_by_state(client, owner):
    """Each product's options and their stock at a glance; 숨김 narrows to the hidden ones."""
    shirt = _product(owner)
    hidden = _product(owner, name="숨긴 바지", hidden=True)
    _product(SellerFactory().seller, name="남의 상품")
    body = client.get("/seller/products/").content.decode()
    assert "린넨 셔츠" in body
    assert "숨긴 바지" in body
    assert "남의 상품" not in body
    assert f'data-product="{shirt.pk}"' in body
    assert "화이트 <b>5</b>" in body
    body = client.get("/seller/products/?state=hidden").content.decode()
    assert "숨긴 바지" in body
    assert "린넨 셔츠" not in body
    body = client.get("/seller/products/?q=셔츠").content.decode()
    assert "린넨 셔츠" in body
    assert "숨긴 바지" not in body
    assert hidden.status == Product.Status.HIDDEN


def test_a_new_product_with_options_and_a_picture_is_on_its_page_with_the_shop_name(client, owner):
    """Created from the form, it is for sale at /p/<id>/ under the seller's name, its picture first."""
    category = CategoryFactory()
    data = _new_form(category, images=[image_upload("main.png")])
    response = client.post("/seller/products/new/", data)
    product = Product.objects.get(seller=owner, name="오버핏 후드")
    assert response.status_code == 302
    assert response.url == f"/seller/products/{product.pk}/"
    assert sorted(product.options.values_list("name", "stock")) == [("그레이 / L", 7), ("블랙 / XL", 3)]
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert owner.business_name in page
    assert "그레이 / L" in page
    assert product.images.get().image.name.rsplit("/", 1)[-1] in page
    edit = client.get(f"/seller/products/{product.pk}/").content.decode()
    assert "도톰한 기모\n세탁기 가능</textarea>" in edit  # the seller's text back, not the HTML made of it


def test_bad_input_gives_korean_errors_never_a_500(client, owner):
    """판매가 above 정가, no option, a broken picture: the form comes back with Korean errors, nothing saved."""
    category = CategoryFactory()
    broken = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        "/seller/products/new/",
        _new_form(
            category, sale_price="99000", images=[broken], **{"options-0-name": "", "options-1-name": ""}
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "판매가는 정가보다 클 수 없어요." in body
    assert not Product.objects.filter(seller=owner).exists()
    response = client.post(
        "/seller/products/new/", _new_form(category, **{"options-0-name": "", "options-1-name": ""})
    )
    assert "옵션을 하나 이상 입력해 주세요." in response.content.decode()
    response = client.post("/seller/products/new/", _new_form(category, list_price="삼만원"))
    assert response.status_code == 400
    assert not Product.objects.filter(seller=owner).exists()


def test_editing_details_options_and_stock(client, owner):
    """Prices and stock saved from the edit page show on the product page."""
    product = _product(owner)
    white, black = product.options.order_by("position")
    response = client.post(
        f"/seller/products/{product.pk}/",
        {
            "name": "린넨 셔츠 2",
            "category": product.category_id,
            "list_price": "39000",
            "sale_price": "19900",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/seller/products/{product.pk}/options/",
        {
            "options-TOTAL_FORMS": "3",
            "options-INITIAL_FORMS": "2",
            "options-0-option_id": white.pk,
            "options-0-expected_stock": "5",
            "options-0-name": "화이트",
            "options-0-extra_price": "0",
            "options-0-stock": "9",
            "options-1-option_id": black.pk,
            "options-1-expected_stock": "0",
            "options-1-name": "블랙",
            "options-1-extra_price": "1000",
            "options-1-stock": "0",
            "options-2-name": "네이비",
            "options-2-extra_price": "0",
            "options-2-stock": "4",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.sale_price == 19900
    assert sorted(product.options.values_list("name", "extra_price", "stock")) == [
        ("네이비", 0, 4),
        ("블랙", 1000, 0),
        ("화이트", 0, 9),
    ]
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert "린넨 셔츠 2" in page
    assert "19,900" in page


def test_a_stock_save_from_a_stale_page_is_refused_and_the_sale_stands(client, owner):
    product = _product(owner)
    white = product.options.get(name="화이트")
    services.option_stock_reserve(option_id=white.pk, quantity=2)
    data = {
        "options-TOTAL_FORMS": "1",
        "options-INITIAL_FORMS": "1",
        "options-0-option_id": white.pk,
        "options-0-expected_stock": "5",
        "options-0-name": "화이트",
        "options-0-extra_price": "0",
        "options-0-stock": "10",
    }
    response = client.post(f"/seller/products/{product.pk}/options/", data)
    assert response.status_code == 400
    assert "그 사이 주문으로 재고가 3개로 바뀌었어요" in response.content.decode()
    assert 'name="options-0-expected_stock" value="3"' in response.content.decode()
    white.refresh_from_db()
    assert white.stock == 3


def test_hiding_from_the_list_makes_the_product_unreachable_for_shoppers(client, owner):
    product = _product(owner)
    response = client.post(f"/seller/products/{product.pk}/visibility/", {"hidden": "1"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.HIDDEN
    client.logout()
    assert client.get(f"/p/{product.pk}/").status_code == 404
    response = client.post(
        "/cart/add/", {"product": product.pk, "option": product.options.first().pk, "quantity": 1}
    )
    assert not ProductOption.objects.none().exists()
    assert client.get("/cart/").content.decode().count("린넨 셔츠") == 0


def test_pictures_are_reordered_and_the_main_one_chosen_from_the_edit_page(client, owner):
    product = _product(owner)
    first, second = services.seller_images_add(
        seller=owner, product_id=product.pk, images=[image_upload("one.png"), image_upload("two.png")]
    )
    assert client.post(f"/seller/products/{product.pk}/images/{second.pk}/main/").status_code == 302
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    client.post(f"/seller/products/{product.pk}/images/{second.pk}/down/")
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]
    response = client.post(
        f"/seller/products/{product.pk}/images/",
        {"images": [SimpleUploadedFile("bad.jpg", b"nope", content_type="image/jpeg")]},
    )
    assert response.status_code == 400
    assert "이미지 파일이 아니거나 손상된" in response.content.decode()
    client.post(f"/seller/products/{product.pk}/images/{first.pk}/delete/")
    assert list(ProductImage.objects.filter(product=product).values_list("pk", flat=True)) == [second.pk]


def test_an_option_is_removed_from_the_edit_page(client, owner):
    product = _product(owner)
    black = product.options.get(name="블랙")
    response = client.post(f"/seller/products/{product.pk}/options/{black.pk}/remove/", follow=True)
    assert "‘블랙’ 옵션을 삭제했어요." in response.content.decode()
    assert not ProductOption.objects.filter(pk=black.pk).exists()


def test_another_seller_gets_404_for_every_page_and_action_of_this_sellers_product(client, owner):
    """Seller B, logged in, reaches none of A's product pages and changes nothing with any POST."""
    product = _product(owner)
    option = product.options.first()
    [image] = services.seller_images_add(seller=owner, product_id=product.pk, images=[image_upload()])
    client.force_login(SellerFactory())
    base = f"/seller/products/{product.pk}"
    assert client.get(f"{base}/").status_code == 404
    posts = {
        f"{base}/": {"name": "B", "category": product.category_id, "list_price": "1", "sale_price": "1"},
        f"{base}/visibility/": {"hidden": "1"},
        f"{base}/options/": {"options-TOTAL_FORMS": "0", "options-INITIAL_FORMS": "0"},
        f"{base}/options/{option.pk}/remove/": {},
        f"{base}/images/": {"images": [image_upload()]},
        f"{base}/images/{image.pk}/main/": {},
        f"{base}/images/{image.pk}/delete/": {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    product.refresh_from_db()
    assert (product.name, product.status) == ("린넨 셔츠", Product.Status.ON_SALE)
    assert product.options.count() == 2
    assert product.images.count() == 1


def test_the_list_costs_the_same_few_queries_for_many_products(client, owner, django_assert_max_num_queries):
    """Options, category and main picture come with the page, not one query per product."""
    for number in range(12):
        product = _product(owner, name=f"상품 {number}")
        services.seller_images_add(seller=owner, product_id=product.pk, images=[image_upload()])
    with django_assert_max_num_queries(12):
        response = client.get("/seller/products/")
    assert response.content.decode().count("data-product=") == 12
