from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from apps.catalog import caching, selectors, services
from apps.catalog.models import Category, Product, RestockAlert
from apps.catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductOptionFactory,
    UserFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


def test_category_paths_follow_the_tree_and_a_move_carries_the_subtree():
    """패션 > 여성의류 > 원피스 has paths of ids; moving 여성의류 under 뷰티 rewrites its whole subtree."""
    fashion = CategoryFactory(name="패션", slug="fashion")
    women = CategoryFactory(name="여성의류", slug="women", parent=fashion)
    dress = CategoryFactory(name="원피스", slug="dress", parent=women)
    beauty = CategoryFactory(name="뷰티", slug="beauty")
    assert dress.path == f"/{fashion.pk}/{women.pk}/{dress.pk}/"
    assert dress.depth == 2

    women.parent = beauty
    services.category_save(category=women)

    dress.refresh_from_db()
    assert dress.path == f"/{beauty.pk}/{women.pk}/{dress.pk}/"
    assert dress.depth == 2


def test_a_category_cannot_move_under_its_own_descendant():
    """Moving a category below its own child is refused and changes nothing."""
    fashion = CategoryFactory(slug="fashion")
    women = CategoryFactory(slug="women", parent=fashion)
    fashion.parent = women

    with pytest.raises(ValidationError):
        services.category_save(category=fashion)

    assert Category.objects.get(pk=fashion.pk).parent_id is None


def test_a_category_with_products_cannot_be_deleted():
    """Deleting a category that still holds products is refused."""
    product = ProductFactory()

    with pytest.raises(ValidationError):
        services.category_delete(category=product.category)


def test_the_cached_tree_is_dropped_when_staff_change_a_category(django_capture_on_commit_callbacks):
    """The tree is served from the cache; renaming a category drops it, so the next read shows the new name."""
    fashion = CategoryFactory(name="패션", slug="fashion")
    assert [node.name for node in selectors.category_tree().roots] == ["패션"]
    assert cache.get(caching.CATEGORY_TREE_KEY) is not None

    fashion.name = "패션의류"
    with django_capture_on_commit_callbacks(execute=True):
        services.category_save(category=fashion)

    assert cache.get(caching.CATEGORY_TREE_KEY) is None
    assert [node.name for node in selectors.category_tree().roots] == ["패션의류"]


def test_descriptions_are_sanitised_and_kept_as_text_for_search():
    """Scripts and event handlers are stripped from a description; its plain text is kept for search."""
    product = ProductFactory(
        description='<p onclick="steal()">여름 <strong>린넨</strong></p><script>alert(1)</script><a href="javascript:x">링크</a>'
    )

    assert "<script" not in product.description
    assert "onclick" not in product.description
    assert "javascript:" not in product.description
    assert "<strong>린넨</strong>" in product.description
    assert product.description_text == "여름 린넨 링크"


def test_a_sale_price_above_the_list_price_is_refused():
    """The sale price may not exceed the list price."""
    with pytest.raises(ValidationError):
        ProductFactory(list_price=10000, sale_price=12000)


def test_product_turns_sold_out_with_its_last_option_and_back_with_stock(django_capture_on_commit_callbacks):
    """판매중 → 품절 when every option is at 0, and back to 판매중 when one is restocked."""
    option = ProductOptionFactory(stock=1)

    services.option_stock_adjust(option_id=option.pk, delta=-1)
    assert Product.objects.get(pk=option.product_id).status == Product.Status.SOLD_OUT

    with django_capture_on_commit_callbacks(execute=True):
        services.option_stock_set(option_id=option.pk, stock=5)
    assert Product.objects.get(pk=option.product_id).status == Product.Status.ON_SALE


def test_stock_never_goes_below_zero():
    """Taking more than the stock is refused, leaving the stock as it was."""
    option = ProductOptionFactory(stock=2)

    with pytest.raises(ValidationError):
        services.option_stock_adjust(option_id=option.pk, delta=-3)

    option.refresh_from_db()
    assert option.stock == 2


def test_restock_mail_is_sent_once_when_stock_returns(django_capture_on_commit_callbacks):
    """A shopper waiting for a sold-out option gets one mail when stock returns, and no second one."""
    option = ProductOptionFactory(stock=0, name="블랙 / M")
    shopper = UserFactory(email="wait@example.com")
    services.restock_alert_request(user=shopper, option=option)

    with django_capture_on_commit_callbacks(execute=True):
        services.option_stock_set(option_id=option.pk, stock=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.option_stock_set(option_id=option.pk, stock=8)  # more stock: no new event, no new mail
    services.restock_alerts_notify(option_id=option.pk)  # a redelivered event: still nothing new

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wait@example.com"]
    assert "다시 입고" in mail.outbox[0].subject
    assert "블랙 / M" in mail.outbox[0].body
    assert RestockAlert.objects.get().notified_at is not None


def test_a_restock_alert_is_only_for_a_sold_out_option():
    """Asking to be told about an option that is in stock is refused."""
    option = ProductOptionFactory(stock=4)

    with pytest.raises(ValidationError):
        services.restock_alert_request(user=UserFactory(), option=option)


def test_a_non_buyer_cannot_review():
    """With no reviewable order line (no orders module, or not bought), writing a review is refused."""
    product = ProductFactory()

    with pytest.raises(PermissionDenied):
        services.review_create(user=UserFactory(), product=product, order_line_id=1, rating=5, text="좋아요")

    assert product.reviews.count() == 0


def test_a_buyer_reviews_each_order_line_once(bought):
    """A delivered order line may be reviewed once; a second review of it is refused."""
    product, buyer = ProductFactory(), UserFactory()
    bought(buyer, product, 41)
    services.review_create(user=buyer, product=product, order_line_id=41, rating=5, text="최고예요")

    with pytest.raises((ValidationError, PermissionDenied)):
        services.review_create(user=buyer, product=product, order_line_id=41, rating=1, text="다시")
    assert selectors.reviewable_order_lines_for(user=buyer, product=product) == []


def test_another_buyers_order_line_cannot_be_reviewed(bought):
    """A user cannot review someone else's order line."""
    product, buyer, other = ProductFactory(), UserFactory(), UserFactory()
    bought(buyer, product, 7)

    with pytest.raises(PermissionDenied):
        services.review_create(user=other, product=product, order_line_id=7, rating=1, text="남의 주문")


def test_average_rating_stays_right_on_add_edit_and_delete(bought):
    """The product's average and count follow every review written, edited and deleted."""
    product, first, second = ProductFactory(), UserFactory(), UserFactory()
    bought(first, product, 1)
    bought(second, product, 2)

    review = services.review_create(user=first, product=product, order_line_id=1, rating=5, text="좋아요")
    services.review_create(
        user=second, product=product, order_line_id=2, rating=2, text="별로", photos=[image_upload()]
    )
    product.refresh_from_db()
    assert (product.rating_avg, product.review_count) == (Decimal("3.50"), 2)

    services.review_update(review=review, user=first, rating=3, text="그냥 그래요")
    product.refresh_from_db()
    assert (product.rating_avg, product.review_count) == (Decimal("2.50"), 2)

    services.review_delete(review=review, user=first)
    product.refresh_from_db()
    assert (product.rating_avg, product.review_count) == (Decimal("2.00"), 1)


def test_only_the_author_edits_a_review(bought):
    """Someone else's review cannot be edited or deleted by a shopper."""
    product, author, other = ProductFactory(), UserFactory(), UserFactory()
    bought(author, product, 3)
    review = services.review_create(user=author, product=product, order_line_id=3, rating=4, text="괜찮아요")

    with pytest.raises(PermissionDenied):
        services.review_update(review=review, user=other, rating=1, text="바꿈")
    with pytest.raises(PermissionDenied):
        services.review_delete(review=review, user=other)


def test_an_uploaded_image_gets_a_square_thumbnail():
    """A product picture uploaded at 640×480 gets a 480×480 JPEG thumbnail made with Pillow."""
    from PIL import Image

    product = ProductFactory()
    image = services.product_image_add(product=product, image=image_upload(size=(640, 480)))

    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.size == (480, 480)
        assert thumb.format == "JPEG"


def test_wishlist_toggle_hearts_and_unhearts():
    """Toggling twice puts the product in the wishlist and takes it out again."""
    product, shopper = ProductFactory(), UserFactory()

    assert services.wishlist_toggle(user=shopper, product=product) is True
    assert selectors.wishlist_has(user=shopper, product_id=product.pk)
    assert services.wishlist_toggle(user=shopper, product=product) is False
    assert not selectors.wishlist_has(user=shopper, product_id=product.pk)


def test_sales_are_counted_per_day_and_in_total():
    """Recorded sales raise the total (인기 sort) and the day's figure (best sellers)."""
    product = ProductFactory()

    services.product_sales_record(product_id=product.pk, quantity=3)
    services.product_sales_record(product_id=product.pk, quantity=2)

    product.refresh_from_db()
    assert product.sales_count == 5
    assert product.sales_days.get().quantity == 5
