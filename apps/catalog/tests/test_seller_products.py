"""A seller's own products through the catalog's services: only its own, with the form's rules, and stock never
set over a sale made meanwhile."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client

from apps.catalog import services
from apps.catalog.models import Product, ProductImage, ProductOption
from apps.catalog.services import OptionInput
from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory, image_upload
from apps.live.tests.factories import SellerFactory
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db


def _new(seller, **overrides):
    values = {
        "seller": seller,
        "category": CategoryFactory(),
        "name": "린넨 셔츠",
        "list_price": 39000,
        "sale_price": 29000,
        "options": [
            OptionInput(name="화이트 / M", stock=5),
            OptionInput(name="블랙 / L", extra_price=1000, stock=0),
        ],
    }
    return services.seller_product_create(**{**values, **overrides})


def test_a_new_product_with_options_shows_on_its_page_with_the_seller_name(
    django_capture_on_commit_callbacks,
):
    """The product page lists both options and names the shop that sells it."""
    user = SellerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        product = _new(user.seller, description="첫 줄\n둘째 줄 <b>굵게</b>")
    body = Client().get(f"/p/{product.pk}/").content.decode()
    assert "린넨 셔츠" in body
    assert "화이트 / M" in body
    assert "블랙 / L" in body
    assert user.seller.business_name in body
    assert product.status == Product.Status.ON_SALE


def test_sale_price_above_list_price_and_negative_stock_are_refused_in_korean():
    """The same rules as the form: 판매가 ≤ 정가, stock ≥ 0, and no product without an option."""
    seller = SellerFactory().seller
    with pytest.raises(ValidationError) as error:
        _new(seller, sale_price=40000)
    assert error.value.message_dict["sale_price"] == ["판매가는 정가보다 클 수 없어요."]
    with pytest.raises(ValidationError):
        _new(seller, options=[OptionInput(name="기본", stock=-1)])
    with pytest.raises(ValidationError):
        _new(seller, options=[])
    assert not Product.objects.filter(seller=seller).exists()


def test_another_sellers_product_option_and_picture_are_404_and_unchanged():
    """Seller B reaches nothing of A's through any service."""
    a, b = SellerFactory().seller, SellerFactory().seller
    product = _new(a)
    option = product.options.first()
    image = services.seller_images_add(seller=a, product_id=product.pk, images=[image_upload()])[0]
    attempts = [
        lambda: services.seller_product_update(
            seller=b, product_id=product.pk, category=product.category, name="X", list_price=1, sale_price=1
        ),
        lambda: services.seller_product_visibility_set(seller=b, product_id=product.pk, hidden=True),
        lambda: services.seller_option_add(seller=b, product_id=product.pk, name="새 옵션"),
        lambda: services.seller_option_update(
            seller=b, option_id=option.pk, name="X", extra_price=0, stock=99
        ),
        lambda: services.seller_option_remove(seller=b, option_id=option.pk),
        lambda: services.seller_images_add(seller=b, product_id=product.pk, images=[image_upload()]),
        lambda: services.seller_image_make_main(seller=b, image_id=image.pk),
        lambda: services.seller_image_delete(seller=b, image_id=image.pk),
    ]
    for attempt in attempts:
        with pytest.raises(Http404):
            attempt()
    product.refresh_from_db()
    option.refresh_from_db()
    assert (product.name, product.status, option.stock) == ("린넨 셔츠", Product.Status.ON_SALE, 5)
    assert ProductImage.objects.filter(product=product).count() == 1


def test_hiding_takes_the_product_off_the_shop_and_showing_follows_stock(django_capture_on_commit_callbacks):
    """숨김 is a 404 for shoppers; shown again it is 판매중 with stock, 품절 without."""
    seller = SellerFactory().seller
    product = _new(seller)
    with django_capture_on_commit_callbacks(execute=True):
        Client().get(f"/p/{product.pk}/")  # cached for first-time visitors
        services.seller_product_visibility_set(seller=seller, product_id=product.pk, hidden=True)
    assert Client().get(f"/p/{product.pk}/").status_code == 404
    assert services.seller_product_visibility_set(
        seller=seller, product_id=product.pk, hidden=False
    ).status == (Product.Status.ON_SALE)
    for option in product.options.all():
        services.option_stock_put(option_id=option.pk, stock=0)
    services.seller_product_visibility_set(seller=seller, product_id=product.pk, hidden=True)
    shown = services.seller_product_visibility_set(seller=seller, product_id=product.pk, hidden=False)
    assert shown.status == Product.Status.SOLD_OUT


def test_a_stock_edit_made_on_a_stale_page_does_not_write_over_a_sale():
    """The form saw 5; a checkout took 2; saving 8 is refused with the stock now, and the sale stands."""
    seller = SellerFactory().seller
    option = ProductOptionFactory(product=ProductFactory(seller=seller), stock=5)
    assert services.option_stock_reserve(option_id=option.pk, quantity=2)
    with pytest.raises(ValidationError) as error:
        services.seller_option_update(
            seller=seller, option_id=option.pk, name=option.name, extra_price=0, stock=8, expected_stock=5
        )
    assert "3개로 바뀌었어요" in error.value.message_dict["stock"][0]
    option.refresh_from_db()
    assert option.stock == 3
    services.seller_option_update(
        seller=seller, option_id=option.pk, name="새 이름", extra_price=500, stock=8, expected_stock=3
    )
    option.refresh_from_db()
    assert (option.name, option.extra_price, option.stock) == ("새 이름", 500, 8)


def test_an_option_never_ordered_is_deleted_and_an_ordered_one_retired():
    """An ordered option keeps its row for the order, with no stock and out of the shoppers' sight."""
    seller = SellerFactory().seller
    product = _new(seller)
    fresh, ordered = product.options.order_by("position")
    services.seller_option_add(seller=seller, product_id=product.pk, name="세 번째", stock=3)
    services.option_stock_put(option_id=ordered.pk, stock=4)
    order_make(user=SellerFactory(), option=ordered)
    assert services.seller_option_remove(seller=seller, option_id=fresh.pk) is True
    assert not ProductOption.objects.filter(pk=fresh.pk).exists()
    assert services.seller_option_remove(seller=seller, option_id=ordered.pk) is False
    ordered.refresh_from_db()
    assert ordered.retired_at is not None
    assert ordered.stock == 0
    assert "블랙 / L" not in Client().get(f"/p/{product.pk}/").content.decode()


def test_the_last_option_cannot_be_removed():
    seller = SellerFactory().seller
    product = _new(seller, options=[OptionInput(name="기본", stock=1)])
    with pytest.raises(ValidationError):
        services.seller_option_remove(seller=seller, option_id=product.options.get().pk)


def test_picture_order_and_main_picture_change_what_the_product_page_shows_first(
    django_capture_on_commit_callbacks,
):
    """The main picture is the first on the product page; moving and choosing change it at once."""
    seller = SellerFactory().seller
    product = _new(seller)
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = services.seller_images_add(
            seller=seller,
            product_id=product.pk,
            images=[image_upload("a.png", colour="#ff0000"), image_upload("b.png"), image_upload("c.png")],
        )

    def page_order() -> list[int]:
        body = Client().get(f"/p/{product.pk}/").content.decode()
        names = {image.pk: image.image.name.rsplit("/", 1)[-1] for image in ProductImage.objects.all()}
        return sorted(names, key=lambda pk: body.find(names[pk]) if names[pk] in body else 10**9)

    assert page_order()[0] == first.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.seller_image_make_main(seller=seller, image_id=third.pk)
    assert page_order()[0] == third.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.seller_image_move(seller=seller, image_id=first.pk, offset=-1)
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    assert page_order()[0] == first.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.seller_image_delete(seller=seller, image_id=first.pk)
    assert list(product.images.values_list("position", flat=True)) == [0, 1]
    assert page_order()[0] == third.pk


def test_a_file_that_is_not_a_picture_is_refused_in_korean():
    seller = SellerFactory().seller
    product = _new(seller)
    with pytest.raises(ValidationError) as error:
        services.seller_images_add(
            seller=seller, product_id=product.pk, images=[SimpleUploadedFile("x.png", b"not an image")]
        )
    assert "이미지 파일이 아니거나" in error.value.messages[0]
    assert not product.images.exists()
