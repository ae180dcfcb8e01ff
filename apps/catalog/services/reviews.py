"""Reviews written from order lines, and the product's rating figures they keep right."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from apps.catalog import caching, hooks, tasks
from apps.catalog.models import (
    Product,
    Review,
    ReviewPhoto,
)

REVIEW_PHOTOS_MAX = 5


def _product_rating_refresh(*, product_id: int) -> None:
    """Recompute the rating average and count from the reviews; call inside the review's transaction."""
    Product.objects.select_for_update().filter(pk=product_id).values_list("pk", flat=True).first()
    figures = Review.objects.filter(product_id=product_id).aggregate(avg=Avg("rating"), count=Count("id"))
    Product.objects.filter(pk=product_id).update(
        rating_avg=round(figures["avg"] or 0, 2), review_count=figures["count"]
    )
    caching.product_changed(product_id)


@transaction.atomic
def review_create(
    *,
    user,
    product: Product,
    order_line_id: int,
    rating: int,
    text: str,
    photos: Sequence[UploadedFile] = (),
    option_name: str = "",
) -> Review:
    """Write the review of one order line. Only a buyer whose line of this product is delivered or
    confirmed (the orders module's rule, through ``hooks``) and not yet reviewed may write it.
    """
    if order_line_id not in hooks.reviewable_order_line_ids(user=user, product_id=product.pk):
        raise PermissionDenied(_("배송 완료되었거나 구매 확정한 주문 상품만 리뷰를 쓸 수 있습니다."))
    if Review.objects.filter(order_line_id=order_line_id).exists():
        raise ValidationError(_("이 주문 상품의 리뷰는 이미 작성했습니다."))
    if len(photos) > REVIEW_PHOTOS_MAX:
        raise ValidationError(_("사진은 %(max)d장까지 올릴 수 있습니다.") % {"max": REVIEW_PHOTOS_MAX})
    review = Review(
        product=product,
        user=user,
        order_line_id=order_line_id,
        rating=rating,
        text=text,
        option_name=option_name,
    )
    review.full_clean()
    review.save()
    for position, photo in enumerate(photos):
        review_photo = ReviewPhoto(review=review, image=photo, position=position)
        review_photo.full_clean()
        review_photo.save()
        transaction.on_commit(
            lambda photo_id=review_photo.pk: tasks.review_photo_renditions_make.delay(photo_id), robust=True
        )
    _product_rating_refresh(product_id=product.pk)
    return review


@transaction.atomic
def review_update(*, review: Review, user, rating: int, text: str) -> Review:
    """Edit one's own review; the product's average follows."""
    if review.user_id != user.pk:
        raise PermissionDenied(_("내가 쓴 리뷰만 고칠 수 있습니다."))
    review.rating, review.text = rating, text
    review.full_clean()
    review.save()
    _product_rating_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """Delete one's own review (staff may delete any); the product's average follows."""
    if review.user_id != user.pk and not user.is_staff:
        raise PermissionDenied(_("내가 쓴 리뷰만 지울 수 있습니다."))
    product_id = review.product_id
    review.delete()
    _product_rating_refresh(product_id=product_id)
