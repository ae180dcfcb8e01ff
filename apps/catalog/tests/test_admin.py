import pytest
from django.core import mail
from django.core.cache import cache

from apps.catalog import caching, selectors
from apps.catalog.models import Product, ProductImage, RestockAlert
from apps.catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductOptionFactory,
    UserFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client


def _product_form(product: Product, **changes) -> dict:
    data = {
        "seller": product.seller_id,
        "category": product.category_id,
        "name": product.name,
        "brand": product.brand,
        "status": product.status,
        "list_price": product.list_price,
        "sale_price": product.sale_price,
        "description": product.description,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "options-TOTAL_FORMS": 0,
        "options-INITIAL_FORMS": 0,
    }
    return data | changes


def test_staff_renaming_a_category_in_admin_drops_the_cached_tree(staff_client):
    """A rename saved in admin shows in the navigation at once: the cached tree is invalidated."""
    category = CategoryFactory(name="패션", slug="fashion")
    selectors.category_tree()
    assert cache.get(caching.CATEGORY_TREE_KEY) is not None

    response = staff_client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"name": "패션·잡화", "slug": "fashion", "position": 0, "parent": ""},
    )

    assert response.status_code == 302
    assert cache.get(caching.CATEGORY_TREE_KEY) is None
    assert "패션·잡화" in staff_client.get("/").content.decode()


def test_admin_bulk_action_marks_products_sold_out(staff_client):
    """The 품절 bulk action marks every selected product sold out."""
    products = [ProductFactory(), ProductFactory()]

    staff_client.post(
        "/admin/catalog/product/",
        {"action": "mark_sold_out", "_selected_action": [product.pk for product in products]},
    )

    assert set(Product.objects.values_list("status", flat=True)) == {Product.Status.SOLD_OUT}


def test_admin_image_upload_makes_a_thumbnail_and_the_description_is_sanitised(staff_client):
    """Saving a product with an inline picture makes its thumbnail; a script in the description is dropped."""
    product = ProductFactory()
    data = _product_form(product, description="<p>좋은 옷</p><script>x()</script>") | {
        "images-TOTAL_FORMS": 1,
        "images-0-image": image_upload(size=(900, 600)),
        "images-0-alt": "앞모습",
        "images-0-position": 0,
    }

    response = staff_client.post(f"/admin/catalog/product/{product.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    image = ProductImage.objects.get(product=product)
    assert "_thumb" in image.thumbnail.name
    assert image.thumbnail.size > 0
    product.refresh_from_db()
    assert "<script" not in product.description


def test_restocking_an_option_in_admin_mails_the_waiting_shopper(staff_client):
    """Raising a sold-out option's stock in the admin inline mails the shopper who asked for an alert."""
    option = ProductOptionFactory(stock=0, name="블랙 / S")
    RestockAlert.objects.create(user=UserFactory(email="waiting@example.com"), option=option)
    data = _product_form(option.product) | {
        "options-TOTAL_FORMS": 1,
        "options-INITIAL_FORMS": 1,
        "options-0-id": option.pk,
        "options-0-product": option.product_id,
        "options-0-name": option.name,
        "options-0-extra_price": 0,
        "options-0-stock": 5,
        "options-0-position": 0,
    }

    response = staff_client.post(f"/admin/catalog/product/{option.product_id}/change/", data)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]
    assert Product.objects.get(pk=option.product_id).status == Product.Status.ON_SALE
